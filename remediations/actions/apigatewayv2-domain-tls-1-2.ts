import type { Resource } from "../../lib/resources/adapter";
import { obj, requireString, str } from "../../lib/remediation/document";
import { awsCall, PlanError, type AwsCall, type RemediationAction } from "../../lib/remediation/types";
import type { DomainNameConfiguration } from "@aws-sdk/client-apigatewayv2";
import type { JsonObject } from "../../lib/util/json";

const ID = "apigatewayv2-domain-tls-1-2";

/** The domain's endpoint configurations as the document holds them; a document without a list is refused. */
function configurationsOf(resource: Resource): JsonObject[] {
  const list = resource.document.domainNameConfigurations;
  if (!Array.isArray(list) || list.length === 0) {
    throw new PlanError(ID, `the ${resource.type} document of ${resource.id} has no domainNameConfigurations`);
  }
  return list.map((c, i) => {
    const o = obj(c);
    if (!o) throw new PlanError(ID, `domainNameConfigurations/${i} of ${resource.id} is not an object`);
    return o;
  });
}

/**
 * One configuration as UpdateDomainName takes it, with `securityPolicy` replaced: the certificate, endpoint type, IP
 * address type and ownership certificate as they are, so that nothing but the TLS policy changes (API Gateway V2 API
 * Reference, UpdateDomainName and DomainNameConfiguration: the read-only members, such as the endpoint's own domain
 * name, hosted zone and status, are not sent). A configuration without its certificate or endpoint type is refused:
 * sending it without them could not keep them.
 */
function withPolicy(c: JsonObject, i: number, securityPolicy: string): DomainNameConfiguration {
  const certificateArn = str(c.certificateArn);
  const endpointType = str(c.endpointType);
  if (!certificateArn) throw new PlanError(ID, `domainNameConfigurations/${i} has no certificateArn to keep`);
  if (!endpointType) throw new PlanError(ID, `domainNameConfigurations/${i} has no endpointType to keep`);
  const out: DomainNameConfiguration = {
    CertificateArn: certificateArn,
    EndpointType: endpointType as DomainNameConfiguration["EndpointType"],
    SecurityPolicy: securityPolicy as DomainNameConfiguration["SecurityPolicy"],
  };
  const name = str(c.certificateName);
  if (name) out.CertificateName = name;
  const ip = str(c.ipAddressType);
  if (ip) out.IpAddressType = ip as DomainNameConfiguration["IpAddressType"];
  const ownership = str(c.ownershipVerificationCertificateArn);
  if (ownership) out.OwnershipVerificationCertificateArn = ownership;
  return out;
}

/** An absent policy is the legacy TLS_1_0, as for REST custom domains. */
const policyOf = (c: JsonObject) => str(c.securityPolicy) ?? "TLS_1_0";

export const action: RemediationAction = {
  id: ID,
  resourceTypes: ["AWS::ApiGatewayV2::DomainName"],
  description:
    "Sets every endpoint configuration of the HTTP API custom domain to the TLS_1_2 security policy with UpdateDomainName, sending each configuration's certificate, endpoint type, IP address type and ownership certificate unchanged so that only the TLS policy changes. A domain whose configurations are all TLS_1_2 is left alone. Clients that only speak TLS 1.0 or 1.1 can no longer connect. Restore sends each configuration back with its previous policy (absent means the legacy TLS_1_0).",
  plan(resource) {
    const domainName = requireString(ID, resource, "domainName");
    const configurations = configurationsOf(resource);
    if (configurations.every((c) => policyOf(c) === "TLS_1_2")) return [];
    return [
      awsCall("apigatewayv2", "UpdateDomainName", {
        DomainName: domainName,
        DomainNameConfigurations: configurations.map((c, i) => withPolicy(c, i, "TLS_1_2")),
      }),
    ];
  },
  restore(before, after): AwsCall[] {
    const was = configurationsOf(before);
    const is = configurationsOf(after);
    if (was.length === is.length && was.every((c, i) => policyOf(c) === policyOf(is[i] as JsonObject))) return [];
    return [
      awsCall("apigatewayv2", "UpdateDomainName", {
        DomainName: requireString(ID, before, "domainName"),
        DomainNameConfigurations: was.map((c, i) => withPolicy(c, i, policyOf(c))),
      }),
    ];
  },
};
