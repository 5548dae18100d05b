import { distributionConfigOf, updateDistribution } from "../../lib/remediation/cloudfront";
import { assertParams, str } from "../../lib/remediation/document";
import type { AwsCall, RemediationAction, RemediationParams } from "../../lib/remediation/types";
import { isObject } from "../../lib/util/json";

/** Security policies with TLS 1.2 or later as minimum (CloudFront Developer Guide, "Supported protocols and ciphers between viewers and CloudFront"). */
export const TLS12_OR_LATER = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

export const action: RemediationAction = {
  id: "cloudfront-viewer-tls",
  resourceTypes: ["AWS::CloudFront::Distribution"],
  description:
    "Sets the viewer certificate's MinimumProtocolVersion to \"TLSv1.2_2021\" (or the params' MinimumProtocolVersion) on a distribution that serves its own certificate (an ACM ARN or an IAM certificate id is set) whose security policy allows TLS older than 1.2, with UpdateDistribution (the whole configuration as described, IfMatch its ETag). Viewers that cannot negotiate TLS 1.2 lose access, hence approval. A distribution on the default *.cloudfront.net certificate is left alone: CloudFront fixes its policy. Restore puts back the recorded version. Needs a live describe: a Config item carries no ETag.",
  params: {
    type: "object",
    additionalProperties: false,
    properties: { MinimumProtocolVersion: { enum: TLS12_OR_LATER } },
  },
  checkParams: (params: RemediationParams) =>
    params.MinimumProtocolVersion === undefined || TLS12_OR_LATER.includes(String(params.MinimumProtocolVersion))
      ? []
      : [`MinimumProtocolVersion must be one of ${TLS12_OR_LATER.join(", ")}`],
  plan(resource, params) {
    assertParams(action, params);
    const config = distributionConfigOf(action.id, resource);
    const cert = config.viewerCertificate;
    // Judged by the certificate it names, as the policy is, not by the CloudFrontDefaultCertificate flag.
    if (!isObject(cert) || !(str(cert.acmCertificateArn) ?? str(cert.iamCertificateId))) return [];
    if (TLS12_OR_LATER.includes(String(cert.minimumProtocolVersion))) return [];
    cert.minimumProtocolVersion =
      typeof params.MinimumProtocolVersion === "string" ? params.MinimumProtocolVersion : "TLSv1.2_2021";
    return [updateDistribution(action.id, resource, config)];
  },
  restore(before, after): AwsCall[] {
    const was = distributionConfigOf(action.id, before).viewerCertificate;
    const config = distributionConfigOf(action.id, after);
    const cert = config.viewerCertificate;
    if (!isObject(was) || !isObject(cert) || was.minimumProtocolVersion === undefined) return [];
    if (was.minimumProtocolVersion === cert.minimumProtocolVersion) return [];
    cert.minimumProtocolVersion = was.minimumProtocolVersion;
    return [updateDistribution(action.id, after, config)];
  },
};
