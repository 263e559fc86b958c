// The bridge's entry point: read its settings and webhook secret from the files the Deployment
// mounts, recover what Alertmanager holds, listen. A bad settings file stops it with one line.
import * as fs from "node:fs";
import { bridgeSettingsSchema } from "../core/bridgeSettings";
import { BRIDGE_PORT } from "../core/conventions";
import { Forwarder } from "./forwarder";
import { BridgeMetrics } from "./metrics";
import { problemOf } from "./payloads";
import { buildServer } from "./server";

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} bridge: ${message}\n`);

function fail(message: string): never {
  process.stderr.write(`bridge: ${message}\n`);
  process.exit(2);
}

function readFile(variable: string): string {
  const file = process.env[variable];
  if (!file) fail(`${variable} is not set (the path of a file)`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    fail(`${file} (${variable}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function main(): Promise<void> {
  const settingsFile = process.env.BRIDGE_SETTINGS ?? "";
  let raw: unknown;
  try {
    raw = JSON.parse(readFile("BRIDGE_SETTINGS"));
  } catch {
    fail(`${settingsFile}: not JSON`);
  }
  const parsed = bridgeSettingsSchema.safeParse(raw);
  if (!parsed.success) fail(`${settingsFile}: ${problemOf(parsed.error)}`);
  const secret = readFile("BRIDGE_SECRET_FILE").trim();
  if (!secret) fail(`${process.env.BRIDGE_SECRET_FILE}: the webhook secret is empty`);

  const metrics = new BridgeMetrics();
  const forwarder = new Forwarder(parsed.data, metrics, log);
  const app = buildServer({ settings: parsed.data, secret, forwarder, metrics, log });
  await forwarder.start();
  const port = Number(process.env.BRIDGE_PORT ?? BRIDGE_PORT);
  await app.listen({ port, host: process.env.BRIDGE_HOST ?? "0.0.0.0" });
  log(`listening on ${port}, ${forwarder.activeAlerts().length} active alert(s) recovered`);

  const shutdown = async () => {
    await app.close();
    await forwarder.stop();
    process.exit(0);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((error) => fail((error as Error).message));
