// The payloads the bridge accepts, as the tools document them (tests/fixtures/bridge/ keeps a sample
// of each with the page it follows). Unknown fields pass: a tool adding a field must not start 400s.
import { z } from "zod";

const text = z.string().min(1);
const number = z.union([z.number(), z.string()]);

/**
 * A Langfuse alert automation's webhook: the envelope every Langfuse automation sends (`id`,
 * `timestamp`, `type`, `apiVersion`, `action`) around the alert's state. `severity` is the alert's
 * new state: ALERT or WARNING fire, OK recovers, NO_DATA changes nothing.
 */
export const langfusePayload = z
  .object({
    id: text,
    timestamp: text,
    type: z.literal("alert"),
    action: text,
    projectId: text,
    alert: z
      .object({
        id: text,
        name: text,
        severity: z.enum(["ALERT", "WARNING", "OK", "NO_DATA"]),
        metric: text.optional(),
        operator: text.optional(),
        value: number.nullable().optional(),
        alertThreshold: number.optional(),
        warningThreshold: number.nullable().optional(),
        window: text.optional(),
        url: z.string().url().optional(),
        tags: z.array(z.string()).default([]),
      })
      .passthrough(),
  })
  .passthrough();

/** A LangSmith alert rule's webhook, with the fields LangSmith appends to the body template. */
export const langsmithPayload = z
  .object({
    project_name: text,
    alert_rule_id: text,
    alert_rule_name: text,
    alert_rule_type: text.optional(),
    alert_rule_attribute: text.optional(),
    triggered_metric_value: number.optional(),
    triggered_threshold: number.optional(),
    timestamp: text.optional(),
    project_url: z.string().url().optional(),
  })
  .passthrough();

export type LangfusePayload = z.infer<typeof langfusePayload>;
export type LangsmithPayload = z.infer<typeof langsmithPayload>;

/** The value at a dotted path (`alert.name`, `items[0].state`), or undefined. */
export function valueAt(body: unknown, path: string): unknown {
  let value: unknown = body;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A scalar at a path as text; objects and arrays are not a label value. */
export function textAt(body: unknown, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const value = valueAt(body, path);
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** Zod's first problem as one line: `alert.severity: Invalid enum value …`. */
export function problemOf(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}
