import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";

/**
 * Runs `fn` at most once per key (decide.ts idempotencyKey) while its idempotency record lives: Powertools
 * idempotency on DynamoDB. The first caller stores INPROGRESS (a conditional put), runs `fn` and stores its
 * result as COMPLETED; later callers with the same key get the stored result without running `fn`; a concurrent
 * caller gets IdempotencyAlreadyInProgressError (the worker fails that record, and SQS brings it back). When `fn`
 * throws, the record is deleted so the next delivery tries again. With the Lambda context registered, an
 * INPROGRESS record of an invocation that timed out expires with that invocation instead of blocking for the TTL.
 * The result must be plain JSON without undefined members (it is marshalled into the item).
 * IAM: dynamodb:PutItem, GetItem, UpdateItem, DeleteItem on the table.
 */
export type Idempotent = <T extends object>(key: string, fn: () => Promise<T>) => Promise<T>;

export interface IdempotencyRunner {
  run: Idempotent;
  registerContext(context: Context): void;
}

export const IDEMPOTENCY_KEY_PREFIX = "guardrail-remediation";

export function powertoolsIdempotency(options: {
  table: string;
  client: DynamoDBClient;
  expiresAfterSeconds: number;
}): IdempotencyRunner {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.table,
    awsSdkV3Client: options.client,
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: "key",
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.expiresAfterSeconds,
  });
  const once = makeIdempotent(async (_payload: { key: string }, fn: () => Promise<object>): Promise<object> => fn(), {
    persistenceStore,
    config,
    keyPrefix: IDEMPOTENCY_KEY_PREFIX,
    dataIndexArgument: 0,
  });
  return {
    run: <T extends object>(key: string, fn: () => Promise<T>) => once({ key }, fn) as Promise<T>,
    registerContext: (context) => config.registerLambdaContext(context),
  };
}
