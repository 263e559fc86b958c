// Shared helpers of the test suites: the real tools, and the offline render run as users run it.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** The absolute path of a tool. A missing tool fails the suite: it is never a skip. */
export function requireTool(name: string): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder; try the next one.
    }
  }
  throw new Error(
    `${name} is not installed; run scripts/setup-and-test.sh (it installs Debian's prometheus and prometheus-alertmanager)`,
  );
}

export interface ToolRun {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], cwd = PROJECT_DIR): ToolRun {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function stackNames(): string[] {
  return fs
    .readdirSync(PROJECT_DIR)
    .filter((entry) => /^Pulumi\.[^.]+\.yaml$/.test(entry))
    .map((entry) => entry.slice("Pulumi.".length, -".yaml".length))
    .sort();
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/** Runs git in `cwd` with a fixed author, and fails with git's message when git does. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd,
    encoding: "utf8",
    stdio: "pipe",
  });
}

/**
 * The project's files as a fresh clone has them, committed to a new git repository of one commit,
 * with the installed dependencies linked in: what a test changes and commits there never touches
 * the working tree.
 */
export function cloneOfProject(prefix: string): string {
  const dir = tempDir(prefix);
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: PROJECT_DIR,
    encoding: "utf8",
  })
    .split("\n")
    .filter((file) => file !== "" && file !== "node_modules" && fs.existsSync(path.join(PROJECT_DIR, file)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(PROJECT_DIR, file), path.join(dir, file));
  }
  fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
  git(dir, "init", "--quiet", "--initial-branch=main");
  git(dir, "add", "--all");
  git(dir, "commit", "--quiet", "--message=clone of the project");
  return dir;
}

/**
 * The command `npm run <name>` runs once the build is current: node on the compiled CLI in dist/.
 * `npm test` builds before any test starts, so the tests run what users run.
 */
export type CliName = "render" | "route" | "policy" | "preflight" | "noiseReview";

export function cliCommand(name: CliName): [string, string[]] {
  return [process.execPath, [path.join(PROJECT_DIR, "dist", "cli", `${name}.js`)]];
}

/** Runs a CLI as `npm run <name> -- <args>` does, in a child process. */
export function runCli(name: CliName, args: string[], cwd = PROJECT_DIR): ToolRun {
  const [command, prefix] = cliCommand(name);
  return run(command, [...prefix, ...args], cwd);
}

/** `runCli` without blocking this process, so stand-in servers in it can answer; `env` replaces the environment. */
export function runCliAsync(name: CliName, args: string[], env: NodeJS.ProcessEnv): Promise<ToolRun> {
  const [command, prefix] = cliCommand(name);
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...prefix, ...args],
      { cwd: PROJECT_DIR, env, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ status: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** Runs `npm run render`'s command in a child process and returns the stack's output folder. */
export function renderStack(stack: string, out: string, extraArgs: string[] = []): string {
  const [command, prefix] = cliCommand("render");
  execFileSync(command, [...prefix, "--stack", stack, "--out", out, ...extraArgs], {
    cwd: PROJECT_DIR,
    stdio: "pipe",
  });
  return path.join(out, stack);
}
