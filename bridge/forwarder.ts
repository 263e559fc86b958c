// The bridge's side of Alertmanager's API contract: each alert goes to every Alertmanager; active
// alerts are posted again every resendInterval without an end time (Alertmanager resolves one that
// stops coming after resolve_timeout); a recovery is posted with endsAt; an alert whose tool never
// recovers it resolves after maxAlertAge. Alertmanager's own list is the only state that outlives a
// process: on start and at every resend the bridge reads the alerts it owns (they carry `source`)
// back from it, so a restarted bridge, or the other replica, carries on where the last one stopped.
import type { BridgeSettings } from "../core/bridgeSettings";
import { BRIDGE_SOURCES, LABEL } from "../core/conventions";
import type { BridgeMetrics } from "./metrics";

export interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL?: string;
}

interface Tracked extends Alert {
  startsAt: number;
  /** When each Alertmanager last accepted it: one that has been up since and no longer lists it saw it resolved. */
  acceptedAt: Map<string, number>;
}

interface Resolution {
  body: object;
  source: string;
  /** Alertmanagers that have not accepted it yet. */
  pending: Set<string>;
}

interface ListedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  generatorURL?: string;
}

/** Delays between attempts at one post: a blip in Alertmanager costs under two seconds. */
const RETRY_DELAYS_MS = [250, 1000];
const REQUEST_TIMEOUT_MS = 5000;
const OWNED_FILTER = `${LABEL.source}=~"${BRIDGE_SOURCES.join("|")}"`;

