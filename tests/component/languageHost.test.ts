// The program as `pulumi up` loads it: Pulumi's own language-host entry (@pulumi/pulumi/cmd/run) runs
// the compiled dist/index.js, as Pulumi.yaml's `main` says, against a resource monitor and an engine
// that answer over gRPC as the engine does. It must declare what the offline render declares, and
// stop on bad input with a clean message before it declares anything.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { answerLookup, mockOutputs, providerState } from "../../cli/mockEngine";
import { PROJECT } from "../../core/conventions";
import { compileRouting } from "../../pipeline/compile";
import { firstUpNeeds } from "../../plan/firstUp";
import { runStack, stackFileWithTestSecrets } from "../support/program";
import { PROJECT_DIR } from "../support/tools";

// Pulumi's generated gRPC stubs, from the installed @pulumi/pulumi (CommonJS, untyped).
const resourcePb = require("@pulumi/pulumi/proto/resource_pb");
const resourceGrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const enginePb = require("@pulumi/pulumi/proto/engine_pb");
const engineGrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const providerPb = require("@pulumi/pulumi/proto/provider_pb");

type Handler = (
  call: { request: Record<string, () => unknown> },
  done: (error: Error | null, reply?: unknown) => void,
) => void;

interface Registered {
  type: string;
  name: string;
  parent: string;
}

/** What the engine side saw of one program run. */
interface Run {
  exitCode: number | null;
  resources: Registered[];
  logs: string[];
  stderr: string;
}

/** The few monitor features the SDK asks about; it falls back for every other one. */
const FEATURES = new Set(["secrets"]);

async function serve(
  services: [unknown, Record<string, Handler>][],
): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  for (const [definition, implementation] of services)
    server.addService(definition as never, implementation as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { server, port };
}

/** Runs dist/index.js through Pulumi's language-host entry with a stack's config. */
async function runThroughLanguageHost(
  stack: string,
  config: Record<string, string>,
  secretKeys: string[],
  /** The e-mails PagerDuty knows; the stack's declared existing users by default. */
  knownUsers: ReadonlySet<string> = declaredExistingUsers(stack),
): Promise<Run> {
  const resources: Registered[] = [];
  const logs: string[] = [];
  let root = "";
  const monitor = await serve([
    [
      resourceGrpc.ResourceMonitorService,
      {
        supportsFeature: (call, done) => {
          const reply = new resourcePb.SupportsFeatureResponse();
          reply.setHassupport(FEATURES.has(String(call.request.getId())));
          done(null, reply);
        },
        registerResource: (call, done) => {
          const request = call.request;
          const type = String(request.getType());
          const name = String(request.getName());
          const parent = String(request.getParent() ?? "");
          resources.push({ type, name, parent });
          const reply = new resourcePb.RegisterResourceResponse();
          reply.setUrn(`urn:pulumi:${stack}::${PROJECT}::${type}::${name}`);
          if (request.getCustom()) {
            reply.setId(`${name}-id`);
            const inputs = (request.getObject() as Struct | undefined)?.toJavaScript() ?? {};
            reply.setObject(
              Struct.fromJavaScript({ ...providerState(type, inputs), ...mockOutputs(type, name) } as never),
            );
          }
          done(null, reply);
        },
        registerResourceOutputs: (_call, done) => done(null, new Empty()),
        invoke: (call, done) => {
          // PagerDuty's user lookup answers as the provider does: an id for a person the account
          // knows, and for anyone else the error its data source returns.
          const args = ((call.request.getArgs() as Struct | undefined)?.toJavaScript() ?? {}) as Record<
            string,
            unknown
          >;
          const answer = answerLookup(String(call.request.getTok()), args, () => knownUsers);
          if (!answer) {
            done(
              Object.assign(new Error(`Unable to locate any user with the email: ${String(args.email)}`), {
                code: grpc.status.UNKNOWN,
              }),
            );
            return;
          }
          const reply = new providerPb.InvokeResponse();
          reply.setReturn(Struct.fromJavaScript(answer as never));
          done(null, reply);
        },
        signalAndWaitForShutdown: (_call, done) => done(null, new Empty()),
      },
    ],
  ]);
  const engine = await serve([
    [
      engineGrpc.EngineService,
      {
        log: (call, done) => {
          logs.push(`${call.request.getSeverity()}: ${call.request.getMessage()}`);
          done(null, new Empty());
        },
        getRootResource: (_call, done) => {
          const reply = new enginePb.GetRootResourceResponse();
          reply.setUrn(root);
          done(null, reply);
        },
        setRootResource: (call, done) => {
          root = String(call.request.getUrn());
          done(null, new enginePb.SetRootResourceResponse());
        },
      },
    ],
  ]);
  try {
    const entry = path.join(PROJECT_DIR, "node_modules", "@pulumi", "pulumi", "cmd", "run");
    const child = spawn(
      process.execPath,
      [
        entry,
        `--monitor=127.0.0.1:${monitor.port}`,
        `--engine=127.0.0.1:${engine.port}`,
        `--project=${PROJECT}`,
        `--stack=${stack}`,
        `--pwd=${PROJECT_DIR}`,
        "dist/index.js",
      ],
      {
        cwd: PROJECT_DIR,
        stdio: "pipe",
        env: {
          ...process.env,
          PULUMI_CONFIG: JSON.stringify(config),
          PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys),
        },
      },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.resume();
    const exitCode = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    return { exitCode, resources, logs, stderr };
  } finally {
    monitor.server.forceShutdown();
    engine.server.forceShutdown();
  }
}

