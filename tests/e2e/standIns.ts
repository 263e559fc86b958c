// Local stand-ins for PagerDuty's Events API v2, Slack incoming webhooks, the heartbeat endpoint and
// an SMTP server. Each keeps to the real service's contract, so a payload the real service would
// refuse is refused here too, and each records what it received and when (Date.now(), so arrival
// times compare with Prometheus' clock).
import * as http from "node:http";
import * as net from "node:net";

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function answer(response: http.ServerResponse, status: number, body: unknown): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, {
    "content-type": typeof body === "string" ? "text/plain" : "application/json",
  });
  response.end(text);
}

abstract class HttpStandIn {
  port = 0;
  private server = this.newServer();

  private newServer(): http.Server {
    return http.createServer((request, response) => {
      readBody(request)
        .then((body) => this.serve(request, body, response))
        .catch((error: unknown) => answer(response, 500, String(error)));
    });
  }

  protected abstract serve(request: http.IncomingMessage, body: string, response: http.ServerResponse): void;

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    // Port 0 at first; the same port again when a test brings the service back.
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    // Keep-alive connections would otherwise keep serving a "stopped" service.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server = this.newServer();
  }
}

// --- PagerDuty Events API v2 -------------------------------------------------------------------

export const PAGERDUTY_SEVERITIES = ["critical", "error", "warning", "info"] as const;
const EVENT_ACTIONS = ["trigger", "acknowledge", "resolve"];

export interface PagerDutyEvent {
  at: number;
  /** The HTTP status the stand-in answered with. */
  status: number;
  routingKey: string;
  /** The receiver whose key file held `routingKey`, or undefined for an unknown key. */
  receiver?: string;
  eventAction: string;
  dedupKey: string;
  summary: string;
  severity: string;
  source: string;
  details: Record<string, unknown>;
  errors: string[];
}

/** PagerDuty's checks on an event, as the Events API v2 documents them. */
export function pagerDutyErrors(body: unknown, knownKeys: ReadonlySet<string>): string[] {
  if (!isObject(body)) return ["Event object is invalid"];
  const errors: string[] = [];
  const key = body.routing_key;
  if (typeof key !== "string" || key.length !== 32) errors.push("'routing_key' must be 32 characters");
  else if (!knownKeys.has(key)) errors.push("'routing_key' is not an integration key of this account");
  if (typeof body.event_action !== "string" || !EVENT_ACTIONS.includes(body.event_action))
    errors.push("'event_action' must be one of trigger, acknowledge, resolve");
  const dedup = body.dedup_key;
  if (dedup !== undefined && (typeof dedup !== "string" || dedup.length > 255))
    errors.push("'dedup_key' must be a string of at most 255 characters");
  if (body.event_action !== "trigger" && typeof dedup !== "string")
    errors.push("'dedup_key' is required to acknowledge or resolve");
  if (body.event_action === "trigger") {
    const payload = body.payload;
    if (!isObject(payload)) errors.push("'payload' is required for a trigger");
    else {
      if (typeof payload.summary !== "string" || payload.summary.length === 0)
        errors.push("'payload.summary' is required");
      else if (payload.summary.length > 1024) errors.push("'payload.summary' is longer than 1024 characters");
      if (typeof payload.source !== "string" || payload.source.length === 0)
        errors.push("'payload.source' is required");
      if (!(PAGERDUTY_SEVERITIES as readonly unknown[]).includes(payload.severity))
        errors.push("'payload.severity' must be one of critical, error, warning, info");
    }
  }
  return errors;
}

export class PagerDutyStandIn extends HttpStandIn {
  readonly events: PagerDutyEvent[] = [];
  /** Routing key → receiver name. */
  readonly keys = new Map<string, string>();
  private readonly forced: number[] = [];
  /** A status every request gets until it is cleared, after any forced ones. */
  private failing: number | undefined;

  get enqueueUrl(): string {
    return `${this.origin}/v2/enqueue`;
  }

  /** The next requests get these statuses (429 or 500) instead of being processed. */
  force(...statuses: number[]): void {
    this.forced.push(...statuses);
  }

  /** Every request from now on gets this status (500: PagerDuty failing); `undefined` heals it. */
  failEvery(status: number | undefined): void {
    this.failing = status;
  }

  /** Events PagerDuty accepted (202). */
  accepted(): PagerDutyEvent[] {
    return this.events.filter((event) => event.status === 202);
  }

  protected serve(request: http.IncomingMessage, text: string, response: http.ServerResponse): void {
    if (request.method !== "POST" || request.url !== "/v2/enqueue") {
      answer(response, 404, { status: "not found", message: `${request.method} ${request.url}` });
      return;
    }
    const body = parseJson(text);
    const fields = isObject(body) ? body : {};
    const payload = isObject(fields.payload) ? fields.payload : {};
    const str = (value: unknown) => (typeof value === "string" ? value : "");
    const forced = this.forced.shift() ?? this.failing;
    const errors = forced === undefined ? pagerDutyErrors(body, new Set(this.keys.keys())) : [];
    const status = forced ?? (errors.length > 0 ? 400 : 202);
    this.events.push({
      at: Date.now(),
      status,
      routingKey: str(fields.routing_key),
      receiver: this.keys.get(str(fields.routing_key)),
      eventAction: str(fields.event_action),
      dedupKey: str(fields.dedup_key),
      summary: str(payload.summary),
      severity: str(payload.severity),
      source: str(payload.source),
      details: isObject(payload.custom_details) ? payload.custom_details : {},
      errors,
    });
    if (forced === 429) {
      answer(response, 429, { status: "throttle event", message: "Requests are arriving too quickly" });
    } else if (forced !== undefined) {
      answer(response, forced, { status: "error", message: "Internal server error" });
    } else if (errors.length > 0) {
      answer(response, 400, { status: "invalid event", message: "Event object is invalid", errors });
    } else {
      answer(response, 202, { status: "success", message: "Event processed", dedup_key: fields.dedup_key });
    }
  }
}

