import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateApiMappingCommand,
  CreateDomainNameCommand,
  CreateStageCommand,
  GetApiCommand,
  GetDomainNameCommand,
  GetStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { execute } from "../../lib/remediation/executor";
import { requireAction } from "../../lib/remediation/planning/registry";
import { listers } from "../../lib/resources/list";
import { described, fix, ref, verdict } from "./guardrail";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

/*
 * API Gateway v2 on moto: each describe (GetApi with GetDomainNames and GetApiMappings, GetStage, GetDomainName), the
 * default-endpoint fix and its undo (UpdateApi). moto implements neither UpdateDomainName nor UpdateStage (HTML 500),
 * so the TLS fix's request is held to the API Reference in test/unit/remediation-apigatewayv2.test.ts and to the
 * local account in test/integration/local-account-apigatewayv2.test.ts.
 */

jest.setTimeout(60_000);

const moto = useMoto();
const CERT = `arn:aws:acm:${MOTO_REGION}:${MOTO_ACCOUNT}:certificate/4f0c2a9e-7b1d-4c55-9e3a-2d8f6b1a0c77`;
const LOG = `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:/aws/apigateway/orders-http`;

describe("HTTP API, stages and custom domain (moto)", () => {
  it("describes each type as the policies read it, fixes the default endpoint, verifies and undoes it", async () => {
    const c = new ApiGatewayV2Client(moto.config());
    const api = await c.send(
      new CreateApiCommand({ Name: "orders-http", ProtocolType: "HTTP", Tags: { team: "orders" } }),
    );
    const apiId = api.ApiId as string;
    await c.send(new CreateStageCommand({ ApiId: apiId, StageName: "prod", Tags: { team: "orders" } }));
    await c.send(
      new CreateStageCommand({
        ApiId: apiId,
        StageName: "logged",
        AccessLogSettings: { DestinationArn: LOG, Format: "$context.requestId" },
        DefaultRouteSettings: { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 },
      }),
    );
    await c.send(
      new CreateDomainNameCommand({
        DomainName: "orders.api.example.com",
        DomainNameConfigurations: [{ CertificateArn: CERT, EndpointType: "REGIONAL", SecurityPolicy: "TLS_1_0" }],
        Tags: { team: "orders" },
      }),
    );
    await c.send(new CreateApiMappingCommand({ DomainName: "orders.api.example.com", ApiId: apiId, Stage: "prod" }));

    // The shapes the policy examples copy (policies/apigatewayv2/README.md): moto's GetDomainName and GetApi.
    const { $metadata: _m, ...rawDomain } = await c.send(
      new GetDomainNameCommand({ DomainName: "orders.api.example.com" }),
    );
    expect(rawDomain).toEqual({
      ApiMappingSelectionExpression: "$request.basepath",
      DomainName: "orders.api.example.com",
      DomainNameArn: `arn:aws:apigateway:${MOTO_REGION}::/domainnames/orders.api.example.com`,
      DomainNameConfigurations: [{ CertificateArn: CERT, EndpointType: "REGIONAL", SecurityPolicy: "TLS_1_0" }],
      MutualTlsAuthentication: {},
      Tags: { team: "orders" },
    });
    const rawStage = await c.send(new GetStageCommand({ ApiId: apiId, StageName: "prod" }));
    expect(rawStage.AccessLogSettings).toBeUndefined();

    const domain = await described(ref("AWS::ApiGatewayV2::DomainName", "orders.api.example.com"));
    expect(domain.document).toMatchObject({
      domainName: "orders.api.example.com",
      domainNameConfigurations: [{ certificateArn: CERT, endpointType: "REGIONAL", securityPolicy: "TLS_1_0" }],
      tags: { team: "orders" },
    });
    expect(verdict("apigatewayv2-domain-tls-1-2", domain)).toBe("NON_COMPLIANT");

    const stageArn = (name: string) => `arn:aws:apigateway:${MOTO_REGION}::/apis/${apiId}/stages/${name}`;
    const prod = await described(ref("AWS::ApiGatewayV2::Stage", stageArn("prod"), stageArn("prod")));
    expect(prod.document).toMatchObject({ apiId, stageName: "prod", tags: { team: "orders" } });
    expect(verdict("apigatewayv2-stage-access-logging", prod)).toBe("NON_COMPLIANT");
    expect(verdict("apigatewayv2-stage-throttling", prod)).toBe("NON_COMPLIANT");
    const logged = await described(ref("AWS::ApiGatewayV2::Stage", stageArn("logged"), stageArn("logged")));
    expect(logged.document.accessLogSettings).toEqual({ destinationArn: LOG, format: "$context.requestId" });
    expect(verdict("apigatewayv2-stage-access-logging", logged)).toBe("COMPLIANT");
    expect(verdict("apigatewayv2-stage-throttling", logged)).toBe("COMPLIANT");

    const apiRef = ref("AWS::ApiGatewayV2::Api", apiId);
    const before = await described(apiRef);
    expect(before.document).toMatchObject({
      apiId,
      name: "orders-http",
      protocolType: "HTTP",
      disableExecuteApiEndpoint: false,
      customDomainNames: ["orders.api.example.com"],
      tags: { team: "orders" },
    });
    expect(verdict("apigatewayv2-api-default-endpoint-disabled", before)).toBe("NON_COMPLIANT");

    await fix("apigatewayv2-api-default-endpoint-disabled", before);
    const after = await described(apiRef);
    expect(verdict("apigatewayv2-api-default-endpoint-disabled", after)).toBe("COMPLIANT");
    expect((await c.send(new GetApiCommand({ ApiId: apiId }))).DisableExecuteApiEndpoint).toBe(true);

    const undo = requireAction("apigatewayv2-api-disable-default-endpoint").restore(before, after, {});
    expect((await execute(undo, { region: MOTO_REGION })).ok).toBe(true);
    expect((await described(apiRef)).document.disableExecuteApiEndpoint).toBe(false);
  });

  it("lists every API, stage and domain as scan --live does (GetApis, GetStages, GetDomainNames)", async () => {
    const all = async (type: string) => {
      const refs = [];
      for await (const r of listers().get(type)!.list({ accountId: MOTO_ACCOUNT, region: MOTO_REGION })) refs.push(r);
      return refs;
    };
    const apis = await all("AWS::ApiGatewayV2::Api");
    expect(apis).toHaveLength(1);
    const apiId = apis[0]!.id;
    const stage = (name: string) => `arn:aws:apigateway:${MOTO_REGION}::/apis/${apiId}/stages/${name}`;
    expect((await all("AWS::ApiGatewayV2::Stage")).map((r) => r.id).sort()).toEqual([stage("logged"), stage("prod")]);
    expect((await all("AWS::ApiGatewayV2::DomainName")).map((r) => r.id)).toEqual(["orders.api.example.com"]);
  });

  it("treats an API, stage or domain that does not exist as gone", async () => {
    const { describeResource } = await import("../../lib/resources/describe");
    expect(await describeResource(ref("AWS::ApiGatewayV2::Api", "nope1234"))).toBeUndefined();
    const missing = `arn:aws:apigateway:${MOTO_REGION}::/apis/nope1234/stages/prod`;
    expect(await describeResource(ref("AWS::ApiGatewayV2::Stage", missing))).toBeUndefined();
    expect(await describeResource(ref("AWS::ApiGatewayV2::DomainName", "nope.example.com"))).toBeUndefined();
  });
});
