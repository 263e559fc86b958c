// Starts one of @pulumi/pulumi's own entry points (the policy runner, the dynamic-provider host) as
// the engine does, and waits for the port it prints once its gRPC server listens.
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";

export interface StartedEntry {
  child: ChildProcess;
  port: number;
}

/**
 * `node <pulumi>/cmd/<entry> …args` in `cwd`; `pulumiDir` is the installed @pulumi/pulumi to use.
 * Rejects with the entry's stderr when it exits, or prints no port within the deadline.
 */
export function startPulumiEntry(
  pulumiDir: string,
  entry: "run-policy-pack" | "dynamic-provider",
  args: readonly string[],
  cwd: string,
  deadlineMs = 60_000,
): Promise<StartedEntry> {
  const child = spawn(process.execPath, [path.join(pulumiDir, "cmd", entry), ...args], {
    cwd,
    stdio: "pipe",
  });
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${entry} printed no port in ${deadlineMs / 1000} s:\n${stderr}`));
    }, deadlineMs);
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /^(\d+)\s*$/m.exec(stdout);
      if (port) {
        clearTimeout(timer);
        resolve({ child, port: Number(port[1]) });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}:\n${stderr}`));
    });
  });
}
