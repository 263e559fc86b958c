// Stand-ins for the two accounts a first `pulumi up` meets, on 127.0.0.1: PagerDuty's REST API (the
// users and services lists, paginated, behind a token) and a Kubernetes API server (namespace reads,
// behind a bearer token). Each records what it received.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { PagerDutyIncident } from "../../review/noiseIncidents";

export interface ReceivedRequest {
  method: string;
  url: string;
  authorization?: string;
}

abstract class StandIn {
  readonly requests: ReceivedRequest[] = [];
  url = "";
  private readonly server: http.Server;

  /** With `tls`, it serves HTTPS with that certificate. */
  constructor(private readonly tls?: { cert: string; key: string }) {
    const serve: http.RequestListener = (request, response) => {
      this.requests.push({
        method: request.method ?? "",
        url: request.url ?? "",
        authorization: request.headers.authorization,
      });
      const { status, body } = this.answer(request);
      response.writeHead(status, { "Content-Type": "application/json" });
      response.end(JSON.stringify(body));
    };
    this.server = tls ? https.createServer(tls, serve) : http.createServer(serve);
  }

  protected abstract answer(request: http.IncomingMessage): { status: number; body: unknown };

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `${this.tls ? "https" : "http"}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface StandInService {
  id: string;
  name: string;
  description: string;
}

/**
 * PagerDuty's REST API: `GET /users?query=`, `GET /services?query=`, `GET /incidents?since=&until=`
 * and `GET /incidents/{id}/log_entries`, `limit`/`offset`/`more` as PagerDuty pages.
 */
export class PagerDutyStandIn extends StandIn {
  /** Answer every request with this status instead, to play an outage. */
  failWith?: number;
  /** The account's incidents, each with its log entries (served apart, as PagerDuty serves them). */
  incidents: PagerDutyIncident[] = [];

  constructor(
    private readonly token: string,
    readonly users: { id: string; name: string; email: string }[],
    readonly services: StandInService[],
    /** Small, so that a search over a few records already spans pages. */
    private readonly maxPage = 2,
  ) {
    super();
  }

  protected answer(request: http.IncomingMessage): { status: number; body: unknown } {
    if (this.failWith) return { status: this.failWith, body: { error: { message: "stand-in outage" } } };
    if (request.headers.authorization !== `Token token=${this.token}`) {
      return { status: 401, body: { error: { message: "Unauthorized", code: 2006 } } };
    }
    if (request.headers.accept !== "application/vnd.pagerduty+json;version=2") {
      return { status: 406, body: { error: { message: "Not Acceptable" } } };
    }
    const url = new URL(request.url ?? "/", "http://stand-in");
    const query = (url.searchParams.get("query") ?? "").toLowerCase();
    const limit = Math.min(Number(url.searchParams.get("limit") ?? 25), this.maxPage);
    const offset = Number(url.searchParams.get("offset") ?? 0);
    const page = <T>(key: string, records: T[]) => ({
      status: 200,
      body: {
        [key]: records.slice(offset, offset + limit),
        limit,
        offset,
        more: offset + limit < records.length,
      },
    });
    if (request.method !== "GET") return { status: 405, body: {} };
    // PagerDuty matches the query as a substring of the name, and for users of the e-mail too.
    if (url.pathname === "/users") {
      return page(
        "users",
        this.users.filter(
          (user) => user.name.toLowerCase().includes(query) || user.email.toLowerCase().includes(query),
        ),
      );
    }
    if (url.pathname === "/services") {
      return page(
        "services",
        this.services.filter((service) => service.name.toLowerCase().includes(query)),
      );
    }
    if (url.pathname === "/incidents") {
      // PagerDuty lists the incidents created in [since, until).
      const since = Date.parse(url.searchParams.get("since") ?? "");
      const until = Date.parse(url.searchParams.get("until") ?? "");
      return page(
        "incidents",
        this.incidents
          .filter((incident) => {
            const created = Date.parse(incident.created_at);
            return created >= since && created < until;
          })
          .map(({ log_entries: _entries, ...incident }) => incident),
      );
    }
    const entries = /^\/incidents\/([^/]+)\/log_entries$/.exec(url.pathname);
    const incident = this.incidents.find(
      (candidate) => candidate.id === decodeURIComponent(entries?.[1] ?? ""),
    );
    if (incident) return page("log_entries", incident.log_entries);
    return { status: 404, body: { error: { message: "Not Found" } } };
  }
}

/** A self-signed certificate for 127.0.0.1, made with openssl, as a cluster's API server has. */
export function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const [cert, key] = [path.join(dir, "server.crt"), path.join(dir, "server.key")];
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { stdio: "pipe" },
  );
  return { cert: fs.readFileSync(cert, "utf8"), key: fs.readFileSync(key, "utf8") };
}

/** A Kubernetes API server that knows a set of namespaces and one bearer token. */
export class KubernetesStandIn extends StandIn {
  constructor(
    private readonly token: string,
    readonly namespaces: Set<string>,
    tls?: { cert: string; key: string },
  ) {
    super(tls);
  }

  protected answer(request: http.IncomingMessage): { status: number; body: unknown } {
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return { status: 401, body: { kind: "Status", status: "Failure", reason: "Unauthorized", code: 401 } };
    }
    const match = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(request.url ?? "");
    if (request.method !== "GET" || !match) return { status: 405, body: {} };
    const name = decodeURIComponent(match[1]);
    return this.namespaces.has(name)
      ? { status: 200, body: { kind: "Namespace", apiVersion: "v1", metadata: { name } } }
      : { status: 404, body: { kind: "Status", status: "Failure", reason: "NotFound", code: 404 } };
  }
}
