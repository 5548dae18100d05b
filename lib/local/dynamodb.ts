import { ConditionalCheckFailedException, ResourceNotFoundException } from "@aws-sdk/client-dynamodb";

/**
 * The idempotency table (IDEMPOTENCY_TABLE), locally: PutItem, GetItem, UpdateItem, DeleteItem on a table keyed
 * by `id`, with the parts of DynamoDB's expression language that Powertools idempotency and the worker's account
 * guard send (DynamoDB Developer Guide, "Condition expressions" and "Update expressions"):
 *  - conditions: `attribute_exists(p)`, `attribute_not_exists(p)`, `begins_with(p, v)`, comparisons
 *    (= <> < <= > >=, numbers as numbers), AND, OR, NOT, parentheses;
 *  - updates: `SET p = v, …`, `ADD p v` (numbers), `REMOVE p, …`;
 *  - names `#n` and values `:v` from ExpressionAttributeNames / ExpressionAttributeValues;
 *  - ConditionalCheckFailedException (with the old item when ReturnValuesOnConditionCheckFailure is ALL_OLD),
 *    ReturnValues UPDATED_NEW / ALL_NEW / ALL_OLD.
 * An expression outside this subset is a ValidationException naming it, never a silent guess.
 */

export type AttributeValue = { S?: string; N?: string; BOOL?: boolean; NULL?: boolean } & Record<string, unknown>;
type Item = Record<string, AttributeValue>;

export class ValidationException extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValidationException";
  }
}

interface ExpressionContext {
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

type Token = { kind: "name" | "value" | "ident" | "op" | "punct"; text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|(<=|>=|<>|=|<|>)|([(),])|([A-Za-z_][A-Za-z0-9_.]*))/y;
  let at = 0;
  while (at < expr.length) {
    if (/^\s*$/.test(expr.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(expr);
    if (!m) throw new ValidationException(`Invalid expression: syntax error near "${expr.slice(at, at + 20)}"`);
    at = re.lastIndex;
    if (m[1]) tokens.push({ kind: "name", text: m[1] });
    else if (m[2]) tokens.push({ kind: "value", text: m[2] });
    else if (m[3]) tokens.push({ kind: "op", text: m[3] });
    else if (m[4]) tokens.push({ kind: "punct", text: m[4] });
    else tokens.push({ kind: "ident", text: m[5] as string });
  }
  return tokens;
}

type Operand = { path: string } | { value: AttributeValue };

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly ctx: ExpressionContext,
  ) {}

  peek(): Token | undefined {
    return this.tokens[this.i];
  }
  next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new ValidationException("Invalid expression: unexpected end");
    return t;
  }
  expect(text: string): void {
    const t = this.next();
    if (t.text !== text) throw new ValidationException(`Invalid expression: expected "${text}", got "${t.text}"`);
  }
  done(): boolean {
    return this.i >= this.tokens.length;
  }
  keyword(word: string): boolean {
    const t = this.peek();
    if (t?.kind === "ident" && t.text.toUpperCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }

  path(): string {
    const t = this.next();
    if (t.kind === "name") {
      const n = this.ctx.names[t.text];
      if (n === undefined)
        throw new ValidationException(
          `An expression attribute name used in the document path is not defined; attribute name: ${t.text}`,
        );
      return n;
    }
    if (t.kind === "ident") return t.text;
    throw new ValidationException(`Invalid expression: expected an attribute, got "${t.text}"`);
  }

  operand(): Operand {
    const t = this.peek();
    if (t?.kind === "value") {
      this.i++;
      const v = this.ctx.values[t.text];
      if (v === undefined)
        throw new ValidationException(
          `An expression attribute value used in expression is not defined; attribute value: ${t.text}`,
        );
      return { value: v };
    }
    return { path: this.path() };
  }

  // condition := or
  condition(): (item: Item) => boolean {
    let left = this.and();
    while (this.keyword("OR")) {
      const l = left;
      const r = this.and();
      left = (item) => l(item) || r(item);
    }
    return left;
  }
  and(): (item: Item) => boolean {
    let left = this.not();
    while (this.keyword("AND")) {
      const l = left;
      const r = this.not();
      left = (item) => l(item) && r(item);
    }
    return left;
  }
  not(): (item: Item) => boolean {
    if (this.keyword("NOT")) {
      const inner = this.not();
      return (item) => !inner(item);
    }
    return this.primary();
  }
  primary(): (item: Item) => boolean {
    const t = this.peek();
    if (t?.text === "(") {
      this.i++;
      const c = this.condition();
      this.expect(")");
      return c;
    }
    if (t?.kind === "ident" && this.tokens[this.i + 1]?.text === "(") {
      const fn = t.text;
      this.i += 2;
      const p = this.path();
      if (fn === "attribute_exists" || fn === "attribute_not_exists") {
        this.expect(")");
        return fn === "attribute_exists" ? (item) => item[p] !== undefined : (item) => item[p] === undefined;
      }
      if (fn === "begins_with") {
        this.expect(",");
        const v = this.operand();
        this.expect(")");
        return (item) => {
          const a = item[p]?.S;
          const b = resolve(v, item)?.S;
          return a !== undefined && b !== undefined && a.startsWith(b);
        };
      }
      throw new ValidationException(`Invalid ConditionExpression: the function ${fn} is not supported here`);
    }
    const left = this.operand();
    const op = this.next();
    if (op.kind !== "op")
      throw new ValidationException(`Invalid ConditionExpression: expected a comparator, got "${op.text}"`);
    const right = this.operand();
    return (item) => compare(resolve(left, item), op.text, resolve(right, item));
  }
}

