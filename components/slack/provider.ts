// The dynamic provider behind SlackChannel. Pulumi serialises it into the stack's state and runs it in
// its own process, so its methods load @slack/web-api themselves and reach only plain functions and
// constants of these modules.
import type * as pulumi from "@pulumi/pulumi";
import type { RetryOptions, WebClient } from "@slack/web-api";
import { failureCode, slackFailure } from "./errors";

export interface SlackChannelInputs {
  name: string;
  /** Left as Slack has it when absent; "" clears it. */
  topic?: string;
  purpose?: string;
  token: string;
  apiUrl?: string;
}

export interface SlackChannelState extends SlackChannelInputs {
  channelId: string;
}

export type SlackChannelProvider = pulumi.dynamic.ResourceProvider<SlackChannelInputs, SlackChannelState>;

interface Channel {
  id: string;
  name: string;
  topic: string;
  purpose: string;
  isArchived: boolean;
  isMember: boolean;
}

/** The fields of Slack's channel object this provider reads. */
interface SlackChannelObject {
  id?: string;
  name?: string;
  topic?: { value?: string };
  purpose?: { value?: string };
  is_archived?: boolean;
  is_member?: boolean;
}

interface Session {
  client: WebClient;
  /** The channel's name, for error messages. */
  channel: string;
  token: string;
}

const SLACK_API_URL = "https://slack.com/api/";

// The client sleeps for Slack's Retry-After inside each attempt; this backoff comes on top of it and
// spaces retries of 5xx and network errors. The client's own default retries for about 30 minutes,
// which would leave `pulumi up` hanging with no word.
const DEFAULT_RETRY: RetryOptions = {
  retries: 3,
  factor: 2,
  minTimeout: 500,
  maxTimeout: 5_000,
  randomize: true,
};

// Only these differ between what is declared and what Slack has; the token and URL only reach it.
const MANAGED = ["name", "topic", "purpose"] as const;

function openSession(
  connection: Pick<SlackChannelInputs, "token" | "apiUrl">,
  channel: string,
  retryConfig: RetryOptions,
): Session {
  // Required here rather than imported: this runs inside the serialised provider.
  const slack: typeof import("@slack/web-api") = require("@slack/web-api");
  const client = new slack.WebClient(connection.token, {
    slackApiUrl: connection.apiUrl || SLACK_API_URL,
    retryConfig,
    logLevel: slack.LogLevel.ERROR,
    rejectRateLimitedCalls: false,
  });
  return { client, channel, token: connection.token };
}

async function call<T>(session: Session, method: string, run: (client: WebClient) => Promise<T>): Promise<T> {
  try {
    return await run(session.client);
  } catch (error) {
    throw slackFailure(method, session.channel, error, session.token);
  }
}

function toChannel(method: string, session: Session, channel: SlackChannelObject | undefined): Channel {
  if (channel?.id === undefined) {
    throw new Error(`Slack ${method} for channel "${session.channel}" answered without a channel id`);
  }
  return {
    id: channel.id,
    name: channel.name ?? session.channel,
    topic: channel.topic?.value ?? "",
    purpose: channel.purpose?.value ?? "",
    isArchived: channel.is_archived === true,
    isMember: channel.is_member === true,
  };
}

