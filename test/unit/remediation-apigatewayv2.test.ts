import {
  ApiGatewayV2Client,
  GetApiCommand,
  GetApiMappingsCommand,
  GetDomainNameCommand,
  GetDomainNamesCommand,
  GetStageCommand,
  NotFoundException,
  UpdateApiCommand,
  UpdateDomainNameCommand,
} from "@aws-sdk/client-apigatewayv2";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { resetClients } from "../../lib/aws/clients";
import { serviceModuleProblems } from "../../lib/aws/service";
import * as apigatewayv2Module from "../../lib/aws/services/apigatewayv2";
import { execute } from "../../lib/remediation/executor";
import { requireAction } from "../../lib/remediation/planning/registry";
import { PlanError } from "../../lib/remediation/types";
import type { Resource } from "../../lib/resources/adapter";
import { describeResource } from "../../lib/resources/describe";

/*
 * The API Gateway v2 actions (plans and restores, pure), the exact requests they and the v2 describes send
 * (aws-sdk-client-mock). moto implements neither UpdateDomainName nor UpdateStage (HTML 500), so the domain fix's
 * request is held here to the API Gateway V2 API Reference, UpdateDomainName (DomainName, DomainNameConfigurations
 * [{CertificateArn, EndpointType, SecurityPolicy, ...}]) and UpdateApi (ApiId, DisableExecuteApiEndpoint); UpdateApi
 * also runs on moto in test/integration/apigatewayv2.test.ts.
 */

const REGION = "eu-west-1";
const ACCT = "111122223333";
const CERT = `arn:aws:acm:${REGION}:${ACCT}:certificate/4f0c2a9e-7b1d-4c55-9e3a-2d8f6b1a0c77`;
const OWNERSHIP = `arn:aws:acm:${REGION}:${ACCT}:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`;

function domain(configurations: unknown, extra: Record<string, unknown> = {}): Resource {
  return {
    type: "AWS::ApiGatewayV2::DomainName",
    id: "orders.api.example.com",
    accountId: ACCT,
    region: REGION,
    tags: {},
    deleted: false,
    document: { domainName: "orders.api.example.com", domainNameConfigurations: configurations, tags: {}, ...extra },
  };
}

function api(doc: Record<string, unknown>): Resource {
  return {
    type: "AWS::ApiGatewayV2::Api",
    id: "k7x2p9q4zt",
    accountId: ACCT,
    region: REGION,
    tags: {},
    deleted: false,
    document: { apiId: "k7x2p9q4zt", tags: {}, customDomainNames: ["orders.api.example.com"], ...doc },
  };
}

/** A configuration as GetDomainName gives it, read-only members included. */
const regional = (securityPolicy?: string) => ({
  apiGatewayDomainName: "d-8kq3zt1w7e.execute-api.eu-west-1.amazonaws.com",
  certificateArn: CERT,
  certificateName: "orders",
  domainNameStatus: "AVAILABLE",
  endpointType: "REGIONAL",
  hostedZoneId: "ZLY8HYME6SFDD",
  ipAddressType: "dualstack",
  ownershipVerificationCertificateArn: OWNERSHIP,
  ...(securityPolicy ? { securityPolicy } : {}),
});

const plan = (id: string, r: Resource) => requireAction(id).plan(r, {});
const restore = (id: string, before: Resource, after: Resource) => requireAction(id).restore(before, after, {});

