import {
  APIGatewayClient,
  CreateDeploymentCommand,
  UpdateDomainNameCommand,
  UpdateRestApiCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-api-gateway";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Amazon API Gateway (REST APIs, the v1 API). IAM authorises it by HTTP method on the resource path
 * (API Gateway Developer Guide, "Control access for managing API Gateway resources"): every Get* is apigateway:GET.
 */
export const service = {
  name: "apigateway",
  serviceId: "API Gateway",
  package: "@aws-sdk/client-api-gateway",
  client: APIGatewayClient,
  eventSource: "apigateway.amazonaws.com",
  notFound: ["NotFoundException"],
} as const satisfies ServiceDefinition;

const APIS = ["arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/*"];
const DOMAINS = ["arn:${AWS::Partition}:apigateway:${AWS::Region}::/domainnames/*"];

export const operations = {
  GetRestApi: { action: "apigateway:GET", access: "read", resources: APIS },
  GetStage: { action: "apigateway:GET", access: "read", resources: APIS },
  GetStages: { action: "apigateway:GET", access: "read", resources: APIS },
  GetMethod: { action: "apigateway:GET", access: "read", resources: APIS },
  GetDomainName: { action: "apigateway:GET", access: "read", resources: DOMAINS },
  GetDomainNames: {
    action: "apigateway:GET",
    access: "read",
    resources: ["arn:${AWS::Partition}:apigateway:${AWS::Region}::/domainnames"],
  },
  GetBasePathMappings: { action: "apigateway:GET", access: "read", resources: DOMAINS },
  UpdateDomainName: {
    action: "apigateway:PATCH",
    access: "write",
    resources: DOMAINS,
    command: UpdateDomainNameCommand,
    service,
  },
  UpdateRestApi: {
    action: "apigateway:PATCH",
    access: "write",
    resources: APIS,
    command: UpdateRestApiCommand,
    service,
  },
  UpdateStage: { action: "apigateway:PATCH", access: "write", resources: APIS, command: UpdateStageCommand, service },
  CreateDeployment: {
    action: "apigateway:POST",
    access: "write",
    resources: ["arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/*/deployments"],
    command: CreateDeploymentCommand,
    service,
  },
} satisfies OperationTable;
