// The policy pack as the engine runs it: packed with `npm pack`, installed from that tarball into an
// empty project from the npm cache (offline), started through @pulumi/pulumi's own run-policy-pack
// entry, and asked over @pulumi/policy's gRPC analyzer server to judge prod's declared resources,
// after an update and on a first preview. It must answer as the offline runner does.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { allPolicies } from "../../policies/all";
import { asPolicyResources, runPolicies } from "../../policies/run";
import type { PolicyResourceLike } from "../../policies/view";
import { inShape, type Shape } from "../support/engineShapes";
import { applyFixture, type PolicyFixture } from "../support/policyFixtures";
import { runStack } from "../support/program";
import { type StartedEntry, startPulumiEntry } from "../support/pulumiEntry";
import { PROJECT_DIR, tempDir } from "../support/tools";

// Pulumi's generated gRPC stubs, from the installed @pulumi/pulumi (CommonJS, untyped).
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
/** How the engine marks a value it does not know yet. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];

interface Diagnostic {
  policy: string;
  enforcementLevel: string;
  message: string;
}

/** An empty project holding only the pack's tarball and what it declares, installed offline. */
function installPack(): string {
  const work = tempDir("agent-alert-routing-pack");
  const packed = execFileSync("npm", ["pack", "--pack-destination", work, "--silent"], {
    cwd: path.join(PROJECT_DIR, "policies"),
    encoding: "utf8",
  }).trim();
  const project = path.join(work, "project");
  fs.mkdirSync(project);
  // A lockfile for the pack's dependencies, cut from the project's own, so npm installs them from
  // its cache without asking the registry.
  const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version: string; dependencies?: object; optionalDependencies?: object }>;
  };
  const manifest = JSON.parse(
    fs.readFileSync(path.join(PROJECT_DIR, "policies", "package.json"), "utf8"),
  ) as {
    dependencies: Record<string, string>;
  };
  const found = (from: string, name: string): string | undefined => {
    for (let base = from; ; base = base.slice(0, Math.max(0, base.lastIndexOf("/node_modules/")))) {
      const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
      if (lock.packages[candidate]) return candidate;
      if (!base) return undefined;
    }
  };
  const closure = new Map<string, (typeof lock.packages)[string]>();
  const queue = Object.keys(manifest.dependencies).map((name) => `node_modules/${name}`);
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const entry = lock.packages[next];
    if (!entry || closure.has(next)) continue;
    closure.set(next, entry);
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const at = found(next, name);
      if (at) queue.push(at);
    }
  }
  const dependencies = Object.fromEntries(
    Object.keys(manifest.dependencies).map((name) => [name, lock.packages[`node_modules/${name}`].version]),
  );
  const root = { name: "pack-host", version: "1.0.0", private: true, dependencies };
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify(root));
  fs.writeFileSync(
    path.join(project, "package-lock.json"),
    JSON.stringify({
      ...root,
      lockfileVersion: 3,
      requires: true,
      packages: { "": root, ...Object.fromEntries(closure) },
    }),
  );
  const npm = (...args: string[]) =>
    execFileSync("npm", [...args, "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
      cwd: project,
      stdio: "pipe",
    });
  npm("ci");
  npm("install", path.join(work, packed));
  return project;
}

/** The pack served as the engine starts it, from inside its installed folder. */
function startPack(project: string): Promise<StartedEntry> {
  const modules = path.join(project, "node_modules");
  const packDir = path.join(modules, "agent-alert-routing-policies");
  return startPulumiEntry(
    path.join(modules, "@pulumi", "pulumi"),
    "run-policy-pack",
    ["127.0.0.1:0", "."],
    packDir,
  );
}

/** A resource as the engine sends it: its properties a protobuf Struct, unknowns as the sentinel. */
function analyzerResource(resource: PolicyResourceLike): unknown {
  const props = JSON.parse(
    JSON.stringify(resource.props, (_key, value) => (value === undefined ? UNKNOWN : value)),
  );
  const message = new analyzerPb.AnalyzerResource();
  message.setType(resource.type);
  message.setName(resource.name);
  message.setUrn(resource.urn);
  message.setProperties(Struct.fromJavaScript(props));
  const options = new analyzerPb.AnalyzerResourceOptions();
  options.setProtect(resource.opts.protect);
  message.setOptions(options);
  return message;
}

