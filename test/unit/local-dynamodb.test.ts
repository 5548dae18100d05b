import type { Context } from "aws-lambda";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LocalTable } from "../../lib/local/dynamodb";
import { DynamoAccountGuard } from "../../lib/remediation/worker/guard";
import { powertoolsIdempotency } from "../../lib/remediation/worker/idempotency";

/*
 * The local idempotency table driven by the real callers: Powertools idempotency (DynamoDBPersistenceLayer's
 * conditional PutItem, GetItem, UpdateItem, DeleteItem) and the worker's DynamoAccountGuard (ADD counters with
 * conditions, a conditional PutItem, ReturnValues UPDATED_NEW), through a DynamoDBClient whose middleware serves
 * each command from the table (the seam the local account uses). Semantics: DynamoDB Developer Guide, "Condition
 * expressions", "Update expressions".
 */

function clientFor(table: LocalTable): DynamoDBClient {
  const client = new DynamoDBClient({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } });
  client.middlewareStack.add(
    () => async (args) => {
      const op = (args as { constructor?: unknown }) && (args as unknown as { input: Record<string, unknown> }).input;
      const name = commandName;
      const output = (table as unknown as Record<string, (i: Record<string, unknown>) => unknown>)[name]!(op);
      return { output: { ...(output as object), $metadata: {} }, response: {} };
    },
    { step: "initialize", name: "localTable" },
  );
  // The command's name is read in a send wrapper (middleware args carry only the input).
  const send = client.send.bind(client);
  let commandName = "";
  (client as unknown as { send: unknown }).send = (command: { constructor: { name: string } }) => {
    const n = command.constructor.name.replace(/Command$/, "");
    commandName = n[0]!.toLowerCase() + n.slice(1);
    return send(command as never);
  };
  return client;
}

describe("local DynamoDB idempotency table", () => {
  test("Powertools idempotency runs a function once per key and again after it failed", async () => {
    const table = new LocalTable("idem");
    const runner = powertoolsIdempotency({ table: "idem", client: clientFor(table), expiresAfterSeconds: 3600 });
    // as the worker does with its Lambda context: Powertools sets the in-progress expiry from the remaining time
    runner.registerContext({ getRemainingTimeInMillis: () => 60_000 } as Context);
    let runs = 0;
    const fn = async () => ({ n: ++runs });
    expect(await runner.run("k1", fn)).toEqual({ n: 1 });
    expect(await runner.run("k1", fn)).toEqual({ n: 1 });
    expect(runs).toBe(1);
    await expect(runner.run("k2", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await runner.run("k2", fn)).toEqual({ n: 2 });
    expect(table.size()).toBe(2);
  });

  test("TTL: items whose expiration (epoch seconds) is past are deleted in a background pass", () => {
    // DynamoDB Developer Guide, "Time to Live (TTL)": expired items are deleted in the background, not at once.
    let nowMs = Date.parse("2026-11-03T12:00:00Z");
    const table = new LocalTable("idem", "id", { attribute: "expiration", now: () => nowMs, every: 3 });
    const put = (id: string, expiresInSeconds: number) =>
      table.putItem({
        TableName: "idem",
        Item: { id: { S: id }, expiration: { N: String(nowMs / 1000 + expiresInSeconds) } },
      });
    put("soon", 60);
    put("later", 3600);
    expect(table.size()).toBe(2);
    nowMs += 120_000;
    put("new", 60); // third write: the pass runs
    expect(table.get("soon")).toBeUndefined();
    expect(table.get("later")).toBeDefined();
    expect(table.get("new")).toBeDefined();
    expect(table.stats.expired).toBe(1);
  });

  test("the account guard's rate limit and circuit breaker", async () => {
    const table = new LocalTable("idem");
    const guard = new DynamoAccountGuard(clientFor(table), {
      table: "idem",
      fixesPerMinute: 2,
      breakerFailures: 2,
      breakerWindowMinutes: 15,
      breakerCooldownMinutes: 60,
    });
    const now = new Date("2026-11-03T12:00:10Z");
    expect(await guard.acquireFix("111122223333", now)).toEqual({ allowed: true });
    expect(await guard.acquireFix("111122223333", now)).toEqual({ allowed: true });
    expect(await guard.acquireFix("111122223333", now)).toMatchObject({ allowed: false, limit: 2 });
    expect(await guard.recordFailure("111122223333", now)).toEqual({ failures: 1, opened: false });
    expect(await guard.recordFailure("111122223333", now)).toMatchObject({ failures: 2, opened: true });
    expect(await guard.recordFailure("111122223333", now)).toMatchObject({ failures: 3, opened: false });
    expect(await guard.isOpen("111122223333", now)).toMatchObject({ open: true });
    await guard.close("111122223333");
    expect(await guard.isOpen("111122223333", now)).toEqual({ open: false });
  });

  test("expressions outside the subset, unknown tables and bad keys are errors, not guesses", () => {
    const table = new LocalTable("idem");
    expect(() => table.getItem({ TableName: "other", Key: { id: { S: "a" } } })).toThrow(/not found/);
    expect(() => table.getItem({ TableName: "idem", Key: { pk: { S: "a" } } })).toThrow(/does not match the schema/);
    expect(() =>
      table.putItem({ TableName: "idem", Item: { id: { S: "a" } }, ConditionExpression: "size(#a) > :n" }),
    ).toThrow(/not supported|not defined/);
    expect(() =>
      table.updateItem({
        TableName: "idem",
        Key: { id: { S: "a" } },
        UpdateExpression: "SET #x = :v",
        ExpressionAttributeValues: { ":v": { S: "1" } },
      }),
    ).toThrow(/attribute name .* not defined|not defined/);
  });
});
