// Runs a command as a child process and measures it: wall time with process.hrtime around the child,
// peak memory and CPU time as the child reports them through bench/usage.ts.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../pipeline/projectFiles";

export interface Sample {
  wallMs: number;
  maxRssKiB: number;
  cpuMs: number;
}

/**
 * Every measured process is plain node on a compiled script, as `npm run render` runs it once the
 * build is current; bench/usage.js is preloaded into each, the floor included.
 */
export function nodeArgs(
  script: string,
  args: readonly string[] = [],
  nodeFlags: readonly string[] = [],
): string[] {
  return [...nodeFlags, "--require", path.join(__dirname, "usage.js"), script, ...args];
}

let sequence = 0;

/** One run of `node <nodeArgs(…)>` in the project folder; `script` is relative to it. A failed run throws its stderr. */
export function measure(
  script: string,
  args: readonly string[] = [],
  nodeFlags: readonly string[] = [],
): Promise<Sample> {
  const usageFile = path.join(os.tmpdir(), `bench-usage-${process.pid}-${sequence++}.json`);
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, nodeArgs(script, args, nodeFlags), {
      cwd: PROJECT_DIR,
      env: { ...process.env, BENCH_USAGE_FILE: usageFile },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      // `close` follows once stderr is drained; the usage file was written before the child exited.
      child.on("close", () => {
        if (code !== 0) {
          reject(new Error(`${script} ${args.join(" ")} exited with ${code}:\n${stderr.trim()}`));
          return;
        }
        const usage = JSON.parse(fs.readFileSync(usageFile, "utf8")) as {
          maxRssKiB: number;
          userMs: number;
          systemMs: number;
        };
        fs.rmSync(usageFile, { force: true });
        resolve({ wallMs, maxRssKiB: usage.maxRssKiB, cpuMs: usage.userMs + usage.systemMs });
      });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface Summary {
  runs: number;
  wallMs: number;
  /** The smallest and largest of the runs, to show the spread the median hides. */
  wallMinMs: number;
  wallMaxMs: number;
  maxRssKiB: number;
  cpuMs: number;
}

export function summarise(samples: readonly Sample[]): Summary {
  const walls = samples.map((sample) => sample.wallMs);
  return {
    runs: samples.length,
    wallMs: median(walls),
    wallMinMs: Math.min(...walls),
    wallMaxMs: Math.max(...walls),
    maxRssKiB: median(samples.map((sample) => sample.maxRssKiB)),
    cpuMs: median(samples.map((sample) => sample.cpuMs)),
  };
}
