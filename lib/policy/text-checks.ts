import { parseTree, type Node } from "jsonc-parser";
import { escapePointerToken } from "../util/json";

/**
 * Checks of a policy file's text that JSON.parse does not make: bytes that are not UTF-8 (Node would replace them
 * silently) and duplicate keys (JSON.parse keeps the last: a second "severity" would downgrade a policy unseen).
 */

/** Where the first byte that is not UTF-8 is, as line and column (1-based); undefined when the file is UTF-8. */
export function invalidUtf8(bytes: Uint8Array): { line: number; column: number } | undefined {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return undefined;
  } catch {
    // Placed below, byte by byte: the platform's decoder in streaming mode throws at the first invalid byte.
  }
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let line = 1;
  let column = 1;
  for (let i = 0; i < bytes.length; i++) {
    try {
      decoder.decode(bytes.subarray(i, i + 1), { stream: true });
    } catch {
      return { line, column };
    }
    const b = bytes[i] as number;
    if (b === 0x0a) {
      line++;
      column = 1;
    } else if ((b & 0xc0) !== 0x80) column++;
  }
  return { line, column }; // a sequence cut short at the end of the file
}

/** The JSON pointer of every key that appears twice in one object, with the place of its second use. */
export function duplicateKeys(text: string): { pointer: string; line: number; column: number }[] {
  let root: Node | undefined;
  try {
    root = parseTree(text, [], { disallowComments: true });
  } catch (e) {
    // Nesting deeper than the parser's stack: the schema lint names the depth.
    if (e instanceof RangeError) return [];
    throw e;
  }
  const out: { pointer: string; line: number; column: number }[] = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const place = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] as number) + 1 };
  };
  // Iteratively, with each node's pointer: a deep document cannot overflow this walk.
  const stack: { node: Node; pointer: string }[] = root ? [{ node: root, pointer: "" }] : [];
  while (stack.length > 0) {
    const { node, pointer } = stack.pop() as { node: Node; pointer: string };
    if (node.type === "object") {
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (!key || typeof key.value !== "string") continue;
        const at = `${pointer}/${escapePointerToken(key.value)}`;
        if (seen.has(key.value)) out.push({ pointer: at, ...place(key.offset) });
        seen.add(key.value);
        if (value) stack.push({ node: value, pointer: at });
      }
    } else if (node.type === "array") {
      (node.children ?? []).forEach((child, i) => stack.push({ node: child, pointer: `${pointer}/${i}` }));
    }
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}