function declaredExistingUsers(stack: string): ReadonlySet<string> {
  const file = stackFileWithTestSecrets(stack);
  const { plan } = compileRouting({ stack, stackFile: file.file, config: file.values });
  return new Set(firstUpNeeds(plan).lookedUpUsers.map((email) => email.toLowerCase()));
}

/** The stack file's values as the language host hands them over: `project:key` → text. */
function configOf(stack: string, change: (values: Record<string, unknown>) => void = () => undefined) {
  const file = stackFileWithTestSecrets(stack);
  const values = structuredClone(file.values);
  change(values);
  const config = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      `${PROJECT}:${key}`,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
  return { config, secretKeys: [...file.secretKeys].map((key) => `${PROJECT}:${key}`) };
}

describe("the program under Pulumi's own language-host entry", () => {
  let hosted: Run;
  let rendered: Registered[];

  before(async () => {
    const { config, secretKeys } = configOf("prod");
    hosted = await runThroughLanguageHost("prod", config, secretKeys);
    rendered = (await runStack("prod")).resources.map((resource) => ({
      type: resource.type,
      name: resource.name,
      parent: "",
    }));
  });

  it("runs dist/index.js to the end", () => {
    assert.equal(hosted.exitCode, 0, `${hosted.stderr}\n${hosted.logs.join("\n")}`);
  });

  it("declares the resources the offline render declares, and the stack", () => {
    const key = (resource: Registered) => `${resource.type}::${resource.name}`;
    const declared = hosted.resources.filter((resource) => resource.type !== "pulumi:pulumi:Stack");
    const custom = new Set(rendered.map(key));
    assert.deepEqual(
      declared
        .filter((resource) => custom.has(key(resource)))
        .map(key)
        .sort(),
      [...custom].sort(),
    );
    assert.equal(hosted.resources.filter((resource) => resource.type === "pulumi:pulumi:Stack").length, 1);
  });

  it("fails as the provider does when PagerDuty does not know a person the stack looks up", async () => {
    const { config, secretKeys } = configOf("prod");
    const known = new Set(declaredExistingUsers("prod"));
    assert.ok(known.delete("ceo@callsphere.example"), "prod looks the CEO up");
    const missing = await runThroughLanguageHost("prod", config, secretKeys, known);
    assert.notEqual(missing.exitCode, 0);
    assert.match(
      `${missing.logs.join("\n")}\n${missing.stderr}`,
      /Unable to locate any user with the email: ceo@callsphere\.example/,
    );
  });

  it("stops on bad input with the file, path and field, before it declares anything", async () => {
    const { config, secretKeys } = configOf("prod", (values) => {
      (values.alertmanager as Record<string, unknown>).resolveTimeout = "soon";
    });
    const bad = await runThroughLanguageHost("prod", config, secretKeys);
    assert.notEqual(bad.exitCode, 0);
    const messages = bad.logs.join("\n");
    assert.match(messages, /Pulumi\.prod\.yaml: agent-alert-routing:alertmanager\.resolveTimeout: "soon"/);
    assert.doesNotMatch(messages, /\n\s+at /, "a stack trace was shown");
    assert.deepEqual(
      bad.resources.filter((resource) => resource.type !== "pulumi:pulumi:Stack"),
      [],
    );
  });
});
