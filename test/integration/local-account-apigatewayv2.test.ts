import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateApiMappingCommand,
  CreateDomainNameCommand,
  CreateStageCommand,
  GetApiCommand,
  GetApiMappingsCommand,
  GetDomainNameCommand,
  GetDomainNamesCommand,
  GetStageCommand,
  UpdateApiCommand,
  UpdateDomainNameCommand,
} from "@aws-sdk/client-apigatewayv2";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clientFor } from "../../lib/aws/clients";
import { service as apigatewayv2 } from "../../lib/aws/services/apigatewayv2";
import { LocalAccount } from "../../lib/local/account";
import { execute } from "../../lib/remediation/executor";
import { requireAction } from "../../lib/remediation/planning/registry";
import type { ResourceRef } from "../../lib/resources/adapter";
import type { ConfigItem } from "../../lib/resources/config-item";
import { camelKeys } from "../../lib/resources/described";
import { describeResource } from "../../lib/resources/describe";
import { adapterFor } from "../../lib/resources/registry";
import type { JsonObject } from "../../lib/util/json";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

/**
 * Fidelity of the local account's API Gateway v2 (lib/local/account/services/apigatewayv2.ts) against moto server:
 * the same API, stage, custom domain and API mapping on both sides (moto's, recorded into the local account as the
 * v2 describes build them: Api and Stage in Config's camelCase, the domain as GetDomainName's members), then the same
 * calls through Guardrail's own client to moto and to the local account, comparing outcomes (success or error name)
 * and Guardrail's describe afterwards.
 *
 * Compared with moto (both implement them): GetApi, GetStage, GetDomainName, GetDomainNames, GetApiMappings (the
 * describes), UpdateApi (DisableExecuteApiEndpoint, Description), NotFoundException for an unknown API, stage or
 * domain. Checked against the API Gateway V2 API Reference only, because moto lacks UpdateDomainName (HTML 500):
 * the TLS fix and its undo, BadRequestException for a security policy outside TLS_1_0/TLS_1_2 and for a
 * configuration without a certificate, NotFoundException for an unknown domain, and the CloudTrail record of the
 * update. Known difference: GetApiMappings of an unknown domain is an empty list on moto, NotFoundException here
 * (as GetDomainName's), which the API describe treats alike.
 */

jest.setTimeout(60_000);

const moto = useMoto();
let account: LocalAccount;
let detach: (() => void) | undefined;
let dir: string;
let apiId = "";

const DOMAIN = "contract.api.example.com";
const CERT = `arn:aws:acm:${MOTO_REGION}:${MOTO_ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555`;
const refs: Record<string, ResourceRef> = {};
const ref = (type: string, id: string): ResourceRef => ({ type, id, region: MOTO_REGION, accountId: MOTO_ACCOUNT });
const client = () => clientFor(apigatewayv2, MOTO_REGION);

async function createMotoResources(): Promise<void> {
  const c = new ApiGatewayV2Client(moto.config());
  apiId = (await c.send(new CreateApiCommand({ Name: "contract-http", ProtocolType: "HTTP", Tags: { team: "c" } })))
    .ApiId as string;
  await c.send(new CreateStageCommand({ ApiId: apiId, StageName: "prod", Tags: { team: "c" } }));
  await c.send(
    new CreateDomainNameCommand({
      DomainName: DOMAIN,
      DomainNameConfigurations: [{ CertificateArn: CERT, EndpointType: "REGIONAL", SecurityPolicy: "TLS_1_0" }],
      Tags: { team: "c" },
    }),
  );
  await c.send(new CreateApiMappingCommand({ DomainName: DOMAIN, ApiId: apiId, Stage: "prod" }));
  refs.api = ref("AWS::ApiGatewayV2::Api", apiId);
  refs.stage = ref("AWS::ApiGatewayV2::Stage", `arn:aws:apigateway:${MOTO_REGION}::/apis/${apiId}/stages/prod`);
  refs.domain = ref("AWS::ApiGatewayV2::DomainName", DOMAIN);
}

/** The item each v2 adapter's fromDescribe builds from moto's describe (caught on its way to fromConfigItem). */
async function recordItems(): Promise<ConfigItem[]> {
  const items: ConfigItem[] = [];
  for (const r of Object.values(refs)) {
    const adapter = adapterFor(r.type);
    if (!adapter) throw new Error(r.type);
    const spy = jest.spyOn(adapter, "fromConfigItem");
    try {
      expect(await describeResource(r)).toBeDefined();
      const item = spy.mock.calls[0]?.[0] as ConfigItem;
      const configuration =
        r.type === "AWS::ApiGatewayV2::DomainName" ? item.configuration : (camelKeys(item.configuration) as JsonObject);
      items.push({
        ...item,
        configuration,
        status: "OK",
        captureTime: "2026-01-01T00:00:00Z",
        configurationStateId: "1",
      });
    } finally {
      spy.mockRestore();
    }
  }
  return items;
}

