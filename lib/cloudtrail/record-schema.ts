import type { JsonSchema } from "../util/json";

/**
 * The CloudTrail record as policies with `subject: {cloudtrail: true}` see it: the record exactly as CloudTrail
 * writes it (the `detail` of an EventBridge "AWS API Call via CloudTrail" event, or one element of a log file's
 * `Records`). Fields: CloudTrail User Guide, "CloudTrail record contents" (eventVersion 1.11) and "CloudTrail
 * userIdentity element".
 */
const sessionIssuer: JsonSchema = {
  type: "object",
  properties: {
    type: { type: "string" },
    principalId: { type: "string" },
    arn: { type: "string" },
    accountId: { type: "string" },
    userName: { type: "string" },
  },
};

export const cloudTrailRecordSchema: JsonSchema = {
  type: "object",
  properties: {
    eventVersion: { type: "string" },
    userIdentity: {
      type: "object",
      properties: {
        type: {
          enum: [
            "Root", "IAMUser", "AssumedRole", "Role", "FederatedUser", "Directory", "AWSAccount", "AWSService",
            "Unknown", "IdentityCenterUser", "SAMLUser", "WebIdentityUser",
          ],
        }, // prettier-ignore
        principalId: { type: "string" },
        arn: { type: "string" },
        accountId: { type: "string" },
        accessKeyId: { type: "string" },
        userName: { type: "string" },
        invokedBy: { type: "string" },
        identityProvider: { type: "string" },
        onBehalfOf: { type: "object" },
        credentialId: { type: "string" },
        sessionContext: {
          type: "object",
          properties: {
            sessionIssuer,
            webIdFederationData: { type: "object" },
            sourceIdentity: { type: "string" },
            ec2RoleDelivery: { type: "string" },
            assumedRoot: { type: "string" },
            attributes: {
              type: "object",
              properties: { creationDate: { type: "string" }, mfaAuthenticated: { type: "string" } },
            },
          },
        },
      },
    },
    eventTime: { type: "string" },
    eventSource: { type: "string" },
    eventName: { type: "string" },
    awsRegion: { type: "string" },
    sourceIPAddress: { type: "string" },
    userAgent: { type: "string" },
    errorCode: { type: "string" },
    errorMessage: { type: "string" },
    requestParameters: { type: ["object", "null"] },
    responseElements: { type: ["object", "null"] },
    additionalEventData: { type: "object" },
    requestID: { type: "string" },
    eventID: { type: "string" },
    eventType: {
      enum: [
        "AwsApiCall",
        "AwsServiceEvent",
        "AwsConsoleAction",
        "AwsConsoleSignIn",
        "AwsCloudTrailInsight",
        "AwsVpceEvent",
      ],
    },
    apiVersion: { type: "string" },
    managementEvent: { type: "boolean" },
    readOnly: { type: "boolean" },
    resources: {
      type: "array",
      items: {
        type: "object",
        properties: { ARN: { type: "string" }, accountId: { type: "string" }, type: { type: "string" } },
      },
    },
    recipientAccountId: { type: "string" },
    serviceEventDetails: { type: "object" },
    sharedEventID: { type: "string" },
    vpcEndpointId: { type: "string" },
    vpcEndpointAccountId: { type: "string" },
    eventCategory: { enum: ["Management", "Data", "Insight", "NetworkActivity"] },
    addendum: { type: "object" },
    sessionCredentialFromConsole: { type: "string", description: 'Recorded as the string "true" (not a boolean).' },
    edgeDeviceDetails: { type: "object" },
    tlsDetails: {
      type: "object",
      properties: {
        tlsVersion: { type: "string" },
        cipherSuite: { type: "string" },
        clientProvidedHostHeader: { type: "string" },
      },
    },
  },
};