describe("apigatewayv2-domain-tls-1-2", () => {
  const id = "apigatewayv2-domain-tls-1-2";
  const sent = (securityPolicy: string) => ({
    CertificateArn: CERT,
    CertificateName: "orders",
    EndpointType: "REGIONAL",
    IpAddressType: "dualstack",
    OwnershipVerificationCertificateArn: OWNERSHIP,
    SecurityPolicy: securityPolicy,
  });

  it("sends every configuration with TLS_1_2 and its certificate and endpoint unchanged; restore sends the old policy", () => {
    const before = domain([regional("TLS_1_0")]);
    expect(plan(id, before)).toEqual([
      {
        service: "apigatewayv2",
        operation: "UpdateDomainName",
        input: { DomainName: "orders.api.example.com", DomainNameConfigurations: [sent("TLS_1_2")] },
      },
    ]);
    const after = domain([regional("TLS_1_2")]);
    expect(plan(id, after)).toEqual([]);
    expect(restore(id, before, after)).toEqual([
      {
        service: "apigatewayv2",
        operation: "UpdateDomainName",
        input: { DomainName: "orders.api.example.com", DomainNameConfigurations: [sent("TLS_1_0")] },
      },
    ]);
    expect(restore(id, after, after)).toEqual([]);
  });

  it("treats an absent policy as the legacy TLS_1_0: fixed, and restored as TLS_1_0", () => {
    const before = domain([regional()]);
    expect(plan(id, before)[0]?.input).toMatchObject({ DomainNameConfigurations: [sent("TLS_1_2")] });
    expect(restore(id, before, domain([regional("TLS_1_2")]))[0]?.input).toMatchObject({
      DomainNameConfigurations: [sent("TLS_1_0")],
    });
  });

  it("refuses, naming the field, what it could not send back unchanged", () => {
    const { certificateArn: _c, ...noCert } = regional("TLS_1_0");
    expect(() => plan(id, domain([noCert]))).toThrow(PlanError);
    expect(() => plan(id, domain([noCert]))).toThrow(/domainNameConfigurations\/0 has no certificateArn/);
    const { endpointType: _e, ...noType } = regional("TLS_1_0");
    expect(() => plan(id, domain([noType]))).toThrow(/has no endpointType/);
    expect(() => plan(id, domain([]))).toThrow(/has no domainNameConfigurations/);
    expect(() => plan(id, domain("TLS_1_0"))).toThrow(/has no domainNameConfigurations/);
    expect(() => plan(id, domain([7]))).toThrow(/domainNameConfigurations\/0 .* is not an object/);
    expect(() => plan(id, domain([regional("TLS_1_0")], { domainName: undefined }))).toThrow(/has no domainName/);
  });
});

describe("apigatewayv2-api-disable-default-endpoint", () => {
  const id = "apigatewayv2-api-disable-default-endpoint";

  it("turns the default endpoint off; restore turns it back on only if the fix did it", () => {
    const before = api({ disableExecuteApiEndpoint: false });
    expect(plan(id, before)).toEqual([
      {
        service: "apigatewayv2",
        operation: "UpdateApi",
        input: { ApiId: "k7x2p9q4zt", DisableExecuteApiEndpoint: true },
      },
    ]);
    expect(plan(id, api({}))).toHaveLength(1);
    const after = api({ disableExecuteApiEndpoint: true });
    expect(plan(id, after)).toEqual([]);
    expect(restore(id, before, after)).toEqual([
      {
        service: "apigatewayv2",
        operation: "UpdateApi",
        input: { ApiId: "k7x2p9q4zt", DisableExecuteApiEndpoint: false },
      },
    ]);
    expect(restore(id, after, after)).toEqual([]);
    expect(() => plan(id, api({ apiId: 7 }))).toThrow(/has no apiId/);
  });
});

describe("notify-only stage actions", () => {
  it("plan nothing", () => {
    const stage: Resource = {
      type: "AWS::ApiGatewayV2::Stage",
      id: `arn:aws:apigateway:${REGION}::/apis/k7x2p9q4zt/stages/prod`,
      accountId: ACCT,
      region: REGION,
      tags: {},
      deleted: false,
      document: { stageName: "prod", apiId: "k7x2p9q4zt", tags: {} },
    };
    for (const id of ["apigatewayv2-stage-access-logging-review", "apigatewayv2-stage-throttling-review"]) {
      expect(requireAction(id).notifyOnly).toBe(true);
      expect(plan(id, stage)).toEqual([]);
    }
  });
});

