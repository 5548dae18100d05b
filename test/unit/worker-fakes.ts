import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  type GetItemCommandInput,
  type PutItemCommandInput,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import {
  GetObjectCommand,
  PutObjectCommand,
  type GetObjectCommandInput,
  type PutObjectCommandInput,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { AwsClientStub } from "aws-sdk-client-mock";
import type { Context, SQSRecord } from "aws-lambda";

/*
 * Fakes for the remediation worker tests, behind aws-sdk-client-mock:
 *  - FakeTable: one DynamoDB table (hash key `id`) that evaluates the condition and update expressions the
 *    worker sends (Powertools idempotency's conditional PutItem, the rate-limit and breaker counters), so
 *    conditional writes behave as DynamoDB's do;
 *  - FakeBucket: S3 PutObject/GetObject kept in a map;
 *  - SQS records carrying real SNS envelopes (SNS Developer Guide, "Amazon SNS message and JSON formats").
 */

type Item = Record<string, AttributeValue>;
type Names = Record<string, string> | undefined;
type Values = Record<string, AttributeValue> | undefined;

function scalar(v: AttributeValue | undefined): string | number | boolean | undefined {
  if (v === undefined) return undefined;
  if ("N" in v && v.N !== undefined) return Number(v.N);
  if ("S" in v && v.S !== undefined) return v.S;
  if ("BOOL" in v && v.BOOL !== undefined) return v.BOOL;
  return JSON.stringify(v);
}

/** Tokens of a condition expression: names, values, functions, parentheses, comparators, AND/OR. */
function tokens(expr: string): string[] {
  return expr.match(/attribute_not_exists|attribute_exists|[#:][A-Za-z0-9_]+|[A-Za-z_]+|<=|>=|<>|[()<>=,]/g) ?? [];
}

function evaluateCondition(expr: string, item: Item | undefined, names: Names, values: Values): boolean {
  const t = tokens(expr);
  let i = 0;
  const name = (tok: string) => (tok.startsWith("#") ? (names?.[tok] ?? tok) : tok);
  const operand = (tok: string) => (tok.startsWith(":") ? scalar(values?.[tok]) : scalar(item?.[name(tok)]));
  const or = (): boolean => {
    let v = and();
    while (t[i] === "OR") {
      i++;
      const r = and();
      v = v || r;
    }
    return v;
  };
  const and = (): boolean => {
    let v = primary();
    while (t[i] === "AND") {
      i++;
      const r = primary();
      v = v && r;
    }
    return v;
  };
  const primary = (): boolean => {
    const tok = t[i++] as string;
    if (tok === "(") {
      const v = or();
      i++; // ")"
      return v;
    }
    if (tok === "attribute_exists" || tok === "attribute_not_exists") {
      i++; // "("
      const attr = name(t[i++] as string);
      i++; // ")"
      const exists = item !== undefined && item[attr] !== undefined;
      return tok === "attribute_exists" ? exists : !exists;
    }
    const op = t[i++] as string;
    const left = operand(tok);
    const right = operand(t[i++] as string);
    if (left === undefined || right === undefined) return false;
    switch (op) {
      case "<":
        return left < right;
      case "<=":
        return left <= right;
      case ">":
        return left > right;
      case ">=":
        return left >= right;
      case "=":
        return left === right;
      case "<>":
        return left !== right;
    }
    throw new Error(`FakeTable: unsupported comparator ${op} in ${expr}`);
  };
  return or();
}

function applyUpdate(expr: string, item: Item, names: Names, values: Values): string[] {
  const changed: string[] = [];
  const name = (tok: string) => (tok.startsWith("#") ? (names?.[tok] ?? tok) : tok);
  for (const [, keyword, body] of expr.matchAll(/(SET|ADD|REMOVE)\s+(.*?)(?=\s+(?:SET|ADD|REMOVE)\s|$)/g)) {
    for (const clause of (body as string).split(",").map((c) => c.trim())) {
      if (keyword === "SET") {
        const [lhs, rhs] = clause.split("=").map((s) => s.trim()) as [string, string];
        item[name(lhs)] = values?.[rhs] as AttributeValue;
        changed.push(name(lhs));
      } else if (keyword === "ADD") {
        const [lhs, rhs] = clause.split(/\s+/) as [string, string];
        const prev = Number(item[name(lhs)]?.N ?? 0);
        item[name(lhs)] = { N: String(prev + Number(values?.[rhs]?.N ?? 0)) };
        changed.push(name(lhs));
      } else {
        delete item[name(clause)];
      }
    }
  }
  return changed;
}

export class FakeTable {
  readonly items = new Map<string, Item>();

  constructor(readonly name: string) {}

  private key(k: Item | undefined): string {
    const id = k?.id?.S;
    if (!id) throw new Error("FakeTable: key without id");
    return id;
  }

  install(mock: AwsClientStub<DynamoDBClient>): void {
    mock.on(PutItemCommand).callsFake((input: PutItemCommandInput) => this.put(input));
    mock.on(GetItemCommand).callsFake((input: GetItemCommandInput) => this.get(input));
    mock.on(UpdateItemCommand).callsFake((input: UpdateItemCommandInput) => this.update(input));
    mock.on(DeleteItemCommand).callsFake((input: DeleteItemCommandInput) => this.delete(input));
  }

  private fail(old: Item | undefined, returnOld: boolean): never {
    throw new ConditionalCheckFailedException({
      message: "The conditional request failed",
      $metadata: { httpStatusCode: 400 },
      ...(returnOld && old ? { Item: old } : {}),
    });
  }

  put(input: PutItemCommandInput): object {
    const k = this.key(input.Item);
    const old = this.items.get(k);
    if (
      input.ConditionExpression &&
      !evaluateCondition(
        input.ConditionExpression,
        old,
        input.ExpressionAttributeNames,
        input.ExpressionAttributeValues,
      )
    ) {
      this.fail(old, input.ReturnValuesOnConditionCheckFailure === "ALL_OLD");
    }
    this.items.set(k, { ...(input.Item as Item) });
    return {};
  }

  get(input: GetItemCommandInput): object {
    const item = this.items.get(this.key(input.Key));
    return item ? { Item: { ...item } } : {};
  }

  update(input: UpdateItemCommandInput): object {
    const k = this.key(input.Key);
    const old = this.items.get(k);
    if (
      input.ConditionExpression &&
      !evaluateCondition(
        input.ConditionExpression,
        old,
        input.ExpressionAttributeNames,
        input.ExpressionAttributeValues,
      )
    ) {
      this.fail(old, input.ReturnValuesOnConditionCheckFailure === "ALL_OLD");
    }
    const item: Item = { ...(old ?? {}), ...(input.Key as Item) };
    const changed = applyUpdate(
      input.UpdateExpression ?? "",
      item,
      input.ExpressionAttributeNames,
      input.ExpressionAttributeValues,
    );
    this.items.set(k, item);
    if (input.ReturnValues === "UPDATED_NEW") {
      return { Attributes: Object.fromEntries(changed.map((n) => [n, item[n] as AttributeValue])) };
    }
    return {};
  }

  delete(input: DeleteItemCommandInput): object {
    this.items.delete(this.key(input.Key));
    return {};
  }

  /** Items whose id starts with a prefix. */
  ids(prefix = ""): string[] {
    return [...this.items.keys()].filter((k) => k.startsWith(prefix));
  }
}

export class FakeBucket {
  readonly objects = new Map<string, string>();

  install(mock: AwsClientStub<S3Client>): void {
    mock.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
      this.objects.set(String(input.Key), String(input.Body));
      return { ETag: '"etag"', VersionId: "v1" };
    });
    mock.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
      const text = this.objects.get(String(input.Key));
      if (text === undefined) {
        throw Object.assign(new Error("The specified key does not exist."), {
          name: "NoSuchKey",
          $fault: "client",
          $metadata: { httpStatusCode: 404 },
        });
      }
      return { Body: { transformToString: async () => text } };
    });
  }

  json(key: string): Record<string, unknown> {
    const text = this.objects.get(key);
    if (text === undefined) throw new Error(`no object ${key}; have ${[...this.objects.keys()].join(", ")}`);
    return JSON.parse(text) as Record<string, unknown>;
  }
}

