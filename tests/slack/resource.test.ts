// SlackChannel under Pulumi's mock engine: what the engine receives, and that the provider it carries
// still works once deserialised the way Pulumi's dynamic provider host does it. One file, one
// process: the mock runtime is global.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as vm from "node:vm";
import * as pulumi from "@pulumi/pulumi";
import type { SlackChannelProvider } from "../../components/slack/provider";
import { SlackStandIn } from "./slackStandIn";

// The marker the Pulumi runtime puts on a serialised secret.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const TOKEN = "xoxb-5555-6666-mock-secret";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

interface RegisterRequest {
  getName(): string;
  getAdditionalsecretoutputsList(): string[];
}
interface MonitorWithRegister {
  registerResource(request: RegisterRequest, callback: (...args: unknown[]) => void): void;
}

const registered: Registered[] = [];
const secretOutputs = new Map<string, string[]>();
let channel: { channelId: pulumi.Output<string>; name: pulumi.Output<string> };

const settled = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((resolve) => output.apply(resolve));

before(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
        });
        return { id: "C0MOCK001", state: { ...args.inputs, channelId: "C0MOCK001" } };
      },
      call: (args) => args.inputs,
    },
    "agent-alert-routing",
    "test",
    false,
  );
  // The mocks are not shown the resource options; the monitor's request carries them.
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegister;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    secretOutputs.set(request.getName(), request.getAdditionalsecretoutputsList());
    register(request, callback);
  };
  // Imported only now, so that the resource meets the mock runtime.
  const { SlackChannel } = await import("../../components/slack/slackChannel");
  channel = new SlackChannel("oncall-platform", {
    name: "oncall-platform",
    topic: "Pages for the platform team",
    token: TOKEN,
  });
  await settled(channel.channelId);
});

after(() => pulumi.runtime.disconnect());

function provider(): string {
  const serialised = registered[0].inputs.__provider;
  assert.equal(typeof serialised, "string");
  return serialised as string;
}

describe("SlackChannel under the mock engine", () => {
  it("is a dynamic resource with a serialised provider, a secret token and a plain channel id", async () => {
    assert.equal(registered.length, 1);
    const [resource] = registered;
    assert.equal(resource.type, "pulumi-nodejs:dynamic:Resource");
    assert.equal(resource.name, "oncall-platform");
    assert.match(provider(), /conversations\.create/);
    assert.equal(resource.inputs.name, "oncall-platform");
    assert.equal(resource.inputs.topic, "Pages for the platform team");
    assert.deepEqual(resource.inputs.token, { [SIG_KEY]: SECRET_SIG, value: TOKEN });
    assert.deepEqual(secretOutputs.get("oncall-platform"), ["token"]);
    assert.equal(await settled(channel.channelId), "C0MOCK001");
    assert.equal(await pulumi.isSecret(channel.channelId), false);
    assert.equal(await settled(channel.name), "oncall-platform");
  });

  it("carries a provider that works once deserialised, as Pulumi's provider host loads it", async () => {
    // Pulumi's host compiles the text as a module that resolves packages from the program's folder.
    const exports: { handler?: () => SlackChannelProvider } = {};
    const compile = vm.runInThisContext(`(function (exports, require, module) {\n${provider()}\n})`) as (
      exports: object,
      require: NodeJS.Require,
      module: object,
    ) => void;
    compile(exports, createRequire(path.join(__dirname, "..", "..", "index.ts")), { exports });
    assert.ok(exports.handler);
    const deserialised = exports.handler();

    const slack = new SlackStandIn([TOKEN]);
    await slack.start();
    try {
      const inputs = { name: "oncall-platform", topic: "Pages", token: TOKEN, apiUrl: slack.apiUrl };
      const { id, outs } = await deserialised.create(inputs);
      assert.equal(outs?.channelId, id);
      assert.equal((await deserialised.create(inputs)).id, id);
      await deserialised.delete?.(id, { ...inputs, channelId: id });
      assert.deepEqual(slack.channels, [
        { id, name: "oncall-platform", topic: "Pages", purpose: "", is_archived: true, is_member: true },
      ]);
    } finally {
      await slack.stop();
    }
  });
});
