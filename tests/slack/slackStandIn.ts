// A stand-in for the Slack Web API on 127.0.0.1: the conversations.* methods the provider calls, over
// one in-memory workspace, answering as Slack does, and recording every request it received.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

export interface StandInChannel {
  id: string;
  name: string;
  topic: string;
  purpose: string;
  is_archived: boolean;
  is_member: boolean;
}

export interface RecordedRequest {
  /** The Web API method, e.g. "conversations.create". */
  method: string;
  params: Record<string, string>;
  /** The bearer token, absent when the request carried none. */
  token?: string;
  status: number;
  /** When the request arrived, in milliseconds on a monotonic clock. */
  at: number;
}

type Answer = Record<string, unknown>;

const NAME = /^[a-z0-9_-]{1,80}$/;
const MAX_TEXT = 250;

export class SlackStandIn {
  readonly channels: StandInChannel[] = [];
  readonly requests: RecordedRequest[] = [];
  /** The root the provider's `apiUrl` points at, set by `start`. */
  apiUrl = "";
  readonly tokens: Set<string>;
  private readonly rateLimits = new Map<string, number>();
  private readonly failures = new Map<string, Answer>();
  private readonly server = http.createServer((request, response) => this.serve(request, response));
  private nextId = 1;

  /** `pageSize` is small so that conversations.list is paginated even in a small workspace. */
  constructor(
    tokens: readonly string[],
    private readonly pageSize = 2,
  ) {
    this.tokens = new Set(tokens);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.apiUrl = `http://127.0.0.1:${port}/api/`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  /** Empties the workspace, the request log and any planned rate limits or failures. */
  reset(): void {
    this.channels.length = 0;
    this.requests.length = 0;
    this.rateLimits.clear();
    this.failures.clear();
  }

  addChannel(channel: Partial<StandInChannel> & { name: string }): StandInChannel {
    const added = {
      topic: "",
      purpose: "",
      is_archived: false,
      is_member: true,
      id: this.newId(),
      ...channel,
    };
    this.channels.push(added);
    return added;
  }

  channel(id: string): StandInChannel | undefined {
    return this.channels.find((channel) => channel.id === id);
  }

  /** Answers `method` with HTTP 429 and `Retry-After: 1` the next `times` times. */
  rateLimit(method: string, times = Number.POSITIVE_INFINITY): void {
    this.rateLimits.set(method, times);
  }

  /** Answers the next call of `method` with `{ ok: false, error, ...extra }`. */
  failNext(method: string, error: string, extra: Answer = {}): void {
    this.failures.set(method, { ...extra, error });
  }

  /** The methods called, in order. */
  methods(): string[] {
    return this.requests.map((request) => request.method);
  }

  calls(method: string): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method);
  }

  private newId(): string {
    return `C${String(this.nextId++).padStart(8, "0")}`;
  }

  private serve(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const at = performance.now();
      const method = (request.url ?? "").replace(/^\/api\//, "").split("?")[0];
      const params = parseBody(Buffer.concat(chunks).toString("utf8"), request.headers["content-type"]);
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      const limited = this.rateLimits.get(method) ?? 0;
      const status = request.method === "POST" && limited > 0 ? 429 : 200;
      this.requests.push({ method, params, token, status, at });
      if (status === 429) {
        this.rateLimits.set(method, limited - 1);
        response.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
        response.end(JSON.stringify({ ok: false, error: "ratelimited" }));
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(this.answer(method, params, token)));
    });
  }

  private answer(method: string, params: Record<string, string>, token: string | undefined): Answer {
    if (token === undefined) return { ok: false, error: "not_authed" };
    if (!this.tokens.has(token)) return { ok: false, error: "invalid_auth" };
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      return { ok: false, ...failure };
    }
    const handler = this.handlers[method];
    if (!handler) return { ok: false, error: "unknown_method" };
    const result = handler(params);
    return typeof result === "string" ? { ok: false, error: result } : { ok: true, ...result };
  }

  // Each answers an error code, or the fields of a successful answer.
  private readonly handlers: Record<string, (params: Record<string, string>) => string | Answer> = {
    "conversations.create": ({ name = "" }) => {
      const problem = nameProblem(name);
      if (problem) return problem;
      // Slack keeps an archived channel's name taken.
      if (this.channels.some((channel) => channel.name === name)) return "name_taken";
      return { channel: view(this.addChannel({ name })) };
    },
    "conversations.list": ({ cursor, exclude_archived, types = "public_channel" }) => {
      if (!types.split(",").includes("public_channel")) return { channels: [], response_metadata: {} };
      const listed = this.channels.filter((channel) => exclude_archived !== "true" || !channel.is_archived);
      const start = cursor
        ? Number(Buffer.from(cursor, "base64").toString("utf8").replace("offset:", ""))
        : 0;
      const end = start + this.pageSize;
      const next = end < listed.length ? Buffer.from(`offset:${end}`).toString("base64") : "";
      return { channels: listed.slice(start, end).map(view), response_metadata: { next_cursor: next } };
    },
    "conversations.info": ({ channel = "" }) => {
      const found = this.channel(channel);
      return found ? { channel: view(found) } : "channel_not_found";
    },
    "conversations.rename": ({ channel = "", name = "" }) =>
      this.change(channel, false, (found) => {
        const taken = this.channels.some((other) => other.name === name && other !== found);
        return nameProblem(name) ?? (taken ? "name_taken" : Object.assign(found, { name }));
      }),
    "conversations.setTopic": ({ channel = "", topic = "" }) =>
      this.change(channel, true, (found) =>
        topic.length > MAX_TEXT ? "too_long" : Object.assign(found, { topic }),
      ),
    "conversations.setPurpose": ({ channel = "", purpose = "" }) =>
      this.change(channel, true, (found) =>
        purpose.length > MAX_TEXT ? "too_long" : Object.assign(found, { purpose }),
      ),
    "conversations.join": ({ channel = "" }) =>
      this.change(channel, false, (found) => Object.assign(found, { is_member: true })),
    "conversations.archive": ({ channel = "" }) => {
      const found = this.channel(channel);
      if (!found) return "channel_not_found";
      if (found.is_archived) return "already_archived";
      found.is_archived = true;
      return {};
    },
    "conversations.unarchive": ({ channel = "" }) => {
      const found = this.channel(channel);
      if (!found) return "channel_not_found";
      if (!found.is_archived) return "not_archived";
      found.is_archived = false;
      return {};
    },
  };

  /** Changes a live channel, which Slack requires; `apply` answers an error code or the changed channel. */
  private change(
    id: string,
    needsMember: boolean,
    apply: (channel: StandInChannel) => string | StandInChannel,
  ): string | Answer {
    const found = this.channel(id);
    if (!found) return "channel_not_found";
    if (found.is_archived) return "is_archived";
    if (needsMember && !found.is_member) return "not_in_channel";
    const changed = apply(found);
    return typeof changed === "string" ? changed : { channel: view(changed) };
  }
}

function nameProblem(name: string): string | undefined {
  if (name === "") return "invalid_name_required";
  if (name.length > 80) return "invalid_name_maxlength";
  return NAME.test(name) ? undefined : "invalid_name_specials";
}

function view(channel: StandInChannel): Answer {
  const { id, name, topic, purpose, is_archived, is_member } = channel;
  return {
    id,
    name,
    is_channel: true,
    is_archived,
    is_member,
    topic: { value: topic, creator: "", last_set: 0 },
    purpose: { value: purpose, creator: "", last_set: 0 },
  };
}

function parseBody(body: string, contentType: string | undefined): Record<string, string> {
  if (contentType?.startsWith("application/json")) {
    const parsed = JSON.parse(body === "" ? "{}" : body) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).map(([key, value]) => [
        key,
        typeof value === "string" ? value : JSON.stringify(value),
      ]),
    );
  }
  return Object.fromEntries(new URLSearchParams(body));
}