export const ACCOUNT = "111122223333";
export const REGION = "eu-west-1";
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:guardrail-remediation`;
export const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:guardrail-remediation`;

/**
 * The SQS body SNS writes for a subscription without raw delivery, pretty-printed as SNS does (SNS Developer Guide,
 * "Amazon SNS message and JSON formats").
 */
export function snsEnvelope(message: unknown, messageId: string): string {
  return JSON.stringify(
    {
      Type: "Notification",
      MessageId: messageId,
      TopicArn: TOPIC_ARN,
      Message: typeof message === "string" ? message : JSON.stringify(message),
      Timestamp: "2026-11-02T09:20:01.123Z",
      SignatureVersion: "1",
      Signature:
        "tEo2i6Lw6/Dr7Jdlulh0sXgnkF0idd3hqs8QZCorQpzkIWVOuu583NT0Gv0epuZD1Bo+tex6NgP5p6415yNVujGHJKnkrA9ztzXaVgFiol8rf8AFGQbmb7RsM9BqATQUJeg9nCTe0jksmWXmjxEFr8XKyyRuQBwSlRTngAvOw8jUnCe1vyYD5xPec1xpfOEGLi5BqSog==",
      SigningCertURL: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-010a507c1833636cd94bdb98bd93083a.pem`,
      UnsubscribeURL: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:15189ad7-870e-40e5-a7dd-a48898cd9f86`,
    },
    null,
    2,
  );
}

export function sqsRecord(messageId: string, body: string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: "1793610843120",
      SenderId: "AIDAISMY7JYY5F7RTT6AO",
      ApproximateFirstReceiveTimestamp: "1793610843130",
    },
    messageAttributes: {},
    md5OfBody: "8910bdaaf9a30a607f7891037d4af0b0",
    eventSource: "aws:sqs",
    eventSourceARN: QUEUE_ARN,
    awsRegion: REGION,
  };
}

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "guardrail-dev-remediationWorker",
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:guardrail-dev-remediationWorker`,
    memoryLimitInMB: "512",
    awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
    logGroupName: "/aws/lambda/guardrail-dev-remediationWorker",
    logStreamName: "2026/11/02/[$LATEST]abcdef",
    getRemainingTimeInMillis: () => 55_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
