// The project's files: the catalogues and stack files every entry point reads, relative to the root.
import * as fs from "node:fs";
import * as path from "node:path";

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

/** A file relative to the project root, or undefined when it does not exist or is not a file. */
export function readProjectFile(file: string): string | undefined {
  const full = path.resolve(PROJECT_DIR, file);
  return fs.existsSync(full) && fs.statSync(full).isFile() ? fs.readFileSync(full, "utf8") : undefined;
}

/** `Pulumi.<stack>.yaml` in the project root. */
export function stackFilePath(stack: string): string {
  return path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`);
}
