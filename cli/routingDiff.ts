// `npm run routing-diff -- --stack <name> --base <git-ref>`
// What a change moves: renders the stack at the base revision, with the base's own code in a
// temporary git worktree, and at the working tree, and prints the difference as markdown.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RouteKey } from "../alertmanager/routeKeys";
import { ValidationError } from "../core/errors";
import { PROJECT_DIR } from "../pipeline/projectFiles";
import { diffRouting, type RenderedRouting, renderRoutingDiff } from "../render/routingDiff";
import {
  ROUTING_MATRIX_FILE,
  ROUTING_MATRIX_FORMAT,
  type RoutingMatrixFile,
} from "../render/routingMatrixFile";
import { ProgramFailure } from "./mockEngine";
import { ROUTE_KEYS_FILE, render } from "./render";

export interface RoutingDiffOptions {
  stack: string;
  base: string;
}

/** A failure the user can act on: printed as one line, without a stack trace. */
class DiffError extends Error {}

function usage(message: string): never {
  process.stderr.write(
    `routing-diff: ${message}\nusage: npm run routing-diff -- --stack <name> --base <git-ref>\n`,
  );
  process.exit(2);
}

export function parseArgs(argv: string[]): RoutingDiffOptions {
  const options: Partial<RoutingDiffOptions> = { stack: "prod" };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!["--stack", "--base"].includes(flag)) usage(`unknown argument "${flag}"`);
    if (value === undefined || value.startsWith("--")) usage(`${flag} needs a value`);
    if (flag === "--stack") options.stack = value;
    if (flag === "--base") options.base = value;
  }
  if (!options.base) usage("--base is required");
  if (!/^[A-Za-z0-9_.-]+$/.test(options.stack ?? "")) usage(`"${options.stack}" is not a stack name`);
  return options as RoutingDiffOptions;
}

function git(args: string[], cwd = PROJECT_DIR): { status: number; stdout: string; stderr: string } {
  const result = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (result.error) throw new DiffError(`git could not be run: ${result.error.message}`);
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function lastLines(text: string, count = 5): string {
  return text.trim().split("\n").slice(-count).join("\n");
}

/** The commit `ref` names; a shallow clone must have fetched it. */
function resolveBase(ref: string): string {
  const found = git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (found.status !== 0) {
    throw new DiffError(
      `routing-diff: --base "${ref}" is not a commit in this clone; fetch it first (on a shallow checkout: git fetch --depth=1 origin <branch>)`,
    );
  }
  return found.stdout.trim();
}

function readRendered(dir: string, what: string): RenderedRouting {
  const matrixFile = path.join(dir, ROUTING_MATRIX_FILE);
  if (!fs.existsSync(matrixFile)) {
    throw new DiffError(
      `routing-diff: ${what} is too old: its render writes no ${ROUTING_MATRIX_FILE}; diff against a later base`,
    );
  }
  const matrix = JSON.parse(fs.readFileSync(matrixFile, "utf8")) as RoutingMatrixFile;
  if (matrix.format !== ROUTING_MATRIX_FORMAT) {
    throw new DiffError(
      `routing-diff: ${what} writes ${ROUTING_MATRIX_FILE} in format ${matrix.format}, this code reads format ${ROUTING_MATRIX_FORMAT}`,
    );
  }
  const keysFile = path.join(dir, ROUTE_KEYS_FILE);
  const routeKeys = fs.existsSync(keysFile)
    ? (JSON.parse(fs.readFileSync(keysFile, "utf8")) as { routes: RouteKey[] }).routes
    : [];
  return { matrix, routeKeys };
}

/**
 * Renders `stack` as the base commit's own code renders it: a detached worktree of the commit, with
 * the installed dependencies linked in when its lock file is the working tree's (else `npm ci`).
 */
function renderBase(commit: string, ref: string, stack: string, scratch: string): RenderedRouting {
  const top = git(["rev-parse", "--show-toplevel"]).stdout.trim();
  const worktree = path.join(scratch, "base");
  const added = git(["worktree", "add", "--detach", "--quiet", worktree, commit]);
  if (added.status !== 0)
    throw new DiffError(`routing-diff: git worktree add failed: ${lastLines(added.stderr)}`);
  // The project may sit in a folder of the repository; the base's copy sits in the same one.
  const project = path.join(worktree, path.relative(fs.realpathSync(top), fs.realpathSync(PROJECT_DIR)));
  // A stack the change adds: every alert of it is new, and no route key can disappear.
  if (!fs.existsSync(path.join(project, `Pulumi.${stack}.yaml`))) {
    return { matrix: { format: ROUTING_MATRIX_FORMAT, stack, moments: [], rows: [] }, routeKeys: [] };
  }
  const lock = (dir: string) => {
    const file = path.join(dir, "package-lock.json");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  };
  const installed = path.join(PROJECT_DIR, "node_modules");
  if (lock(project) !== undefined && lock(project) === lock(PROJECT_DIR) && fs.existsSync(installed)) {
    fs.symlinkSync(fs.realpathSync(installed), path.join(project, "node_modules"), "dir");
  } else {
    process.stderr.write(`routing-diff: ${ref} has other dependencies; running npm ci in its copy\n`);
    const ci = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: project, encoding: "utf8" });
    if (ci.status !== 0)
      throw new DiffError(`routing-diff: npm ci at ${ref} failed: ${lastLines(ci.stderr)}`);
  }
  const out = path.join(scratch, "out-base");
  const rendered = spawnSync("npm", ["run", "--silent", "render", "--", "--stack", stack, "--out", out], {
    cwd: project,
    encoding: "utf8",
  });
  if (rendered.status !== 0) {
    throw new DiffError(
      `routing-diff: the render of stack ${stack} at ${ref} failed: ${lastLines(rendered.stderr)}`,
    );
  }
  return readRendered(path.join(out, stack), `the base ${ref}`);
}

export async function routingDiff(options: RoutingDiffOptions): Promise<string> {
  const commit = resolveBase(options.base);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "routing-diff-"));
  // A signal still removes the temporary worktree, so no stale entry is left in the repository.
  const cleanUp = () => {
    git(["worktree", "remove", "--force", path.join(scratch, "base")]);
    git(["worktree", "prune"]);
    fs.rmSync(scratch, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUp();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const base = renderBase(commit, options.base, options.stack, scratch);
    const out = path.join(scratch, "out-head");
    const result = await render({ stack: options.stack, out });
    if (result.written.length === 0) {
      throw new DiffError(
        `routing-diff: the working tree's stack ${options.stack} breaks a mandatory policy; run npm run render -- --stack ${options.stack}`,
      );
    }
    const head = readRendered(path.join(out, options.stack), "the working tree");
    return renderRoutingDiff(options.stack, options.base, diffRouting(base, head));
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    cleanUp();
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  try {
    process.stdout.write(await routingDiff(options));
    process.exit(0);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const known =
      error instanceof DiffError ||
      error instanceof ValidationError ||
      (error instanceof ProgramFailure && error.expected);
    process.stderr.write(`${known ? "" : "routing-diff failed: "}${message}\n`);
    process.exit(1);
  }
}

if (require.main === module) void main();