describe("the policy pack, installed from its tarball and served as the engine runs it", () => {
  let server: StartedEntry | undefined;
  let client: {
    getAnalyzerInfo(request: unknown, callback: (error: Error | null, info: unknown) => void): void;
    analyzeStack(request: unknown, callback: (error: Error | null, response: unknown) => void): void;
    close(): void;
  };
  let resources: PolicyResourceLike[];

  before(async () => {
    const run = await runStack("prod");
    resources = asPolicyResources(run.resources, "prod");
    server = await startPack(installPack());
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    server?.child.kill("SIGKILL");
  });

  const analyze = (list: readonly PolicyResourceLike[]): Promise<Diagnostic[]> =>
    new Promise((resolve, reject) => {
      const request = new analyzerPb.AnalyzeStackRequest();
      request.setResourcesList(list.map(analyzerResource));
      client.analyzeStack(request, (error, response) => {
        if (error) return reject(error);
        const diagnostics = (
          response as { getDiagnosticsList(): Record<string, () => unknown>[] }
        ).getDiagnosticsList();
        resolve(
          diagnostics.map((diagnostic) => ({
            policy: String(diagnostic.getPolicyname()),
            enforcementLevel: LEVELS[Number(diagnostic.getEnforcementlevel())],
            message: String(diagnostic.getMessage()),
          })),
        );
      });
    });

  /** The offline runner's verdict, as the analyzer words it: the description, then the message. */
  const offline = (list: readonly PolicyResourceLike[]): Diagnostic[] =>
    runPolicies(list).map((violation) => {
      const policy = allPolicies.find((candidate) => candidate.name === violation.policy);
      return {
        policy: violation.policy,
        enforcementLevel: violation.enforcementLevel,
        message: `${policy?.description}\n${violation.message}`,
      };
    });
  const sorted = (list: Diagnostic[]) =>
    [...list].sort((a, b) => `${a.policy}${a.message}`.localeCompare(`${b.policy}${b.message}`));

  it("serves every policy of the pack, each at its enforcement level", async () => {
    const info = await new Promise<{ getName(): string; getPoliciesList(): Record<string, () => unknown>[] }>(
      (resolve, reject) =>
        client.getAnalyzerInfo(new Empty(), (error, answer) =>
          error ? reject(error) : resolve(answer as never),
        ),
    );
    assert.equal(info.getName(), "agent-alert-routing");
    assert.deepEqual(
      info
        .getPoliciesList()
        .map((policy) => `${policy.getName()} ${LEVELS[Number(policy.getEnforcementlevel())]}`)
        .sort(),
      allPolicies.map((policy) => `${policy.name} ${policy.enforcementLevel}`).sort(),
    );
  });

  for (const shape of ["engine outputs", "first preview"] as Shape[]) {
    it(`judges prod over ${shape} as the offline runner does, every policy running`, async () => {
      const list = inShape(resources, shape);
      const served = await analyze(list);
      assert.ok(
        !served.some((diagnostic) => /can't (be known|run) during preview/.test(diagnostic.message)),
        JSON.stringify(served.filter((diagnostic) => /preview/.test(diagnostic.message))),
      );
      assert.deepEqual(sorted(served), sorted(offline(list)));
      assert.equal(served.filter((diagnostic) => diagnostic.enforcementLevel === "mandatory").length, 0);
    });

    it(`catches a broken rule over ${shape}, as the offline runner does`, async () => {
      const fixture = JSON.parse(
        fs.readFileSync(path.join(PROJECT_DIR, "tests", "fixtures", "policy", "tier-label.json"), "utf8"),
      ) as PolicyFixture;
      const list = inShape(applyFixture(resources, fixture), shape);
      const served = await analyze(list);
      assert.ok(
        served.some(
          (diagnostic) =>
            diagnostic.policy === "tier-label" && /"gold" is not a tier/.test(diagnostic.message),
        ),
      );
      assert.deepEqual(sorted(served), sorted(offline(list)));
    });
  }
});
