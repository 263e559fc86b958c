// The bridge's own metrics, on its own registry (no process defaults mixed in by accident); the
// `alerting` rule file reads the Alertmanager errors.
import { Counter, Gauge, Registry } from "prom-client";
import { BRIDGE_METRICS } from "../core/conventions";

export class BridgeMetrics {
  readonly registry = new Registry();
  readonly received = new Counter({
    name: BRIDGE_METRICS.received,
    help: "Webhooks received, by source.",
    labelNames: ["source"],
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: BRIDGE_METRICS.rejected,
    help: "Webhooks refused, by source and reason (auth, payload, size).",
    labelNames: ["source", "reason"],
    registers: [this.registry],
  });
  readonly forwarded = new Counter({
    name: BRIDGE_METRICS.forwarded,
    help: "Alerts Alertmanager accepted, by source and Alertmanager.",
    labelNames: ["source", "alertmanager"],
    registers: [this.registry],
  });
  readonly alertmanagerErrors = new Counter({
    name: BRIDGE_METRICS.alertmanagerErrors,
    help: "Posts to an Alertmanager that failed (refused, unreachable or timed out), each attempt counted.",
    labelNames: ["alertmanager"],
    registers: [this.registry],
  });
  readonly active = new Gauge({
    name: BRIDGE_METRICS.active,
    help: "Alerts this bridge re-sends.",
    registers: [this.registry],
  });
}