beforeAll(async () => {
  await createMotoResources();
  const items = await recordItems();
  dir = await mkdtemp(join(tmpdir(), "guardrail-contract-v2-"));
  account = LocalAccount.fromItems(items, { stateDir: dir, accountId: MOTO_ACCOUNT, region: MOTO_REGION });
}, 60_000);

afterAll(async () => {
  detach?.();
  await rm(dir, { recursive: true, force: true });
});

type Outcome = { ok: true } | { error: string };

async function outcome(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    await call();
    return { ok: true };
  } catch (e) {
    return { error: (e as Error).name };
  }
}

/** Runs `call` on moto, then on the local account, and compares outcomes and the describe of `r` afterwards. */
async function same(r: ResourceRef, call: () => Promise<unknown>, expected: string) {
  detach?.();
  detach = undefined;
  const onMoto = await outcome(call);
  const motoDoc = await describeResource(r);
  detach = account.attach();
  const onLocal = await outcome(call);
  const localDoc = await describeResource(r);
  detach();
  detach = undefined;
  expect(onLocal).toEqual(onMoto);
  expect(onMoto).toEqual(expected === "ok" ? { ok: true } : { error: expected });
  expect(localDoc?.document).toEqual(motoDoc?.document);
}

/** Runs `fn` against the local account only. */
async function locally<T>(fn: () => Promise<T>): Promise<T> {
  detach = account.attach();
  try {
    return await fn();
  } finally {
    detach();
    detach = undefined;
  }
}

describe("the local account and moto start equal", () => {
  it("describe the API (with its custom domain), the stage and the domain alike", async () => {
    for (const r of Object.values(refs)) await same(r, async () => undefined, "ok");
    const api = await locally(() => describeResource(refs.api!));
    expect(api?.document.customDomainNames).toEqual([DOMAIN]);
  });

  it("answer an unknown API, stage or domain with NotFoundException", async () => {
    await same(refs.api!, () => client().send(new GetApiCommand({ ApiId: "nope1234" })), "NotFoundException");
    await same(
      refs.stage!,
      () => client().send(new GetStageCommand({ ApiId: apiId, StageName: "nope" })),
      "NotFoundException",
    );
    await same(
      refs.domain!,
      () => client().send(new GetDomainNameCommand({ DomainName: "nope.example.com" })),
      "NotFoundException",
    );
  });

  it("list the domains and the mappings alike", async () => {
    const names = async () => (await client().send(new GetDomainNamesCommand({}))).Items?.map((d) => d.DomainName);
    const onMoto = await names();
    expect(await locally(names)).toEqual(onMoto);
    const mapped = async () =>
      (await client().send(new GetApiMappingsCommand({ DomainName: DOMAIN }))).Items?.map((m) => [m.ApiId, m.Stage]);
    const motoMappings = await mapped();
    expect(await locally(mapped)).toEqual(motoMappings);
  });
});

describe("UpdateApi", () => {
  it("sets the default endpoint and the description alike; an unknown API is NotFoundException", async () => {
    const update = (input: { DisableExecuteApiEndpoint?: boolean; Description?: string }) => () =>
      client().send(new UpdateApiCommand({ ApiId: apiId, ...input }));
    await same(refs.api!, update({ DisableExecuteApiEndpoint: true }), "ok");
    await same(refs.api!, update({ Description: "changed" }), "ok");
    await same(refs.api!, update({ DisableExecuteApiEndpoint: false }), "ok");
    await same(
      refs.api!,
      () => client().send(new UpdateApiCommand({ ApiId: "nope1234", Description: "x" })),
      "NotFoundException",
    );
  });
});

