import { ApiGatewayV2Client, UpdateApiCommand, UpdateDomainNameCommand } from "@aws-sdk/client-apigatewayv2";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Amazon API Gateway v2 (HTTP and WebSocket APIs). Same IAM service and CloudTrail event source as the REST API
 * (apigateway), authorised by HTTP method on the `/apis/...` and `/domainnames/...` paths (API Gateway Developer
 * Guide, "Control access to HTTP API management", hence `iamPrefix`): every Get* is apigateway:GET, Update*
 * apigateway:PATCH. A missing API, stage or domain is NotFoundException (API Gateway V2 API
 * Reference, Errors).
 */
export const service = {
  name: "apigatewayv2",
  serviceId: "ApiGatewayV2",
  package: "@aws-sdk/client-apigatewayv2",
  client: ApiGatewayV2Client,
  eventSource: "apigateway.amazonaws.com",
  iamPrefix: "apigateway",
  notFound: ["NotFoundException"],
} as const satisfies ServiceDefinition;

const APIS = ["arn:${AWS::Partition}:apigateway:${AWS::Region}::/apis/*"];
const DOMAINS = ["arn:${AWS::Partition}:apigateway:${AWS::Region}::/domainnames/*"];

export const operations = {
  GetApi: { action: "apigateway:GET", access: "read", resources: APIS },
  GetStage: { action: "apigateway:GET", access: "read", resources: APIS },
  GetDomainName: { action: "apigateway:GET", access: "read", resources: DOMAINS },
  GetDomainNames: {
    action: "apigateway:GET",
    access: "read",
    resources: ["arn:${AWS::Partition}:apigateway:${AWS::Region}::/domainnames"],
  },
  GetApiMappings: { action: "apigateway:GET", access: "read", resources: DOMAINS },
  UpdateDomainName: {
    action: "apigateway:PATCH",
    access: "write",
    resources: DOMAINS,
    command: UpdateDomainNameCommand,
    service,
  },
  UpdateApi: { action: "apigateway:PATCH", access: "write", resources: APIS, command: UpdateApiCommand, service },
} satisfies OperationTable;
