import fc from "fast-check";
import { mockClient, type AwsStub } from "aws-sdk-client-mock";
import type { Context } from "aws-lambda";
import { SERVICES } from "../../lib/aws/services";

/**
 * What the handler property tests (test/unit/*.property.test.ts over rules/, events/, remediations/worker.ts) share:
 * every AWS command a handler sends, recorded by aws-sdk-client-mock on every SDK client Guardrail builds; the
 * handlers' Powertools log lines; a hang bound; a Lambda context (Lambda Developer Guide, "Using the Lambda
 * context object to retrieve Node.js function information"); and generators of hostile values.
 */

type Json = Record<string, unknown>;

// ---- AWS commands ----------------------------------------------------------------------------------------------

/**
 * Calls on Guardrail's own infrastructure (access "own") that change something: Config rule results, the
 * topic, the queues, the audit bucket, the event bus, the idempotency and rate-limit table.
 */
export const OWN_WRITES = [
  "PutEvaluations",
  "Publish",
  "SendMessage",
  "SendMessageBatch",
  "ChangeMessageVisibility",
  "PutObject",
  "PutEvents",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
] as const;

/** Every operation that changes something: the services' `write` and `restore` operations, and OWN_WRITES. */
export const WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  ...SERVICES.flatMap(({ operations }) =>
    Object.entries(operations)
      .filter(([, op]) => op.access === "write" || op.access === "restore")
      .map(([name]) => name),
  ),
  ...OWN_WRITES,
]);

/** Every operation of every service module (to check OWN_WRITES names real ones). */
export const KNOWN_OPERATIONS: ReadonlySet<string> = new Set(
  SERVICES.flatMap(({ operations }) => Object.keys(operations)),
);

export interface SentCommand {
  service: string;
  operation: string;
  input: Json;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStub = AwsStub<any, any, any>;

/** aws-sdk-client-mock on the SDK client of every service module: nothing reaches the network, everything is kept. */
export class AwsRecorder {
  readonly stubs: ReadonlyMap<string, AnyStub>;

  constructor() {
    this.stubs = new Map(
      SERVICES.map(({ service }) => [
        service.name,
        mockClient(service.client as unknown as Parameters<typeof mockClient>[0]) as AnyStub,
      ]),
    );
  }

  stub(service: string): AnyStub {
    const s = this.stubs.get(service);
    if (!s) throw new Error(`no service module ${service}`);
    return s;
  }

  /** Forgets the calls and the answers. */
  reset(): void {
    for (const s of this.stubs.values()) s.reset();
  }

  /** Forgets the calls, keeps the answers (set answers once: each setting adds to the stub). */
  resetHistory(): void {
    for (const s of this.stubs.values()) s.resetHistory();
  }

  sent(): SentCommand[] {
    return [...this.stubs.entries()].flatMap(([service, stub]) =>
      stub.calls().map((call) => {
        const command = call.args[0] as { constructor: { name: string }; input: Json };
        return { service, operation: command.constructor.name.replace(/Command$/, ""), input: command.input };
      }),
    );
  }

  writes(): SentCommand[] {
    return this.sent().filter((c) => WRITE_OPERATIONS.has(c.operation));
  }
}

// ---- log lines -------------------------------------------------------------------------------------------------

/** The JSON lines Powertools Logger and Metrics write to stdout/stderr, kept instead of printed. */
export class LogCapture {
  lines: Json[] = [];

  /** In a beforeEach (jest.restoreAllMocks in afterEach undoes it). */
  install(): void {
    const capture = (chunk: unknown) => {
      for (const l of String(chunk).split("\n")) if (l.trim().startsWith("{")) this.lines.push(JSON.parse(l) as Json);
      return true;
    };
    jest.spyOn(process.stdout, "write").mockImplementation(capture);
    jest.spyOn(process.stderr, "write").mockImplementation(capture);
  }

  clear(): void {
    this.lines = [];
  }

