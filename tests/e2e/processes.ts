// The real binaries the end-to-end suite runs, and the guarantee that none of them outlives it.
//
// Each binary runs under a small sh wrapper in a process group of its own (`detached`), so one signal
// to the group reaches it wherever it is, and a test runner's Ctrl-C does not race our own shutdown.
// The wrapper reads a pipe from this process: if this process dies in any way, even SIGKILL, the pipe
// closes and the wrapper kills the binary, so not even a killed test run leaves a Prometheus behind.
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const WRAPPER = [
  "exec 3<&0",
  '"$@" </dev/null &',
  "child=$!",
  // A signal to the group reaches the binary directly; the wrapper outlives it to report its status.
  "trap '' TERM INT HUP",
  // Asynchronous lists read /dev/null unless told otherwise, hence the explicit fd 3.
  '{ read -r _ <&3; kill -TERM "$child" 2>/dev/null; sleep 5; kill -KILL "$child" 2>/dev/null; } &',
  "watcher=$!",
  'wait "$child"',
  "status=$?",
  'kill -KILL "$watcher" 2>/dev/null',
  'exit "$status"',
].join("\n");

export interface Started {
  name: string;
  /** The wrapper's pid, which is also the process group id. */
  pgid: number;
  log: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

const live = new Set<Started>();

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while any process of the group is alive (a zombie group leader included, until reaped). */
export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

function killEverything(): void {
  for (const started of live) signalGroup(started.pgid, "SIGKILL");
}

let handlersInstalled = false;
function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", killEverything);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    // Once the children are gone, the signal is raised again with no listener left, so the runner
    // dies of it as it would have without us, and reports it as such.
    process.once(signal, () => {
      killEverything();
      process.kill(process.pid, signal);
    });
  }
}

/** Starts `command` in its own process group; its output goes to `log`. */
export function startProcess(name: string, command: string, args: string[], log: string): Started {
  installHandlers();
  const out = fs.openSync(log, "a");
  const child = spawn("sh", ["-c", WRAPPER, name, command, ...args], {
    detached: true,
    stdio: ["pipe", out, out],
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const started: Started = { name, pgid: child.pid, log, child, exited };
  live.add(started);
  void exited.then(() => {
    // The group may outlive its leader for a moment; forget it only once it is empty.
    if (!groupAlive(started.pgid)) live.delete(started);
  });
  return started;
}

/**
 * Stops a process group: `signal` first, SIGKILL after `graceMs`. Resolves once no process of the
 * group is left, so a restart on the same storage path never meets its predecessor.
 */
export async function stopProcess(started: Started, signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000) {
  signalGroup(started.pgid, signal);
  const deadline = Date.now() + graceMs;
  while (groupAlive(started.pgid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(started.pgid)) {
    signalGroup(started.pgid, "SIGKILL");
    while (groupAlive(started.pgid)) await sleep(50);
  }
  live.delete(started);
}

/** The pids of processes whose command line mentions `marker` (our temporary folder). */
export function processesMentioning(marker: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmdline.includes(marker)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
