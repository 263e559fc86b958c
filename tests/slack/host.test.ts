// The Slack channel provider as `pulumi up` runs it: serialised by Pulumi's closure serialiser, as a
// dynamic resource does, then loaded by Pulumi's own dynamic-provider host (the process the engine
// starts) and driven over its gRPC interface through create, read, diff, update and delete against
// the Slack Web API stand-in.
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { slackChannelProvider } from "../../components/slack/provider";
import { type StartedEntry, startPulumiEntry } from "../support/pulumiEntry";
import { PROJECT_DIR } from "../support/tools";
import { SlackStandIn } from "./slackStandIn";

// Pulumi's generated stubs and its closure serialiser, from the installed @pulumi/pulumi (untyped).
const providerPb = require("@pulumi/pulumi/proto/provider_pb");
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure") as {
  serializeFunction(func: () => unknown, options: { allowSecrets: boolean }): Promise<{ text: string }>;
};

const TOKEN = "xoxb-7777-8888-host-test";
const URN = "urn:pulumi:test::agent-alert-routing::pulumi-nodejs:dynamic:Resource::oncall-platform";

type Call = (request: unknown, callback: (error: Error | null, response: unknown) => void) => void;
type Client = Record<"configure" | "create" | "read" | "diff" | "update" | "delete", Call> & {
  close(): void;
};

const struct = (value: object) => Struct.fromJavaScript(value as Record<string, never>);

describe("the Slack channel provider in Pulumi's dynamic-provider host", () => {
  const slack = new SlackStandIn([TOKEN]);
  let host: StartedEntry | undefined;
  let client: Client;
  let serialised: string;

  before(async () => {
    serialised = (await serializeFunction(() => slackChannelProvider, { allowSecrets: true })).text;
    await slack.start();
    host = await startPulumiEntry(
      path.join(PROJECT_DIR, "node_modules", "@pulumi", "pulumi"),
      "dynamic-provider",
      ["127.0.0.1:0"],
      PROJECT_DIR,
    );
    client = new providerGrpc.ResourceProviderClient(
      `127.0.0.1:${host.port}`,
      grpc.credentials.createInsecure(),
    ) as Client;
    const configure = new providerPb.ConfigureRequest();
    configure.setArgs(struct({}));
    await ask("configure", configure);
  });

  after(async () => {
    client?.close();
    host?.child.kill("SIGKILL");
    await slack.stop();
  });

  const ask = <T>(method: keyof Client & string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) =>
      (client[method] as Call).call(client, request, (error, response) =>
        error ? reject(error) : resolve(response as T),
      ),
    );

  const inputs = (fields: Record<string, string>) => ({
    __provider: serialised,
    token: TOKEN,
    apiUrl: slack.apiUrl,
    purpose: "",
    ...fields,
  });

  it("captures no client object, only code and constants", () => {
    assert.doesNotMatch(serialised, /WebClient\s*\{/);
    assert.match(serialised, /require\("@slack\/web-api"\)/);
  });

  it("creates, reads, diffs, updates and deletes a channel through the host", async () => {
    const create = new providerPb.CreateRequest();
    create.setUrn(URN);
    create.setProperties(struct(inputs({ name: "oncall-platform", topic: "Pages" })));
    const created = await ask<{ getId(): string; getProperties(): Struct }>("create", create);
    const id = created.getId();
    const state = created.getProperties().toJavaScript() as Record<string, unknown>;
    assert.equal(state.channelId, id);
    assert.equal(slack.channels.find((channel) => channel.id === id)?.topic, "Pages");

    const read = new providerPb.ReadRequest();
    read.setId(id);
    read.setUrn(URN);
    read.setProperties(struct(state));
    const found = await ask<{ getId(): string; getProperties(): Struct }>("read", read);
    assert.equal(found.getId(), id);
    assert.equal((found.getProperties().toJavaScript() as Record<string, unknown>).name, "oncall-platform");

    const renamed = inputs({ name: "oncall-platform-2", topic: "Pages" });
    const diff = new providerPb.DiffRequest();
    diff.setId(id);
    diff.setUrn(URN);
    diff.setOlds(struct(state));
    diff.setNews(struct(renamed));
    const changes = await ask<{ getChanges(): number; getReplacesList(): string[] }>("diff", diff);
    assert.equal(changes.getChanges(), providerPb.DiffResponse.DiffChanges.DIFF_SOME);
    assert.deepEqual(changes.getReplacesList(), []);

    const update = new providerPb.UpdateRequest();
    update.setId(id);
    update.setUrn(URN);
    update.setOlds(struct(state));
    update.setNews(struct(renamed));
    const updated = await ask<{ getProperties(): Struct }>("update", update);
    assert.equal(
      (updated.getProperties().toJavaScript() as Record<string, unknown>).name,
      "oncall-platform-2",
    );
    assert.equal(slack.channels.find((channel) => channel.id === id)?.name, "oncall-platform-2");

    const remove = new providerPb.DeleteRequest();
    remove.setId(id);
    remove.setUrn(URN);
    remove.setProperties(struct({ ...renamed, channelId: id }));
    await ask("delete", remove);
    assert.equal(slack.channels.find((channel) => channel.id === id)?.is_archived, true);
  });
});