describe("the service module", () => {
  it("authorises as apigateway (its iamPrefix), and a prefix that is not its name's own is refused", () => {
    expect(serviceModuleProblems(apigatewayv2Module)).toEqual([]);
    const as = (iamPrefix: unknown) =>
      serviceModuleProblems({ ...apigatewayv2Module, service: { ...apigatewayv2Module.service, iamPrefix } });
    for (const bad of ["iam", "", "apigatewayv2x", 7]) {
      expect(as(bad)).toContain("service.iamPrefix must be a non-empty prefix of its name");
    }
    // Without it, apigateway:GET is not the module's own action.
    expect(as(undefined).join("\n")).toMatch(/operations.GetApi.action must be one of apigatewayv2's own IAM actions/);
  });
});

// ---- the calls as sent, and the describes' requests -------------------------------------------------------------

const v2 = mockClient(ApiGatewayV2Client);
beforeEach(() => {
  v2.reset();
  resetClients();
});
afterAll(() => {
  v2.restore();
  resetClients();
});

const notFound = () => new NotFoundException({ message: "Invalid API identifier specified", $metadata: {} });

describe("execution", () => {
  it("sends exactly the planned UpdateDomainName and UpdateApi inputs", async () => {
    v2.onAnyCommand().resolves({});
    const calls = [
      ...plan("apigatewayv2-domain-tls-1-2", domain([regional("TLS_1_0")])),
      ...plan("apigatewayv2-api-disable-default-endpoint", api({ disableExecuteApiEndpoint: false })),
    ];
    const report = await execute(calls, { region: REGION });
    expect(report.ok).toBe(true);
    expect(v2).toHaveReceivedCommandTimes(UpdateDomainNameCommand, 1);
    expect(v2).toHaveReceivedCommandWith(UpdateDomainNameCommand, {
      DomainName: "orders.api.example.com",
      DomainNameConfigurations: [
        {
          CertificateArn: CERT,
          CertificateName: "orders",
          EndpointType: "REGIONAL",
          IpAddressType: "dualstack",
          OwnershipVerificationCertificateArn: OWNERSHIP,
          SecurityPolicy: "TLS_1_2",
        },
      ],
    });
    expect(v2).toHaveReceivedCommandWith(UpdateApiCommand, { ApiId: "k7x2p9q4zt", DisableExecuteApiEndpoint: true });
  });
});

describe("describes", () => {
  const apiRef = { type: "AWS::ApiGatewayV2::Api", id: "k7x2p9q4zt", region: REGION, accountId: ACCT };

  it("reads an API and every page of the domains and their mappings; a domain gone meanwhile has none", async () => {
    v2.on(GetApiCommand).resolves({ ApiId: "k7x2p9q4zt", Name: "orders-http", ProtocolType: "HTTP" });
    v2.on(GetDomainNamesCommand)
      .resolvesOnce({ Items: [{ DomainName: "a.example.com" }], NextToken: "p2" })
      .resolvesOnce({ Items: [{ DomainName: "b.example.com" }, { DomainName: "gone.example.com" }] });
    v2.on(GetApiMappingsCommand, { DomainName: "a.example.com" })
      .resolvesOnce({ Items: [{ ApiId: "other00000", Stage: "prod" }], NextToken: "m2" })
      .resolvesOnce({ Items: [{ ApiId: "k7x2p9q4zt", Stage: "prod" }] });
    v2.on(GetApiMappingsCommand, { DomainName: "b.example.com" }).resolves({
      Items: [{ ApiId: "other00000", Stage: "prod" }],
    });
    v2.on(GetApiMappingsCommand, { DomainName: "gone.example.com" }).rejects(notFound());
    const r = await describeResource(apiRef);
    expect(r?.document).toMatchObject({ apiId: "k7x2p9q4zt", customDomainNames: ["a.example.com"] });
    expect(v2).toHaveReceivedCommandWith(GetApiCommand, { ApiId: "k7x2p9q4zt" });
    expect(v2).toHaveReceivedNthCommandWith(2, GetDomainNamesCommand, { MaxResults: "500" });
    expect(v2).toHaveReceivedNthCommandWith(3, GetDomainNamesCommand, { MaxResults: "500", NextToken: "p2" });
    expect(v2).toHaveReceivedCommandWith(GetApiMappingsCommand, {
      DomainName: "a.example.com",
      MaxResults: "500",
      NextToken: "m2",
    });
    v2.reset();
    v2.on(GetApiCommand).rejects(notFound());
    expect(await describeResource(apiRef)).toBeUndefined();
  });

  it("reads a stage by the ids in its ARN and a domain by name; NotFoundException is gone", async () => {
    const stageRef = {
      type: "AWS::ApiGatewayV2::Stage",
      id: `arn:aws:apigateway:${REGION}::/apis/k7x2p9q4zt/stages/%24default`,
      region: REGION,
      accountId: ACCT,
    };
    v2.on(GetStageCommand).resolves({ StageName: "$default", AutoDeploy: true });
    expect((await describeResource(stageRef))?.document).toMatchObject({ stageName: "$default", apiId: "k7x2p9q4zt" });
    expect(v2).toHaveReceivedCommandWith(GetStageCommand, { ApiId: "k7x2p9q4zt", StageName: "$default" });
    const domainRef = {
      type: "AWS::ApiGatewayV2::DomainName",
      id: "orders.api.example.com",
      region: REGION,
      accountId: ACCT,
    };
    v2.on(GetDomainNameCommand).rejects(notFound());
    expect(await describeResource(domainRef)).toBeUndefined();
    expect(v2).toHaveReceivedCommandWith(GetDomainNameCommand, { DomainName: "orders.api.example.com" });
  });
});
