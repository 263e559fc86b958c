// The YAML the program reads from people: stack files, catalogues and their rule tests. A file is
// refused before it can cost much: over the size limit (before it is read), not UTF-8, or with
// aliases that would expand it beyond what a file may hold. js-yaml keeps an alias as a second
// reference to one object, so loading a "billion laughs" is cheap; what explodes is every later
// walk over the tree (the schema, a copy, JSON). The walk here counts each shared object once.
import yaml from "js-yaml";

/**
 * The most a YAML file may hold, in bytes, and, aliases expanded, in characters of data. It is
 * Kubernetes' limit on one object, which a catalogue's rules and the Alertmanager config are
 * delivered in, and about forty times the largest file this project has.
 */
export const YAML_LIMIT_BYTES = 1024 * 1024;

/** Nesting deeper than this, aliases expanded, is refused (js-yaml's own limit on a file as written). */
export const YAML_MAX_DEPTH = 100;

const MIB = 1024 * 1024;

function size(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** The message for a file over the limit; the readers refuse it by its size on disk, unread. */
export function tooLarge(bytes: number): string {
  return `is ${size(bytes)}; a file the program reads may be at most 1 MiB (Kubernetes' limit on one object), so it is refused unread`;
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    let length = 0;
    let min = 0x80;
    let max = 0xbf;
    if (lead < 0x80) length = 1;
    else if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) min = 0xa0;
      if (lead === 0xed) max = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) min = 0x90;
      if (lead === 0xf4) max = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      const [low, high] = k === 1 ? [min, max] : [0x80, 0xbf];
      if (next === undefined || next < low || next > high) return i;
    }
    i += length;
  }
  return -1;
}

/** A file a reader would not read, and why: a problem of where it is (`path`) or of what it holds (`content`). */
export interface RefusedFile {
  refused: string;
  of: "path" | "content";
}

/** What a reader gives back: the text, undefined when there is no such file, or a refusal. */
export type FileText = string | undefined | RefusedFile;

export type Decoded = { ok: true; text: string } | { ok: false; message: string };

/** A file's bytes as text, or where they stop being UTF-8. */
export function decodeUtf8(bytes: Uint8Array): Decoded {
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidByte(bytes);
    const byte = bytes[offset]?.toString(16).padStart(2, "0") ?? "?";
    return {
      ok: false,
      message: `is not UTF-8 at byte offset ${offset} (0x${byte}); save it as UTF-8`,
    };
  }
}

interface Frame {
  node: object;
  entries: [number, unknown][];
  next: number;
  /** Characters of data in this node so far: its keys, its scalars, its finished children. */
  size: number;
  /** Levels below and including this node, aliases expanded. */
  depth: number;
}

const TOO_DEEP = `nests deeper than ${YAML_MAX_DEPTH} levels once its aliases are expanded`;
const TOO_MUCH =
  "has aliases that would expand it beyond 1 MiB, the most a file may hold (a YAML alias bomb?); write the repeated parts out, or refer to fewer";
const CYCLE = "has an alias that refers to a node containing it";

const isTree = (value: unknown): value is object =>
  value !== null && typeof value === "object" && !ArrayBuffer.isView(value) && !(value instanceof Date);

const leafSize = (value: unknown): number =>
  typeof value === "string" ? value.length + 1 : ArrayBuffer.isView(value) ? value.byteLength : 1;

const entriesOf = (node: object): [number, unknown][] =>
  Array.isArray(node)
    ? node.map((item): [number, unknown] => [0, item])
    : Object.entries(node).map(([key, value]): [number, unknown] => [key.length, value]);

/**
 * How much data the tree holds with every alias written out, and how deep it nests, counting each
 * shared object once, and stopping at the first limit it passes. Iterative, since aliases can nest
 * a tree deeper than the call stack allows; a refusal message, or undefined.
 */
function expansionProblem(root: unknown): string | undefined {
  if (!isTree(root)) return undefined;
  const measured = new Map<object, { size: number; depth: number }>();
  const stack: Frame[] = [];
  const open = new Set<object>();
  const enter = (node: object): string | undefined => {
    if (open.has(node)) return CYCLE;
    if (stack.length >= YAML_MAX_DEPTH) return TOO_DEEP;
    open.add(node);
    stack.push({ node, entries: entriesOf(node), next: 0, size: 1, depth: 1 });
    return undefined;
  };
  let problem = enter(root);
  while (problem === undefined && stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next < frame.entries.length) {
      const [keySize, value] = frame.entries[frame.next++];
      frame.size += keySize;
      const known = isTree(value) ? measured.get(value) : undefined;
      if (!isTree(value)) frame.size += leafSize(value);
      else if (!known) problem = enter(value);
      else {
        frame.size += known.size;
        frame.depth = Math.max(frame.depth, known.depth + 1);
        if (stack.length - 1 + frame.depth > YAML_MAX_DEPTH) problem = TOO_DEEP;
      }
    } else {
      stack.pop();
      open.delete(frame.node);
      measured.set(frame.node, { size: frame.size, depth: frame.depth });
      const parent = stack[stack.length - 1];
      if (parent) {
        parent.size += frame.size;
        parent.depth = Math.max(parent.depth, frame.depth + 1);
      }
    }
    // What the open nodes hold is all the data counted so far.
    const counted = stack.length > 0 ? stack.reduce((sum, each) => sum + each.size, 0) : frame.size;
    if (problem === undefined && counted > YAML_LIMIT_BYTES) problem = TOO_MUCH;
  }
  return problem;
}

export type YamlResult = { ok: true; data: unknown } | { ok: false; message: string };

/** Parses one YAML document within the limits above; a refusal is one message about the whole file. */
export function parseYaml(file: string, text: string): YamlResult {
  // Readers refuse a large file unread; this is for text handed over in memory.
  if (text.length > YAML_LIMIT_BYTES || Buffer.byteLength(text) > YAML_LIMIT_BYTES)
    return { ok: false, message: tooLarge(Buffer.byteLength(text)) };
  let data: unknown;
  try {
    data = yaml.load(text, { filename: file });
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? error.reason : String(error);
    const mark = error instanceof yaml.YAMLException ? error.mark : undefined;
    const where = mark ? ` at line ${mark.line + 1}, column ${mark.column + 1}` : "";
    return { ok: false, message: `is not valid YAML${where}: ${reason}` };
  }
  const problem = expansionProblem(data);
  return problem === undefined ? { ok: true, data } : { ok: false, message: problem };
}
