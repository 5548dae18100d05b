/** The local AWS account: see ./contract.ts (the API the local pipeline codes against) and docs/local-account.md. */
export type { CallContext, CommandServer, ItemRef, LocalAccountApi, Principal } from "./contract";
export { LocalAccount, type OpenOptions } from "./account";
export { awsError } from "./errors";
export {
  assumedRole,
  ciDeployRole,
  consoleUser,
  guardrailRole,
  iamUser,
  principalCatalogue,
  rootUser,
  PRINCIPAL_NAMES,
  type PrincipalName,
} from "./principals";