describe("UpdateDomainName (local account only: moto has none)", () => {
  it("takes the TLS fix, keeps the certificate and endpoint, records the call, and takes the undo", async () => {
    const records: JsonObject[] = [];
    const stop = account.onRecord((r) => records.push(r));
    try {
      const before = await locally(() => describeResource(refs.domain!));
      if (!before) throw new Error("no domain");
      const action = requireAction("apigatewayv2-domain-tls-1-2");
      const report = await locally(() => execute(action.plan(before, {}), { region: MOTO_REGION }));
      expect(report.ok).toBe(true);
      const after = await locally(() => describeResource(refs.domain!));
      expect(after?.document.domainNameConfigurations).toEqual([
        { certificateArn: CERT, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
      ]);
      const record = records.find((r) => r.eventName === "UpdateDomainName");
      expect(record).toMatchObject({
        eventSource: "apigateway.amazonaws.com",
        readOnly: false,
        requestParameters: {
          domainName: DOMAIN,
          domainNameConfigurations: [{ certificateArn: CERT, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" }],
        },
      });
      expect(adapterFor("AWS::ApiGatewayV2::DomainName")?.fromCloudTrail?.(record as JsonObject)).toEqual([
        { ...refs.domain, arn: `arn:aws:apigateway:${MOTO_REGION}::/domainnames/${DOMAIN}` },
      ]);
      if (!after) throw new Error("no domain");
      const undo = await locally(() => execute(action.restore(before, after, {}), { region: MOTO_REGION }));
      expect(undo.ok).toBe(true);
      const undone = await locally(() => describeResource(refs.domain!));
      expect(undone?.document).toEqual(before.document);
    } finally {
      stop();
    }
  });

  it("refuses what API Gateway refuses", async () => {
    const send = (input: ConstructorParameters<typeof UpdateDomainNameCommand>[0]) =>
      outcome(() => locally(() => client().send(new UpdateDomainNameCommand(input))));
    const config = { CertificateArn: CERT, EndpointType: "REGIONAL" as const };
    expect(
      await send({
        DomainName: DOMAIN,
        DomainNameConfigurations: [{ ...config, SecurityPolicy: "TLS_1_3" as "TLS_1_2" }],
      }),
    ).toEqual({ error: "BadRequestException" });
    expect(await send({ DomainName: DOMAIN, DomainNameConfigurations: [] })).toEqual({ error: "BadRequestException" });
    expect(
      await send({
        DomainName: "nope.example.com",
        DomainNameConfigurations: [{ ...config, SecurityPolicy: "TLS_1_2" }],
      }),
    ).toEqual({ error: "NotFoundException" });
    // Nothing changed.
    const doc = await locally(() => describeResource(refs.domain!));
    expect(doc?.document.domainNameConfigurations).toEqual([
      { certificateArn: CERT, endpointType: "REGIONAL", securityPolicy: "TLS_1_0" },
    ]);
  });
});

describe("CreateDomainName (the scripted day's partner domain on TLS 1.0)", () => {
  it("creates the domain alike, but for the names API Gateway assigns; a second create is refused alike", async () => {
    const name = "partners.contract.example.com";
    const create = () =>
      client().send(
        new CreateDomainNameCommand({
          DomainName: name,
          DomainNameConfigurations: [{ CertificateArn: CERT, EndpointType: "REGIONAL", SecurityPolicy: "TLS_1_0" }],
        }),
      );
    // API Gateway assigns the d-… name and the hosted zone: they differ between any two creations. moto leaves out
    // DomainNameStatus, which AWS returns (API Gateway V2 API Reference, DomainNameConfiguration), and answers an
    // empty MutualTlsAuthentication for a domain that has none: the local account follows AWS.
    const LEFT_OUT = ["apiGatewayDomainName", "hostedZoneId", "domainNameStatus", "mutualTlsAuthentication"];
    const assigned = (doc: JsonObject | undefined) =>
      JSON.parse(JSON.stringify(doc ?? {}), (k: string, v: unknown) => (LEFT_OUT.includes(k) ? undefined : v)) as JsonObject; // prettier-ignore
    const r = ref("AWS::ApiGatewayV2::DomainName", name);
    const onMoto = await outcome(create);
    const motoDoc = await describeResource(r);
    const onLocal = await locally(async () => outcome(create));
    const localDoc = await locally(() => describeResource(r));
    expect(onLocal).toEqual(onMoto);
    expect(onMoto).toEqual({ ok: true });
    expect(assigned(localDoc?.document)).toEqual(assigned(motoDoc?.document));
    expect(localDoc?.document.domainNameConfigurations).toEqual([
      expect.objectContaining({ securityPolicy: "TLS_1_0", certificateArn: CERT, endpointType: "REGIONAL", domainNameStatus: "AVAILABLE" }), // prettier-ignore
    ]);
    const again = await locally(async () => outcome(create));
    expect(again).toEqual({ error: "ConflictException" });
  });
});
