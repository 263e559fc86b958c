// Waiting for conditions with explicit deadlines: the suite never sleeps where it can poll.
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `probe` until it returns a value other than undefined, and returns that value. Throws with
 * `what` and the last observation (from `describe`) when `timeoutMs` passes first.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  describe: () => string = () => "",
  pollMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = describe() || (lastError instanceof Error ? lastError.message : "");
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `: ${detail}` : ""}`);
    }
    await sleep(pollMs);
  }
}

/**
 * Asserts that `condition` stays false for all of `durationMs`: the way to prove that something did
 * NOT happen (a page that must not arrive), observed over the window in which it would have.
 */
export async function holdsFalse(
  what: string,
  condition: () => string | undefined | Promise<string | undefined>,
  durationMs: number,
  pollMs = 100,
): Promise<void> {
  const end = Date.now() + durationMs;
  for (;;) {
    const seen = await condition();
    if (seen !== undefined) throw new Error(`${what}: ${seen}`);
    if (Date.now() >= end) return;
    await sleep(Math.min(pollMs, Math.max(0, end - Date.now())));
  }
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}
