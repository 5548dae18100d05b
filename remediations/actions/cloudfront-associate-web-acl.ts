import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "cloudfront-associate-web-acl",
  resourceTypes: ["AWS::CloudFront::Distribution"],
  description:
    "Notify only. A web ACL for CloudFront lives in us-east-1 with the CLOUDFRONT scope and its rules decide which viewers are blocked: attaching one without knowing the application's traffic can block legitimate requests. The owner sets WebACLId to a web ACL they have tuned.",
});