function resolve(o: Operand, item: Item): AttributeValue | undefined {
  return "value" in o ? o.value : item[o.path];
}

function compare(a: AttributeValue | undefined, op: string, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  let x: number | string;
  let y: number | string;
  if (a.N !== undefined && b.N !== undefined) {
    x = Number(a.N);
    y = Number(b.N);
  } else if (a.S !== undefined && b.S !== undefined) {
    x = a.S;
    y = b.S;
  } else {
    if (op === "=") return JSON.stringify(a) === JSON.stringify(b);
    if (op === "<>") return JSON.stringify(a) !== JSON.stringify(b);
    return false;
  }
  switch (op) {
    case "=":
      return x === y;
    case "<>":
      return x !== y;
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    default:
      return x >= y;
  }
}

function conditionOf(expr: string | undefined, ctx: ExpressionContext): (item: Item) => boolean {
  if (!expr) return () => true;
  const p = new Parser(tokenize(expr), ctx);
  const c = p.condition();
  if (!p.done()) throw new ValidationException(`Invalid ConditionExpression: unexpected "${p.peek()?.text}"`);
  return c;
}

/** Applies an update expression to a copy of `item`; returns the new item and the names of the attributes it set. */
function applyUpdate(expr: string, ctx: ExpressionContext, item: Item): { item: Item; updated: string[] } {
  const p = new Parser(tokenize(expr), ctx);
  const out: Item = { ...item };
  const updated: string[] = [];
  while (!p.done()) {
    const clause = p.next();
    const word = clause.text.toUpperCase();
    if (clause.kind !== "ident" || !["SET", "ADD", "REMOVE"].includes(word)) {
      throw new ValidationException(`Invalid UpdateExpression: unexpected "${clause.text}"`);
    }
    do {
      const path = p.path();
      if (word === "SET") {
        p.expect("=");
        const v = resolve(p.operand(), item);
        if (v === undefined)
          throw new ValidationException(
            "The provided expression refers to an attribute that does not exist in the item",
          );
        out[path] = v;
      } else if (word === "ADD") {
        const v = resolve(p.operand(), item);
        if (v?.N === undefined) throw new ValidationException("Invalid UpdateExpression: ADD supports numbers here");
        const current = out[path];
        if (current !== undefined && current.N === undefined) {
          throw new ValidationException("An operand in the update expression has an incorrect data type");
        }
        out[path] = { N: String(Number(current?.N ?? 0) + Number(v.N)) };
      } else {
        delete out[path];
      }
      updated.push(path);
    } while (p.peek()?.text === "," && p.next());
  }
  return { item: out, updated };
}

/** Time to live, as deploy/ configures it on the idempotency table (attribute `expiration`, epoch seconds). */
export interface TableTtl {
  attribute: string;
  /** The table's clock (the pipeline's virtual clock), in ms. */
  now: () => number;
  /** How many writes between two expiry passes (DynamoDB deletes expired items in the background). */
  every?: number;
}

