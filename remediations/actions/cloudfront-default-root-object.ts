import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "cloudfront-default-root-object",
  resourceTypes: ["AWS::CloudFront::Distribution"],
  description:
    "Notify only. The root object is a path in the origin (index.html for a website bucket, nothing for an API): setting one the origin does not have turns every request for the root into an error. The owner sets DefaultRootObject.",
});
