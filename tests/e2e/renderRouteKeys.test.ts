// The render's route keys and its warning when a change re-keys routes against the stack's committed
// baseline, as users run the command. routeKeys.test.ts proves, through the real Alertmanager, that
// these keys are the ones PagerDuty's dedup_key hashes; here, that the render writes them and names
// every route a change loses.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import type { RouteKey } from "../../alertmanager/routeKeys";
import type { AmRoute } from "../../alertmanager/types";
import { PROJECT_DIR, runCli, tempDir } from "../support/tools";
import { configKey, productionStack } from "./stackConfig";

const out = tempDir("route-keys-cli");

function render(args: string[]) {
  return runCli("render", ["--stack", "prod", "--out", out, ...args]);
}

function routeKeys(): RouteKey[] {
  const file = path.join(out, "prod", "route-keys.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { routes: RouteKey[] }).routes;
}

function countRoutes(route: AmRoute): number {
  return 1 + (route.routes ?? []).reduce((sum, child) => sum + countRoutes(child), 0);
}

const WARNING = /^warning: route (\S+) -> (\S+) is gone or re-keyed/gm;

describe("route keys in the render", () => {
  it("are written for every route, in Alertmanager's form, without a warning on a first render", () => {
    const result = render([]);
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, WARNING);
    const config = yaml.load(fs.readFileSync(path.join(out, "prod", "alertmanager.yaml"), "utf8")) as {
      route: AmRoute;
    };
    const keys = routeKeys();
    assert.equal(keys.length, countRoutes(config.route));
    assert.deepEqual(keys[0], { key: "{}", receiver: "platform-unrouted" });
    // Alertmanager sorts a route's matchers by name: priority before severity, whatever the config says.
    const sev1 =
      '{}/{vertical="healthcare"}/{alert_type="model"}/{tier=""}/{priority="P1",severity=~"critical|page"}';
    assert.ok(
      keys.some((entry) => entry.receiver === "ai-eng-sev1" && entry.key === sev1),
      "the healthcare SEV1 model route is missing or not in Alertmanager's form",
    );
  });

  it("warn of nothing when the stack has not changed", () => {
    const result = render([]);
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, WARNING);
  });

  it("warn, one line per route, naming each, when a change re-keys routes; the render still succeeds", () => {
    const before = routeKeys();
    const doc = productionStack();
    delete (doc.config[configKey("toolOwners")] as Record<string, string>).crm;
    const dir = tempDir("route-keys-stack");
    const file = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(file, yaml.dump(doc));
    // The committed baseline, beside the changed stack file as it is beside the real one.
    fs.mkdirSync(path.join(dir, "route-keys"));
    fs.copyFileSync(
      path.join(PROJECT_DIR, "route-keys", "prod.json"),
      path.join(dir, "route-keys", "prod.json"),
    );

    const result = render(["--config", file]);
    assert.equal(result.status, 0, result.stderr);
    const id = (entry: RouteKey) => `${entry.key} -> ${entry.receiver}`;
    const after = new Set(routeKeys().map(id));
    const lost = [...new Set(before.map(id))].filter((entry) => !after.has(entry));
    const warned = [...result.stderr.matchAll(WARNING)].map(([, key, receiver]) => `${key} -> ${receiver}`);
    assert.ok(lost.length > 0, "removing a tool owner should lose its routes");
    assert.deepEqual(warned.sort(), lost.sort());
    for (const entry of warned) assert.match(entry, /\{tool_name="crm"\}|-> crm-owners/);
    assert.match(result.stdout, /rendered stack prod/);
  });
});
