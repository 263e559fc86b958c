// The project's files: the catalogues and stack files every entry point reads, relative to the root.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  decodeUtf8,
  type FileText,
  parseYaml,
  type RefusedFile,
  tooLarge,
  YAML_LIMIT_BYTES,
  type YamlResult,
} from "../input/yamlFile";

/**
 * The directory holding Pulumi.yaml, found upward from this module, so the same code finds it when
 * run from its TypeScript source and when run from the build in `dist/`.
 */
function findProjectDir(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, "..");
  }
}

export const PROJECT_DIR = findProjectDir(__dirname);

/**
 * A file's text, or why it is refused, decided before it is read where that is possible: a
 * directory or a device, a file over the size limit, bytes that are not UTF-8.
 */
export function readTextFile(full: string): string | RefusedFile {
  const stat = fs.statSync(full);
  if (stat.isDirectory()) return { refused: "is a directory, not a file", of: "path" };
  if (!stat.isFile()) return { refused: "is not a regular file", of: "path" };
  if (stat.size > YAML_LIMIT_BYTES) return { refused: tooLarge(stat.size), of: "content" };
  const decoded = decodeUtf8(fs.readFileSync(full));
  return decoded.ok ? decoded.text : { refused: decoded.message, of: "content" };
}

/**
 * A YAML or JSON file a command is handed (`npm run route --file`, a kubeconfig), within the limits
 * of every file the program reads: its data, or why it is refused, in words that follow its name.
 */
export function readYamlFile(file: string): YamlResult {
  if (!fs.existsSync(file)) return { ok: false, message: "does not exist" };
  const text = readTextFile(file);
  return typeof text === "string" ? parseYaml(file, text) : { ok: false, message: text.refused };
}

/**
 * Where catalogues may live: the project, and the directory of a stack file read from elsewhere
 * (`--config`), both as written and with symbolic links resolved.
 */
const roots = new Map<string, string>([[PROJECT_DIR, fs.realpathSync(PROJECT_DIR)]]);

/** Lets the catalogues of the stack file `file` live beside it, or below. */
export function allowFilesBeside(file: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!roots.has(dir) && fs.existsSync(dir)) roots.set(dir, fs.realpathSync(dir));
}

function within(dir: string, target: string): boolean {
  const relative = path.relative(dir, target);
  return relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

const OUTSIDE: RefusedFile = {
  refused:
    "is outside the project: a path is relative to the project directory and stays inside it, or inside the stack file's directory",
  of: "path",
};

/**
 * A file relative to the project root: its text, undefined when it does not exist, or why it is
 * refused. A path that leads out of the project and the stack file's directory is refused, also
 * through a symbolic link.
 */
export function readProjectFile(file: string): FileText {
  const full = path.resolve(PROJECT_DIR, file);
  if (![...roots.keys()].some((root) => within(root, full))) return OUTSIDE;
  if (!fs.existsSync(full)) return undefined;
  const real = fs.realpathSync(full);
  if (![...roots.values()].some((root) => within(root, real))) return OUTSIDE;
  return readTextFile(full);
}

/** `Pulumi.<stack>.yaml` in the project root. */
export function stackFilePath(stack: string): string {
  return path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`);
}

/** A stack's committed route-key baseline: `route-keys/<stack>.json` beside its stack file. */
export function routeKeysBaselinePath(stackFile: string, stack: string): string {
  return path.join(path.dirname(path.resolve(stackFile)), "route-keys", `${stack}.json`);
}