/** One alert per tool alert and customer, whatever its severity: WARNING then ALERT is one alert changing. */
export function identityOf(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.entries(labels)
      .filter(([key]) => key !== LABEL.severity)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Forwarder {
  private readonly active = new Map<string, Tracked>();
  private readonly resolutions: Resolution[] = [];
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(
    private readonly settings: BridgeSettings,
    private readonly metrics: BridgeMetrics,
    private readonly log: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Alerts this bridge re-sends, for tests and /healthz. */
  activeAlerts(): Alert[] {
    return [...this.active.values()];
  }

  /** Posts a firing alert; true when at least one Alertmanager took it. */
  async fire(alert: Alert): Promise<boolean> {
    const key = identityOf(alert.labels);
    const existing = this.active.get(key);
    if (existing && existing.labels[LABEL.severity] !== alert.labels[LABEL.severity]) {
      // A new severity is a new alert in Alertmanager: the old one ends as the new one starts.
      this.active.delete(key);
      await this.resolveTracked(existing);
    }
    const same = existing && existing.labels[LABEL.severity] === alert.labels[LABEL.severity];
    const tracked: Tracked = {
      ...alert,
      startsAt: same ? existing.startsAt : this.now(),
      acceptedAt: same ? existing.acceptedAt : new Map(),
    };
    this.active.set(key, tracked);
    this.metrics.active.set(this.active.size);
    return this.post([tracked]);
  }

  /** Resolves the alert of these labels (any severity), looking it up in Alertmanager if another replica holds it. */
  async resolve(labels: Record<string, string>): Promise<boolean> {
    const key = identityOf(labels);
    if (!this.active.has(key)) await this.sync();
    const tracked = this.active.get(key);
    if (!tracked) return true;
    this.active.delete(key);
    this.metrics.active.set(this.active.size);
    return this.resolveTracked(tracked);
  }

  private async resolveTracked(tracked: Tracked): Promise<boolean> {
    const resolution: Resolution = {
      body: this.bodyOf(tracked, this.now()),
      source: tracked.labels[LABEL.source] ?? "",
      pending: new Set(this.settings.alertmanagerUrls),
    };
    await this.deliver(resolution);
    if (resolution.pending.size > 0) this.resolutions.push(resolution);
    return resolution.pending.size < this.settings.alertmanagerUrls.length;
  }

  private bodyOf(alert: Tracked, endsAt?: number): object {
    return {
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: new Date(alert.startsAt).toISOString(),
      ...(endsAt === undefined ? {} : { endsAt: new Date(endsAt).toISOString() }),
      ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
    };
  }

  /** Posts firing alerts to every Alertmanager; true when at least one took them. */
  private async post(alerts: Tracked[]): Promise<boolean> {
    if (alerts.length === 0) return true;
    const body = alerts.map((alert) => this.bodyOf(alert));
    const results = await Promise.all(
      this.settings.alertmanagerUrls.map(async (url) => {
        const ok = await this.send(url, body);
        if (!ok) return false;
        const at = this.now();
        for (const alert of alerts) {
          alert.acceptedAt.set(url, at);
          this.metrics.forwarded.inc({ source: alert.labels[LABEL.source] ?? "", alertmanager: url });
        }
        return true;
      }),
    );
    return results.some(Boolean);
  }

  private async deliver(resolution: Resolution): Promise<void> {
    await Promise.all(
      [...resolution.pending].map(async (url) => {
        if (!(await this.send(url, [resolution.body]))) return;
        resolution.pending.delete(url);
        this.metrics.forwarded.inc({ source: resolution.source, alertmanager: url });
      }),
    );
  }

  /** One POST /api/v2/alerts with retries; each failed attempt counts as an Alertmanager error. */
  private async send(url: string, body: object[]): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(`${url}/api/v2/alerts`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        if (response.ok) return true;
        this.log(
          `alertmanager ${url} refused ${body.length} alert(s): ${response.status} ${await response.text()}`,
        );
      } catch (error) {
        this.log(`alertmanager ${url} unreachable: ${(error as Error).message}`);
      }
      this.metrics.alertmanagerErrors.inc({ alertmanager: url });
      if (attempt >= RETRY_DELAYS_MS.length) return false;
      await sleep(RETRY_DELAYS_MS[attempt]);
    }
  }

  /**
   * Reads the owned alerts back from every Alertmanager: adopts those this process does not hold
   * (after a restart, or the other replica's), and lets go of those an Alertmanager that has been up
   * since it accepted them no longer lists, which another replica resolved.
   */
  async sync(): Promise<void> {
    const listings = await Promise.all(this.settings.alertmanagerUrls.map((url) => this.listing(url)));
    this.settings.alertmanagerUrls.forEach((url, i) => {
      const listing = listings[i];
      if (!listing) return;
      const listed = new Set<string>();
      for (const alert of listing.alerts) {
        const key = identityOf(alert.labels);
        listed.add(key);
        const startsAt = Date.parse(alert.startsAt);
        const held = this.active.get(key);
        if (held && held.labels[LABEL.severity] === alert.labels[LABEL.severity]) {
          held.startsAt = Math.min(held.startsAt, startsAt);
          continue;
        }
        if (held) continue;
        this.active.set(key, {
          labels: alert.labels,
          annotations: alert.annotations ?? {},
          generatorURL: alert.generatorURL || undefined,
          startsAt,
          acceptedAt: new Map([[url, this.now()]]),
        });
      }
      for (const [key, held] of this.active) {
        const accepted = held.acceptedAt.get(url);
        if (!listed.has(key) && accepted !== undefined && listing.upSince < accepted) this.active.delete(key);
      }
    });
    this.metrics.active.set(this.active.size);
  }

  private async listing(url: string): Promise<{ alerts: ListedAlert[]; upSince: number } | undefined> {
    try {
      const get = (path: string) =>
        fetch(`${url}${path}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const [status, alerts] = await Promise.all([
        get("/api/v2/status"),
        get(`/api/v2/alerts?filter=${encodeURIComponent(OWNED_FILTER)}`),
      ]);
      if (!status.ok || !alerts.ok) throw new Error(`answered ${status.status}, ${alerts.status}`);
      const { uptime } = (await status.json()) as { uptime: string };
      return { alerts: (await alerts.json()) as ListedAlert[], upSince: Date.parse(uptime) };
    } catch (error) {
      this.metrics.alertmanagerErrors.inc({ alertmanager: url });
      this.log(`alertmanager ${url}: cannot read its alerts: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** One resend: read back, expire the too old, retry pending resolutions, post the rest. */
  async tick(): Promise<void> {
    await this.sync();
    const now = this.now();
    for (const [key, tracked] of this.active) {
      if (now - tracked.startsAt < this.settings.maxAlertAgeSeconds * 1000) continue;
      this.log(
        `${tracked.labels[LABEL.alertName]}: no recovery after ${this.settings.maxAlertAgeSeconds}s; resolving it`,
      );
      this.active.delete(key);
      await this.resolveTracked(tracked);
    }
    for (const resolution of this.resolutions.splice(0)) {
      await this.deliver(resolution);
      if (resolution.pending.size > 0) this.resolutions.push(resolution);
    }
    this.metrics.active.set(this.active.size);
    await this.post([...this.active.values()]);
  }

  /** Recovers what Alertmanager holds, then re-sends every resendInterval until stopped. */
  async start(): Promise<void> {
    await this.sync();
    const every = this.settings.resendIntervalSeconds * 1000;
    const loop = () => {
      this.timer = setTimeout(async () => {
        this.ticking = this.tick().catch((error) => this.log(`resend failed: ${(error as Error).message}`));
        await this.ticking;
        if (this.timer) loop();
      }, every);
    };
    loop();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
  }
}
