// @ts-check
"use strict";

/**
 * The packaged template (`serverless package`) made into one a StackSet deploys to every account of an
 * organisational unit:
 *
 * - The per-account values are CloudFormation Parameters: the template is packaged with sentinel values for
 *   `teamName` and `alertEmail` (they pass deploy/params.js's checks), and every occurrence of a sentinel becomes a
 *   `Ref` to its parameter (or a `Fn::Join` around it inside a longer string); the remediation mode, which
 *   deploy/params.js only accepts from its list, is read by path: the functions' `GUARDRAIL_REMEDIATION_MODE`.
 *   A sentinel left anywhere fails the conversion.
 * - The functions' code: serverless points `Code` at its own deployment bucket, which a StackSet cannot fill. Lambda
 *   reads code only from a bucket in the function's Region (Lambda API Reference, FunctionCode: "An Amazon S3 bucket
 *   in the same Amazon Web Services Region as your function"), so each Region has an artifact bucket named
 *   `<prefix>-<Region>`, and `S3Bucket` becomes `Fn::Sub` of that name in the stack's own Region.
 */

/** Sentinels `serverless package` is run with; chosen to pass deploy/params.js and to occur nowhere else. */
const SENTINELS = {
  teamName: "GuardrailStackSetTeamName",
  alertEmail: "guardrail-stackset-alert-email@stackset.invalid",
};

/** The template's Parameters, named as CloudFormation names them, and the package parameter each replaces. */
const PARAMETERS = {
  TeamName: {
    param: "teamName",
    definition: {
      Type: "String",
      Description: "The team that owns the account (tags every resource guardrail:team)",
      AllowedPattern: "^[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}$",
    },
  },
  AlertEmail: {
    param: "alertEmail",
    definition: {
      Type: "String",
      Description: "Subscribed to the Guardrail topic: outcomes, approval requests, alerts and alarms",
      AllowedPattern: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
    },
  },
  RemediationMode: {
    param: "remediationMode",
    definition: {
      Type: "String",
      Description: "The account's cap on policies' remediation modes (auto > approve > notify)",
      AllowedValues: ["auto", "approve", "notify"],
    },
  },
};

const PARAMETER_OF = Object.fromEntries(Object.entries(PARAMETERS).map(([key, p]) => [p.param, key]));

/** `value` with every sentinel turned into a Ref to its parameter; `where` names the place for errors. */
function replaceSentinels(value, where) {
  if (typeof value === "string") {
    const found = Object.entries(SENTINELS).filter(([, s]) => value.includes(s));
    if (found.length === 0) return value;
    const [param, sentinel] = found[0];
    const ref = { Ref: PARAMETER_OF[param] };
    if (value === sentinel) return ref;
    const parts = value.split(sentinel);
    const joined = [];
    parts.forEach((part, i) => {
      if (i > 0) joined.push(ref);
      if (part !== "") joined.push(replaceSentinels(part, where));
    });
    return { "Fn::Join": ["", joined] };
  }
  if (Array.isArray(value)) return value.map((v, i) => replaceSentinels(v, `${where}/${i}`));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (Object.values(SENTINELS).some((s) => k.includes(s))) {
          throw new Error(`${where}/${k}: a parameter's value is a key here, which a Ref cannot replace`);
        }
        return [k, replaceSentinels(v, `${where}/${k}`)];
      }),
    );
  }
  return value;
}

/**
 * The StackSet's template from the packaged one.
 * @param {Record<string, any>} template cloudformation-template-update-stack.json
 * @param {{ bucketPrefix: string, keys: Record<string, string> }} code the artifact buckets' prefix; the S3 key of
 *   each function's zip, by function name (deploy/functions.js)
 * @param {Record<string, string>} functionIds the template's logical id of each function
 */
function stackSetTemplate(template, code, functionIds) {
  const out = replaceSentinels(JSON.parse(JSON.stringify(template)), "");
  out.Parameters = {
    ...(out.Parameters ?? {}),
    ...Object.fromEntries(Object.entries(PARAMETERS).map(([key, p]) => [key, { ...p.definition }])),
  };
  for (const [fn, id] of Object.entries(functionIds)) {
    const resource = out.Resources?.[id];
    if (!resource || resource.Type !== "AWS::Lambda::Function") {
      throw new Error(`the packaged template has no function ${id} (${fn})`);
    }
    if (!code.keys[fn]) throw new Error(`no artifact key for function ${fn}`);
    resource.Properties.Code = {
      S3Bucket: { "Fn::Sub": `${code.bucketPrefix}-\${AWS::Region}` },
      S3Key: code.keys[fn],
    };
    const variables = resource.Properties.Environment?.Variables;
    if (variables && "GUARDRAIL_REMEDIATION_MODE" in variables) {
      variables.GUARDRAIL_REMEDIATION_MODE = { Ref: "RemediationMode" };
    }
  }
  const text = JSON.stringify(out);
  for (const [param, sentinel] of Object.entries(SENTINELS)) {
    if (text.includes(sentinel)) throw new Error(`the ${param} sentinel survived the conversion`);
  }
  if (text.includes('"S3Bucket":{"Ref":"ServerlessDeploymentBucket"}')) {
    throw new Error("a function's code still points at serverless's deployment bucket");
  }
  return out;
}

/** IAM capabilities the template needs (CloudFormation API Reference, CreateStackSet: Capabilities). */
function capabilitiesOf(template) {
  const resources = Object.values(template.Resources ?? {});
  const iam = resources.filter((r) => String(r.Type).startsWith("AWS::IAM::"));
  if (iam.length === 0) return [];
  const named = iam.some(
    (r) => r.Properties && ["RoleName", "UserName", "GroupName", "ManagedPolicyName"].some((k) => k in r.Properties),
  );
  return named ? ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"] : ["CAPABILITY_IAM"];
}

module.exports = { SENTINELS, PARAMETERS, stackSetTemplate, capabilitiesOf, replaceSentinels };
