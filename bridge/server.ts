// The bridge's HTTP side: one POST endpoint per tool, /healthz and /metrics. Every refusal is a 4xx
// with a one-line reason and a counted metric; nothing a caller sends can crash the process.
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { BridgeSettings } from "../core/bridgeSettings";
import type { BridgeSource } from "../core/conventions";
import { langfuseSignatureValid, tokenValid } from "./auth";
import type { Forwarder } from "./forwarder";
import { type Event, fromLangfuse, fromLangsmith, fromWebhook, PayloadError } from "./mapping";
import type { BridgeMetrics } from "./metrics";

export interface ServerOptions {
  settings: BridgeSettings;
  secret: string;
  forwarder: Forwarder;
  metrics: BridgeMetrics;
  log: (message: string) => void;
}

export function buildServer(options: ServerOptions): FastifyInstance {
  const { settings, secret, forwarder, metrics, log } = options;
  const app = Fastify({ bodyLimit: settings.bodyLimitBytes, logger: false });
  // The raw text is what Langfuse signs; JSON is parsed after the signature is checked.
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) =>
    done(null, body),
  );

  const refuse = (reply: FastifyReply, source: string, reason: string, status: number, message: string) => {
    metrics.rejected.inc({ source, reason });
    log(`${source}: ${status} ${message}`);
    return reply.code(status).send({ error: message });
  };

  /** Turns an event into Alertmanager posts; 202 once one Alertmanager has it, 503 (retry) when none has. */
  const handle = async (
    reply: FastifyReply,
    source: BridgeSource,
    body: string,
    toEvent: (json: unknown) => Event,
  ) => {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return refuse(reply, source, "payload", 400, "the body is not JSON");
    }
    let event: Event;
    try {
      event = toEvent(json);
    } catch (error) {
      if (error instanceof PayloadError) return refuse(reply, source, "payload", 400, error.message);
      throw error;
    }
    if (event.kind === "ignored") return reply.code(202).send({ status: "ignored", reason: event.reason });
    const delivered =
      event.kind === "firing"
        ? await forwarder.fire({
            labels: event.labels,
            annotations: event.annotations,
            generatorURL: event.generatorURL,
          })
        : await forwarder.resolve(event.labels);
    if (!delivered)
      return reply.code(503).send({ error: "no Alertmanager accepted the alert; it is kept and re-sent" });
    return reply.code(202).send({ status: event.kind, alertname: event.labels.alertname });
  };

  app.post<{ Body: string }>("/webhooks/langfuse", async (request, reply) => {
    metrics.received.inc({ source: "langfuse" });
    const signature = request.headers["x-langfuse-signature"];
    if (
      !langfuseSignatureValid(
        secret,
        request.body ?? "",
        typeof signature === "string" ? signature : undefined,
      )
    )
      return refuse(reply, "langfuse", "auth", 401, "missing or wrong x-langfuse-signature");
    return handle(reply, "langfuse", request.body ?? "", (json) => fromLangfuse(settings, json));
  });

  app.post<{ Body: string }>("/webhooks/langsmith", async (request, reply) => {
    metrics.received.inc({ source: "langsmith" });
    if (!tokenValid(secret, request.headers))
      return refuse(reply, "langsmith", "auth", 401, "missing or wrong Authorization: Bearer token");
    return handle(reply, "langsmith", request.body ?? "", (json) => fromLangsmith(settings, json));
  });

  app.post<{ Body: string; Params: { name: string } }>("/webhooks/:name", async (request, reply) => {
    metrics.received.inc({ source: "webhook" });
    if (!tokenValid(secret, request.headers))
      return refuse(reply, "webhook", "auth", 401, "missing or wrong Authorization: Bearer token");
    const mapping = Object.hasOwn(settings.webhooks, request.params.name)
      ? settings.webhooks[request.params.name]
      : undefined;
    if (!mapping)
      return refuse(
        reply,
        "webhook",
        "payload",
        404,
        `no webhook "${request.params.name}" in the stack config (bridge.webhooks)`,
      );
    return handle(reply, "webhook", request.body ?? "", (json) => fromWebhook(mapping, json));
  });

  app.get("/healthz", async () => ({ status: "ok", active: forwarder.activeAlerts().length }));
  app.get("/metrics", async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  // Fastify's own refusals (a body over the limit, a wrong method) get the same one-line shape.
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    const source = request.url.split("/")[2] ?? "unknown";
    const reason = status === 413 ? "size" : status < 500 ? "payload" : "error";
    if (status >= 500) log(`error on ${request.url}: ${error.message}`);
    metrics.rejected.inc({ source, reason });
    return reply
      .code(status)
      .send({ error: status === 413 ? `the body is over ${settings.bodyLimitBytes} bytes` : error.message });
  });
  return app;
}