async function findChannelByName(session: Session, name: string): Promise<Channel | undefined> {
  let cursor: string | undefined;
  do {
    const page = await call(session, "conversations.list", (client) =>
      client.conversations.list({ types: "public_channel", exclude_archived: false, limit: 200, cursor }),
    );
    const found = page.channels?.find((channel) => channel.name === name);
    if (found) return toChannel("conversations.list", session, found);
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return undefined;
}

async function createOrAdopt(session: Session, name: string): Promise<Channel> {
  try {
    const created = await call(session, "conversations.create", (client) =>
      client.conversations.create({ name }),
    );
    return toChannel("conversations.create", session, created.channel);
  } catch (error) {
    // A retried `pulumi up`, a deleted-then-recreated resource or a channel made by hand: the name is
    // the channel's identity, so take the existing one over instead of failing.
    if (failureCode(error) !== "name_taken") throw error;
  }
  const existing = await findChannelByName(session, name);
  if (!existing) {
    throw new Error(
      `Slack conversations.create for channel "${name}" failed: name_taken (the channel exists but ` +
        "conversations.list does not show it, so it is probably private; rename it or choose another name)",
    );
  }
  const { id } = existing;
  if (existing.isArchived) {
    await call(session, "conversations.unarchive", (client) =>
      client.conversations.unarchive({ channel: id }),
    );
  }
  // Setting a topic or purpose needs membership, which creating gives but adopting does not.
  if (!existing.isMember) {
    await call(session, "conversations.join", (client) => client.conversations.join({ channel: id }));
  }
  return { ...existing, isArchived: false, isMember: true };
}

/** Sets the declared topic and purpose where they differ; returns what the channel then has. */
async function settleTopicAndPurpose(
  session: Session,
  current: Pick<Channel, "id" | "topic" | "purpose">,
  wanted: Pick<SlackChannelInputs, "topic" | "purpose">,
): Promise<Pick<Channel, "topic" | "purpose">> {
  const { id } = current;
  const { topic, purpose } = wanted;
  // Slack posts a notice in the channel on every change, so an unchanged value is not sent again.
  if (topic !== undefined && topic !== current.topic) {
    await call(session, "conversations.setTopic", (client) =>
      client.conversations.setTopic({ channel: id, topic }),
    );
  }
  if (purpose !== undefined && purpose !== current.purpose) {
    await call(session, "conversations.setPurpose", (client) =>
      client.conversations.setPurpose({ channel: id, purpose }),
    );
  }
  return { topic: topic ?? current.topic, purpose: purpose ?? current.purpose };
}

function stateOf(
  inputs: SlackChannelInputs,
  channelId: string,
  settled: Pick<Channel, "topic" | "purpose">,
): SlackChannelState {
  const { name, token, apiUrl } = inputs;
  return { name, topic: settled.topic, purpose: settled.purpose, channelId, token, apiUrl };
}

/** A rename is an in-place update (the channel keeps its id and history); nothing ever replaces it. */
export function diffChannel(olds: SlackChannelState, news: SlackChannelInputs): pulumi.dynamic.DiffResult {
  const changed = MANAGED.some((key) => news[key] !== undefined && news[key] !== olds[key]);
  const reconnected = news.token !== olds.token || (news.apiUrl ?? "") !== (olds.apiUrl ?? "");
  return {
    changes: changed || reconnected,
    replaces: [],
    stables: ["channelId"],
    deleteBeforeReplace: false,
  };
}

/** A provider whose client retries by `retryConfig`; tests pass a policy without backoff. */
export function createSlackChannelProvider(retryConfig: RetryOptions = DEFAULT_RETRY): SlackChannelProvider {
  return {
    async diff(_id, olds, news) {
      return diffChannel(olds, news);
    },

    async create(inputs) {
      const session = openSession(inputs, inputs.name, retryConfig);
      const channel = await createOrAdopt(session, inputs.name);
      const settled = await settleTopicAndPurpose(session, channel, inputs);
      return { id: channel.id, outs: stateOf(inputs, channel.id, settled) };
    },

    async read(id, props) {
      if (!props) throw new Error(`Slack channel ${id} cannot be imported: its state holds the token`);
      const session = openSession(props, props.name, retryConfig);
      let channel: Channel;
      try {
        const info = await call(session, "conversations.info", (client) =>
          client.conversations.info({ channel: id }),
        );
        channel = toChannel("conversations.info", session, info.channel);
      } catch (error) {
        if (failureCode(error) === "channel_not_found") return {};
        throw error;
      }
      // Archiving is how this provider deletes, so an archived channel no longer exists for Pulumi.
      if (channel.isArchived) return {};
      const { name, topic, purpose } = channel;
      return { id, props: { ...props, name, topic, purpose, channelId: id } };
    },

    async update(id, olds, news) {
      const session = openSession(news, news.name, retryConfig);
      if (news.name !== olds.name) {
        const { name } = news;
        await call(session, "conversations.rename", (client) =>
          client.conversations.rename({ channel: id, name }),
        );
      }
      const current = { id, topic: olds.topic ?? "", purpose: olds.purpose ?? "" };
      const settled = await settleTopicAndPurpose(session, current, news);
      return { outs: stateOf(news, id, settled) };
    },

    async delete(id, props) {
      const session = openSession(props, props.name, retryConfig);
      try {
        await call(session, "conversations.archive", (client) =>
          client.conversations.archive({ channel: id }),
        );
      } catch (error) {
        // Archived or gone, the channel is no longer live, which is all delete promises.
        const code = failureCode(error);
        if (code !== "already_archived" && code !== "channel_not_found") throw error;
      }
    },
  };
}

export const slackChannelProvider: SlackChannelProvider = createSlackChannelProvider();
