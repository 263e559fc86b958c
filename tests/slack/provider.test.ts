// The Slack channel provider against a local stand-in for the Web API: what it asks Slack for, how
// it adopts, retries and fails, and that its errors say what to do without showing the token.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  createSlackChannelProvider,
  diffChannel,
  type SlackChannelInputs,
  type SlackChannelState,
} from "../../components/slack/provider";
import { SlackStandIn } from "./slackStandIn";

const TOKEN = "xoxb-1111-2222-standin-secret";
const ROTATED_TOKEN = "xoxb-3333-4444-rotated-secret";
const slack = new SlackStandIn([TOKEN, ROTATED_TOKEN]);
// No backoff on top of Slack's Retry-After, so a rate-limited test waits only the 1 s Slack asks for.
const provider = createSlackChannelProvider({ retries: 2, minTimeout: 0, maxTimeout: 0 });

const inputs = (overrides: Partial<SlackChannelInputs> = {}): SlackChannelInputs => ({
  name: "oncall-platform",
  token: TOKEN,
  apiUrl: slack.apiUrl,
  ...overrides,
});

async function created(overrides: Partial<SlackChannelInputs> = {}) {
  const result = await provider.create(inputs(overrides));
  assert.ok(result.outs);
  return { id: result.id, outs: result.outs };
}

async function rejection(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail("expected the call to fail");
}

before(() => slack.start());
after(() => slack.stop());
beforeEach(() => slack.reset());

