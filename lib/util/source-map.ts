import { parseTree, type Node, type ParseError, printParseErrorCode } from "jsonc-parser";
import { unescapePointerToken } from "./json";

export interface Location {
  line: number;
  column: number;
}

/** A parsed JSON file that can say where any JSON pointer sits in its text. */
export class JsonSourceMap {
  private readonly lineStarts: number[] = [0];

  private constructor(
    readonly text: string,
    private readonly root: Node | undefined,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /**
   * Parses strictly (no comments, no trailing commas). Only the first syntax error is returned, with its
   * position: the ones after it are almost always the parser losing its way.
   */
  static parse(text: string): { map: JsonSourceMap; errors: { message: string; location: Location }[] } {
    const parseErrors: ParseError[] = [];
    const root = parseTree(text, parseErrors, { disallowComments: true, allowTrailingComma: false });
    const map = new JsonSourceMap(text, root);
    return {
      map,
      errors: parseErrors.slice(0, 1).map((e) => ({
        message: `JSON syntax error: ${printParseErrorCode(e.error)
          .replace(/([a-z])([A-Z])/g, "$1 $2")
          .toLowerCase()}`,
        location: map.locationOfOffset(e.offset),
      })),
    };
  }

  locationOfOffset(offset: number): Location {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.lineStarts[lo] ?? 0) + 1 };
  }

  /**
   * Location of the value at `pointer`; for a property that is not there (a missing required key), the
   * nearest existing ancestor. `key: true` points at the property name instead of its value.
   */
  locate(pointer: string, opts: { key?: boolean } = {}): Location {
    if (!this.root) return { line: 1, column: 1 };
    const tokens = pointer === "" ? [] : pointer.slice(1).split("/").map(unescapePointerToken);
    let node: Node = this.root;
    for (const token of tokens) {
      const next = child(node, token);
      if (!next) return this.locationOfOffset(node.offset);
      node = next;
    }
    const target = opts.key && node.parent?.type === "property" ? node.parent : node;
    return this.locationOfOffset(target.offset);
  }
}

/** The child of an object (by key) or array (by index) node; keys that look like numbers stay keys in objects. */
function child(node: Node, token: string): Node | undefined {
  if (node.type === "array") return /^\d+$/.test(token) ? node.children?.[Number(token)] : undefined;
  if (node.type !== "object") return undefined;
  for (const prop of node.children ?? []) {
    if (prop.children?.[0]?.value === token) return prop.children[1];
  }
  return undefined;
}
