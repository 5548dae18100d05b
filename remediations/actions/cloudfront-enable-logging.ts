import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "cloudfront-enable-logging",
  resourceTypes: ["AWS::CloudFront::Distribution"],
  description:
    "Notify only. Standard logging needs an S3 bucket that allows CloudFront to write (ACLs enabled, the awslogsdelivery account granted FULL_CONTROL) or a CloudWatch Logs delivery, in the owner's account and with the owner's retention: no bucket can be guessed. The owner sets Logging (or a log delivery) in the template.",
});