describe("create", () => {
  it("creates the channel, sets topic and purpose, and returns the id and state", async () => {
    const { id, outs } = await created({ topic: "Pages for the platform team", purpose: "Alerts" });
    assert.deepEqual(slack.channels, [
      {
        id,
        name: "oncall-platform",
        topic: "Pages for the platform team",
        purpose: "Alerts",
        is_archived: false,
        is_member: true,
      },
    ]);
    assert.deepEqual(outs, {
      name: "oncall-platform",
      topic: "Pages for the platform team",
      purpose: "Alerts",
      channelId: id,
      token: TOKEN,
      apiUrl: slack.apiUrl,
    });
    assert.deepEqual(slack.methods(), [
      "conversations.create",
      "conversations.setTopic",
      "conversations.setPurpose",
    ]);
    assert.deepEqual(slack.calls("conversations.create")[0].params, { name: "oncall-platform" });
    assert.deepEqual(slack.calls("conversations.setTopic")[0].params, {
      channel: id,
      topic: "Pages for the platform team",
    });
    assert.ok(slack.requests.every((request) => request.token === TOKEN));
  });

  it("sends only conversations.create when no topic or purpose is declared", async () => {
    const { outs } = await created();
    assert.deepEqual(slack.methods(), ["conversations.create"]);
    assert.equal(outs.topic, "");
  });

  it("adopts the channel whose name is taken, searching every page, creating no duplicate", async () => {
    for (const name of ["general", "random", "oncall-voice", "oncall-chat"]) slack.addChannel({ name });
    const existing = slack.addChannel({ name: "oncall-platform", topic: "Pages" });
    const { id, outs } = await created({ topic: "Pages" });
    assert.equal(id, existing.id);
    assert.equal(outs.channelId, existing.id);
    assert.equal(slack.channels.filter((channel) => channel.name === "oncall-platform").length, 1);
    // The topic already matches, so Slack is not asked to set it (and post a notice) again.
    assert.deepEqual(slack.methods(), [
      "conversations.create",
      "conversations.list",
      "conversations.list",
      "conversations.list",
    ]);
    const [first, second, third] = slack.calls("conversations.list");
    assert.deepEqual(first.params, { types: "public_channel", exclude_archived: "false", limit: "200" });
    assert.ok(second.params.cursor);
    assert.notEqual(third.params.cursor, second.params.cursor);
  });

  it("unarchives and joins an adopted channel that was archived", async () => {
    const archived = slack.addChannel({ name: "oncall-platform", is_archived: true, is_member: false });
    const { id } = await created({ topic: "Pages" });
    assert.equal(id, archived.id);
    assert.deepEqual(slack.channel(id), { ...archived, is_archived: false, is_member: true, topic: "Pages" });
    assert.deepEqual(slack.methods(), [
      "conversations.create",
      "conversations.list",
      "conversations.unarchive",
      "conversations.join",
      "conversations.setTopic",
    ]);
    assert.deepEqual(slack.calls("conversations.unarchive")[0].params, { channel: id });
  });

  it("yields the same channel id when run twice for the same name", async () => {
    const first = await created({ topic: "Pages" });
    const second = await created({ topic: "Pages" });
    assert.equal(second.id, first.id);
    assert.deepEqual(second.outs, first.outs);
    assert.equal(slack.channels.length, 1);
    assert.equal(slack.calls("conversations.setTopic").length, 1);
  });

  it("says so when the taken name belongs to a channel it cannot list", async () => {
    slack.failNext("conversations.create", "name_taken");
    const error = await rejection(() => provider.create(inputs()));
    assert.match(
      error.message,
      /^Slack conversations\.create for channel "oncall-platform" failed: name_taken \(/,
    );
    assert.match(error.message, /probably private/);
  });
});

describe("read", () => {
  it("reports the channel's current name, topic and purpose", async () => {
    const { id, outs } = await created({ topic: "Pages" });
    Object.assign(slack.channel(id) ?? {}, {
      name: "oncall-platform-old",
      topic: "Changed by hand",
      purpose: "Why",
    });
    const result = await provider.read?.(id, outs);
    assert.deepEqual(result, {
      id,
      props: {
        ...outs,
        name: "oncall-platform-old",
        topic: "Changed by hand",
        purpose: "Why",
        channelId: id,
      },
    });
    assert.deepEqual(slack.calls("conversations.info")[0].params, { channel: id });
  });

  it("reports an archived or missing channel as gone", async () => {
    const { id, outs } = await created();
    await provider.delete?.(id, outs);
    assert.deepEqual(await provider.read?.(id, outs), {});
    assert.deepEqual(await provider.read?.("C99999999", outs), {});
  });
});

describe("update", () => {
  it("renames in place and sets a changed topic and purpose", async () => {
    const { id, outs } = await created({ topic: "Pages", purpose: "Alerts" });
    slack.requests.length = 0;
    const news = inputs({ name: "oncall-platform-eu", topic: "Pages (EU)", purpose: "Alerts (EU)" });
    const result = await provider.update?.(id, outs, news);
    assert.deepEqual(result?.outs, { ...news, channelId: id });
    assert.deepEqual(slack.channels, [
      {
        id,
        name: "oncall-platform-eu",
        topic: "Pages (EU)",
        purpose: "Alerts (EU)",
        is_archived: false,
        is_member: true,
      },
    ]);
    assert.deepEqual(slack.methods(), [
      "conversations.rename",
      "conversations.setTopic",
      "conversations.setPurpose",
    ]);
    assert.deepEqual(slack.calls("conversations.rename")[0].params, {
      channel: id,
      name: "oncall-platform-eu",
    });
  });

  it("calls nothing when only the token changed, and keeps the new token", async () => {
    const { id, outs } = await created({ topic: "Pages" });
    slack.requests.length = 0;
    const result = await provider.update?.(id, outs, inputs({ topic: "Pages", token: ROTATED_TOKEN }));
    assert.deepEqual(slack.requests, []);
    assert.equal(result?.outs?.token, ROTATED_TOKEN);
  });

  it("does not adopt on a rename to a taken name: it says what to do", async () => {
    slack.addChannel({ name: "oncall-voice" });
    const { id, outs } = await created();
    const error = await rejection(async () => provider.update?.(id, outs, inputs({ name: "oncall-voice" })));
    assert.equal(
      error.message,
      'Slack conversations.rename for channel "oncall-voice" failed: name_taken ' +
        "(another channel already has that name; rename or archive that channel first)",
    );
  });
});

describe("delete", () => {
  it("archives the channel", async () => {
    const { id, outs } = await created();
    await provider.delete?.(id, outs);
    assert.equal(slack.channel(id)?.is_archived, true);
    assert.deepEqual(slack.calls("conversations.archive")[0].params, { channel: id });
  });

  it("succeeds when run twice, and for a channel that is gone", async () => {
    const { id, outs } = await created();
    await provider.delete?.(id, outs);
    await provider.delete?.(id, outs);
    await provider.delete?.("C99999999", outs);
    assert.equal(slack.calls("conversations.archive").length, 3);
    assert.equal(slack.channels.filter((channel) => channel.is_archived).length, 1);
  });
});

describe("errors", () => {
  it("names the operation, the channel, Slack's code and the fix when the token is missing", async () => {
    const error = await rejection(() => provider.create(inputs({ token: "" })));
    assert.equal(
      error.message,
      'Slack conversations.create for channel "oncall-platform" failed: not_authed ' +
        "(the token is missing or invalid; set it with pulumi config set --secret slackToken <xoxb-…>)",
    );
    assert.equal(slack.requests[0].token, undefined);
  });

  it("never shows a wrong token", async () => {
    const wrong = "xoxb-9999-wrong-token-value";
    const error = await rejection(() => provider.create(inputs({ token: wrong })));
    assert.match(
      error.message,
      /conversations\.create for channel "oncall-platform" failed: invalid_auth \(/,
    );
    assert.ok(!`${error.message}\n${error.stack}`.includes(wrong));
    assert.ok(!JSON.stringify(error).includes(wrong));
    assert.equal(slack.requests[0].token, wrong);
  });

  it("names the scope a token lacks", async () => {
    slack.failNext("conversations.create", "missing_scope", {
      needed: "channels:manage",
      provided: "chat:write",
    });
    const error = await rejection(() => provider.create(inputs()));
    assert.equal(
      error.message,
      'Slack conversations.create for channel "oncall-platform" failed: missing_scope ' +
        "(the token lacks a scope; add channels:manage to the Slack app's bot scopes and reinstall it)",
    );
  });

  it("says the API was unreachable, naming the cause", async () => {
    const unreachable = createSlackChannelProvider({ retries: 0 });
    const error = await rejection(() => unreachable.create(inputs({ apiUrl: "http://127.0.0.1:1/api/" })));
    assert.match(
      error.message,
      /^Slack conversations\.create for channel "oncall-platform" failed: unreachable \(/,
    );
    assert.match(error.message, /ECONNREFUSED/);
  });
});

describe("rate limiting", () => {
  it("waits for Retry-After after an HTTP 429, then succeeds", async () => {
    slack.rateLimit("conversations.create", 1);
    const { id } = await created();
    assert.ok(slack.channel(id));
    const [limited, retried] = slack.calls("conversations.create");
    assert.deepEqual([limited.status, retried.status], [429, 200]);
    // Retry-After is whole seconds; a few ms of timer slack on either side is fine.
    const gap = retried.at - limited.at;
    assert.ok(gap >= 990, `the retry came ${gap.toFixed(0)} ms after the 429`);
  });

  it("gives up after the configured retries with an error that says so", async () => {
    slack.rateLimit("conversations.create");
    const error = await rejection(() => provider.create(inputs()));
    assert.equal(
      error.message,
      'Slack conversations.create for channel "oncall-platform" failed: ratelimited ' +
        "(Slack still answered HTTP 429 after 2 retries, each after its Retry-After delay; " +
        "wait a few minutes and run pulumi up again)",
    );
    assert.equal(slack.calls("conversations.create").length, 3);
    assert.deepEqual(slack.channels, []);
  });
});

describe("diff", () => {
  const olds: SlackChannelState = {
    name: "oncall-platform",
    topic: "Pages",
    purpose: "Alerts",
    channelId: "C00000001",
    token: TOKEN,
    apiUrl: "http://127.0.0.1:1/api/",
  };
  const news = (overrides: Partial<SlackChannelInputs> = {}): SlackChannelInputs => {
    const { channelId: _, ...declared } = olds;
    return { ...declared, ...overrides };
  };
  const updates = { replaces: [], stables: ["channelId"], deleteBeforeReplace: false };

  it("reports no change for the same declaration, or for an undeclared topic", () => {
    assert.deepEqual(diffChannel(olds, news()), { changes: false, ...updates });
    assert.deepEqual(diffChannel(olds, news({ topic: undefined, purpose: undefined })), {
      changes: false,
      ...updates,
    });
  });

  it("updates a renamed channel in place", () => {
    assert.deepEqual(diffChannel(olds, news({ name: "oncall-platform-eu" })), { changes: true, ...updates });
    assert.deepEqual(diffChannel(olds, news({ topic: "" })), { changes: true, ...updates });
  });

  it("updates, never replaces, on a token or API URL change alone", () => {
    assert.deepEqual(diffChannel(olds, news({ token: ROTATED_TOKEN })), { changes: true, ...updates });
    assert.deepEqual(diffChannel(olds, news({ apiUrl: undefined })), { changes: true, ...updates });
  });

  it("is what the provider's diff answers", async () => {
    assert.deepEqual(
      await provider.diff?.("C00000001", olds, news({ name: "x" })),
      diffChannel(olds, news({ name: "x" })),
    );
  });
});