  /** Log lines (not metric lines), optionally of one level. */
  logs(level?: string): Json[] {
    return this.lines.filter((l) => typeof l.message === "string" && (level === undefined || l.level === level));
  }
}

// ---- hangs -----------------------------------------------------------------------------------------------------

/** Generous: a handler judging one batch takes milliseconds; only a hang comes near it. */
export const HANG_BOUND_MS = 3000;

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The handler's promise, settled; a failure naming `what` when it neither resolves nor rejects in time. */
export async function settle<T>(what: string, p: Promise<T>, ms = HANG_BOUND_MS): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([
      p.then(
        (value): Settled<T> => ({ ok: true, value }),
        (error: unknown): Settled<T> => ({ ok: false, error }),
      ),
      hang,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- Lambda context --------------------------------------------------------------------------------------------

export function functionContext(functionName: string, region: string, account: string, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/11/02/[$LATEST]abcdef",
    getRemainingTimeInMillis: () => 55_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

// ---- hostile values --------------------------------------------------------------------------------------------

/** 100,000 characters: one-byte, two-byte and astral (surrogate pairs). */
export const HUGE_STRINGS = ["x".repeat(100_000), "é".repeat(100_000), "😀".repeat(50_000)];

/** `depth` objects (or arrays) inside each other. */
export function nested(depth: number, kind: "object" | "array" = "object"): unknown {
  let v: unknown = "bottom";
  for (let i = 0; i < depth; i++) v = kind === "object" ? { a: v } : [v];
  return v;
}

/** Strings of every kind: unicode graphemes, any code point, control and bidi characters, a lone surrogate, huge. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 30 }),
  fc.constantFrom(
    "\u0000",
    "\ud800",
    "\u202e\u2066evil",
    "__proto__",
    "constructor",
    "null",
    "\n\r\t",
    ...HUGE_STRINGS,
  ),
);

/** Any JSON value, unicode, deeply nested (up to 2,500 levels) or huge. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.jsonValue({ maxDepth: 3, stringUnit: "grapheme" }),
  fc
    .tuple(fc.integer({ min: 50, max: 2500 }), fc.constantFrom("object" as const, "array" as const))
    .map(([d, k]) => nested(d, k)),
);

const isJson = (s: string): boolean => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

/** Text JSON.parse refuses (the text of a JSON object cut short is added by each test from its own payload). */
export const notJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }).filter((s) => !isJson(s)),
  fc.constantFrom(
    "",
    " ",
    "{",
    "{not json",
    "{'single': 1}",
    '{"a":1,}',
    "NaN",
    "undefined",
    "\ufeff{}",
    "x".repeat(100_000),
  ),
);

/** The text cut short somewhere (never valid: the text of an object ends with its closing brace). */
export function truncated(text: string): fc.Arbitrary<string> {
  return fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n));
}

/** Values that are not of the JSON type named. */
export function notA(type: "string" | "object" | "boolean" | "number"): fc.Arbitrary<unknown> {
  const all: fc.Arbitrary<unknown>[] = [
    fc.constant(null),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    fc.string({ maxLength: 10 }),
  ];
  return fc.oneof(...all).filter((v) => {
    const kind = v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
    return kind !== type;
  });
}

/** A key no parser knows (so adding it must change nothing): a prefix and any string. */
export const unknownKey: fc.Arbitrary<string> = fc
  .string({ unit: "grapheme", maxLength: 12 })
  .map((s) => `x-unknown-${s}`);

/** Not a string, nor null (null is how an absent optional string may be written). */
export const notStringNorNull: fc.Arbitrary<unknown> = notA("string").filter((v) => v !== null);

/** A member to delete (see `setMember`). */
export const ABSENT = Symbol("absent");

/** Sets `o[key]`, or deletes it for ABSENT. */
export function setMember(o: Record<string, unknown>, key: string, value: unknown): void {
  if (value === ABSENT) delete o[key];
  else o[key] = value;
}

/** What a required string field refuses: absent, empty, null or another type. */
export const noRequiredString: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant<unknown>(ABSENT),
  fc.constant(""),
  notA("string"),
);

/** Strings Date.parse refuses. */
export const badTime: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom("yesterday", "2026-13-45T99:99:99Z", "not a time", "T", "+999999-01-01T00:00:00Z"),
    hostileString,
  )
  .filter((s) => Number.isNaN(Date.parse(s)));

/** A value for a failure message: long strings cut, 2,000 characters at most, never a throw. */
export function describeValue(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_k, v: unknown) =>
      typeof v === "string" && v.length > 200 ? `${v.slice(0, 200)}…(${v.length})` : v,
    );
    return text === undefined ? String(value) : text.slice(0, 2000);
  } catch {
    // The replacer's frames make thousands of levels too deep for it.
    return `(deep) ${JSON.stringify(value).slice(0, 2000)}`;
  }
}