export class LocalTable {
  private readonly items = new Map<string, Item>();
  readonly stats = { reads: 0, writes: 0, conditionFailures: 0, expired: 0 };
  private writesSincePass = 0;

  constructor(
    readonly name: string,
    private readonly keyAttribute = "id",
    private readonly ttl?: TableTtl,
  ) {}

  /**
   * DynamoDB TTL: items whose TTL attribute is in the past are deleted in the background (DynamoDB Developer
   * Guide, "Time to Live"); until then reads still return them (Powertools checks the expiry itself).
   */
  private expire(): void {
    if (!this.ttl || ++this.writesSincePass < (this.ttl.every ?? 500)) return;
    this.writesSincePass = 0;
    const nowSeconds = this.ttl.now() / 1000;
    for (const [key, item] of this.items) {
      const at = Number(item[this.ttl.attribute]?.N);
      if (Number.isFinite(at) && at < nowSeconds) {
        this.items.delete(key);
        this.stats.expired++;
      }
    }
  }

  private keyOf(input: Record<string, unknown>, field: "Key" | "Item"): string {
    if (input.TableName !== this.name) {
      throw new ResourceNotFoundException({ message: "Requested resource not found", $metadata: {} });
    }
    const key = (input[field] as Item | undefined)?.[this.keyAttribute];
    if (key?.S === undefined) {
      throw new ValidationException("The provided key element does not match the schema");
    }
    return key.S;
  }

  private ctx(input: Record<string, unknown>): ExpressionContext {
    return {
      names: (input.ExpressionAttributeNames ?? {}) as Record<string, string>,
      values: (input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>,
    };
  }

  private check(input: Record<string, unknown>, existing: Item | undefined): void {
    const ok = conditionOf(input.ConditionExpression as string | undefined, this.ctx(input))(existing ?? {});
    if (ok) return;
    this.stats.conditionFailures++;
    const withOld = input.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && existing;
    throw new ConditionalCheckFailedException({
      message: "The conditional request failed",
      $metadata: { httpStatusCode: 400 },
      ...(withOld ? { Item: existing as never } : {}),
    });
  }

  putItem(input: Record<string, unknown>): Record<string, unknown> {
    const key = this.keyOf(input, "Item");
    const existing = this.items.get(key);
    this.check(input, existing);
    this.items.set(key, { ...(input.Item as Item) });
    this.stats.writes++;
    this.expire();
    return input.ReturnValues === "ALL_OLD" && existing ? { Attributes: existing } : {};
  }

  getItem(input: Record<string, unknown>): Record<string, unknown> {
    const item = this.items.get(this.keyOf(input, "Key"));
    this.stats.reads++;
    return item ? { Item: { ...item } } : {};
  }

  updateItem(input: Record<string, unknown>): Record<string, unknown> {
    const key = this.keyOf(input, "Key");
    const existing = this.items.get(key);
    this.check(input, existing);
    const base: Item = existing ?? { ...(input.Key as Item) };
    const expr = input.UpdateExpression;
    if (typeof expr !== "string") throw new ValidationException("UpdateExpression is required here");
    const { item, updated } = applyUpdate(expr, this.ctx(input), base);
    this.items.set(key, item);
    this.stats.writes++;
    this.expire();
    switch (input.ReturnValues) {
      case "UPDATED_NEW":
        return { Attributes: Object.fromEntries(updated.filter((n) => item[n]).map((n) => [n, item[n]])) };
      case "ALL_NEW":
        return { Attributes: item };
      case "ALL_OLD":
        return existing ? { Attributes: existing } : {};
      default:
        return {};
    }
  }

  deleteItem(input: Record<string, unknown>): Record<string, unknown> {
    const key = this.keyOf(input, "Key");
    const existing = this.items.get(key);
    this.check(input, existing);
    this.items.delete(key);
    this.stats.writes++;
    return input.ReturnValues === "ALL_OLD" && existing ? { Attributes: existing } : {};
  }

  /** For tests and the summary. */
  get(id: string): Item | undefined {
    return this.items.get(id);
  }

  size(): number {
    return this.items.size;
  }
}
