import { serviceModules } from "../aws/registry";

/**
 * The SDK package of every service module (lib/aws/services/), by `client.config.serviceId`, with its client
 * class's name: where a scenario's calls, the loop bench's SDK floor and the local account's errors find
 * `<Operation>Command`, the client and the modelled exceptions. Loaded here, by name, because only local mode needs
 * a whole package.
 */
export type SdkPackage = Record<string, unknown>;

let packages: Record<string, { pkg: SdkPackage; client: string }> | undefined;

export function sdkPackages(): Readonly<Record<string, { pkg: SdkPackage; client: string }>> {
  if (!packages) {
    packages = {};
    for (const { service } of serviceModules().values()) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      packages[service.serviceId] = { pkg: require(service.package) as SdkPackage, client: service.client.name };
    }
  }
  return packages;
}