// --- Slack incoming webhooks -------------------------------------------------------------------

export interface SlackMessage {
  at: number;
  /** The team whose webhook URL was called: `/services/<team>`. */
  team: string;
  channel: string;
  /** Title and text of every attachment, joined: what a reader of the channel sees. */
  text: string;
  status: "firing" | "resolved" | "unknown";
}

export class SlackStandIn extends HttpStandIn {
  readonly messages: SlackMessage[] = [];

  webhookUrl(team: string): string {
    return `${this.origin}/services/${team}`;
  }

  protected serve(request: http.IncomingMessage, text: string, response: http.ServerResponse): void {
    const team = /^\/services\/([a-z0-9-]+)$/.exec(request.url ?? "")?.[1];
    const body = parseJson(text);
    if (request.method !== "POST" || !team) {
      answer(response, 404, "no_service");
      return;
    }
    const attachments = isObject(body) && Array.isArray(body.attachments) ? body.attachments : undefined;
    if (!isObject(body) || (typeof body.text !== "string" && !attachments)) {
      answer(response, 400, "invalid_payload");
      return;
    }
    const parts = [typeof body.text === "string" ? body.text : ""];
    for (const attachment of attachments ?? []) {
      if (isObject(attachment)) parts.push(String(attachment.title ?? ""), String(attachment.text ?? ""));
    }
    const joined = parts.join("\n");
    this.messages.push({
      at: Date.now(),
      team,
      channel: typeof body.channel === "string" ? body.channel : "",
      text: joined,
      status: /\[FIRING/.test(joined) ? "firing" : /\[RESOLVED/.test(joined) ? "resolved" : "unknown",
    });
    answer(response, 200, "ok");
  }
}

// --- The heartbeat (dead man's switch) endpoint --------------------------------------------------

export interface Heartbeat {
  at: number;
  authorized: boolean;
  groupLabels: Record<string, string>;
  groupKey: string;
}

export class HeartbeatStandIn extends HttpStandIn {
  readonly beats: Heartbeat[] = [];

  constructor(private readonly token: string) {
    super();
  }

  get url(): string {
    return `${this.origin}/ping/alertmanager-e2e`;
  }

  protected serve(request: http.IncomingMessage, text: string, response: http.ServerResponse): void {
    const body = parseJson(text);
    if (request.method !== "POST" || request.url !== "/ping/alertmanager-e2e" || !isObject(body)) {
      answer(response, 404, "not found");
      return;
    }
    const authorized = request.headers.authorization === `Bearer ${this.token}`;
    this.beats.push({
      at: Date.now(),
      authorized,
      groupLabels: (isObject(body.groupLabels) ? body.groupLabels : {}) as Record<string, string>,
      groupKey: typeof body.groupKey === "string" ? body.groupKey : "",
    });
    answer(response, authorized ? 200 : 401, authorized ? "ok" : "unauthorized");
  }
}

// --- SMTP ---------------------------------------------------------------------------------------

export interface Email {
  at: number;
  from: string;
  recipients: string[];
  subject: string;
  body: string;
}

/**
 * Plain SMTP without TLS or AUTH. It advertises neither, so Alertmanager (smtp_require_tls: false)
 * sends without STARTTLS and, finding no AUTH extension, without authenticating.
 */
export class SmtpStandIn {
  readonly emails: Email[] = [];
  port = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((socket) => this.session(socket));

  get smarthost(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private session(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.setEncoding("utf8");
    const reply = (line: string) => socket.write(`${line}\r\n`);
    let buffer = "";
    let from = "";
    let recipients: string[] = [];
    let data: string[] | undefined;
    reply("220 e2e-smtp ESMTP stand-in");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\r\n"); end !== -1; end = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data) {
          if (line === ".") {
            this.emails.push(message(from, recipients, data));
            data = undefined;
            reply("250 2.0.0 queued");
          } else data.push(line.startsWith("..") ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") reply("250-e2e-smtp\r\n250-8BITMIME\r\n250 SIZE 10485760");
        else if (verb === "HELO") reply("250 e2e-smtp");
        else if (verb === "MAIL") {
          from = /<([^>]*)>/.exec(line)?.[1] ?? "";
          recipients = [];
          reply("250 2.1.0 ok");
        } else if (verb === "RCPT") {
          recipients.push(/<([^>]*)>/.exec(line)?.[1] ?? "");
          reply("250 2.1.5 ok");
        } else if (verb === "DATA") {
          if (recipients.length === 0) reply("503 5.5.1 RCPT first");
          else {
            data = [];
            reply("354 end data with <CR><LF>.<CR><LF>");
          }
        } else if (verb === "RSET" || verb === "NOOP") reply("250 ok");
        else if (verb === "QUIT") {
          reply("221 bye");
          socket.end();
        } else reply("502 5.5.2 command not implemented");
      }
    });
  }
}

function message(from: string, recipients: string[], lines: string[]): Email {
  const blank = lines.indexOf("");
  const headerLines = blank === -1 ? lines : lines.slice(0, blank);
  // Unfold continuation lines, then read the Subject header.
  const unfolded = headerLines
    .join("\r\n")
    .replace(/\r\n[ \t]+/g, " ")
    .split("\r\n");
  const subject = unfolded.find((line) => /^subject:/i.test(line))?.replace(/^subject:\s*/i, "") ?? "";
  return {
    at: Date.now(),
    from,
    recipients,
    subject,
    body: blank === -1 ? "" : lines.slice(blank + 1).join("\n"),
  };
}
