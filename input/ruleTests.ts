// Behaviour tests of a vertical's rules, in `promtool test rules` format: the hand-written cases of
// `alerts/tests/<vertical>.yaml`, validated here, and the file the render writes beside the rule file.
import { z } from "zod";
import { PROMETHEUS_NAME, WATCHDOG_ALERT } from "../core/conventions";
import { durationProblem } from "../core/duration";
import { type Issue, joinPath } from "../core/errors";
import type { Alert, PromtoolTestGroup, RuleGroup } from "../core/rules";
import { zodIssues } from "../core/zodIssues";
import { parseYaml } from "./yamlFile";

const stringMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

const expAlertSchema = z
  .object({ exp_labels: stringMap.default({}), exp_annotations: stringMap.default({}) })
  .strict();

const alertTestSchema = z
  .object({
    eval_time: z.string(),
    alertname: z.string().min(1),
    exp_alerts: z
      .array(expAlertSchema)
      .nullish()
      .transform((alerts) => alerts ?? []),
  })
  .strict();

const testGroupSchema = z
  .object({
    name: z.string().min(1),
    // Our one addition to promtool's format. promtool evaluates every rule at every step from 0 to the
    // last eval_time, so a case that compares with yesterday or last week runs in a file of its own
    // at a coarser evaluation interval, instead of ten thousand one-minute steps.
    evaluation_interval: z.string().optional(),
    interval: z.string().optional(),
    input_series: z
      .array(
        z
          .object({ series: z.string().min(1), values: z.union([z.string(), z.number()]).transform(String) })
          .strict(),
      )
      .default([]),
    alert_rule_test: z.array(alertTestSchema).min(1, "needs at least one alert_rule_test"),
  })
  .strict();

const testsFileSchema = z
  .object({ tests: z.array(testGroupSchema).min(1, "needs at least one test") })
  .strict();

/** One `tests:` entry of promtool's format. Hand-written ones leave out the labels routing fills in. */
export type RuleTestGroup = PromtoolTestGroup;

/** Fields of a promtool test file the render writes itself, and what to do instead. */
const RENDERED_FIELDS: Record<string, string> = {
  rule_files: "is written by the render; remove it from this file",
  evaluation_interval:
    "is written by the render; set it on a test group to run that group at another interval",
};

export type RuleTestsResult = { ok: true; groups: RuleTestGroup[] } | { ok: false; issues: Issue[] };

/** Parses and checks a hand-written tests file against the alerts its vertical defines. */
export function parseRuleTests(file: string, text: string, alerts: readonly Alert[]): RuleTestsResult {
  const loaded = parseYaml(file, text);
  if (!loaded.ok) return { ok: false, issues: [{ file, path: "", message: loaded.message }] };
  const data = loaded.data;
  const collected: Issue[] = [];
  const add = (path: string, message: string) => collected.push({ file, path, message });
  if (data !== null && typeof data === "object") {
    for (const [field, message] of Object.entries(RENDERED_FIELDS)) {
      if (Object.hasOwn(data, field)) {
        add(field, message);
        delete (data as Record<string, unknown>)[field];
      }
    }
  }
  const parsed = testsFileSchema.safeParse(data ?? {});
  if (!parsed.success) return { ok: false, issues: [...collected, ...zodIssues(file, parsed.error, data)] };
  const names = new Set(alerts.map((alert) => alert.name));
  parsed.data.tests.forEach((group, g) => {
    const at = (...parts: (string | number)[]) => joinPath(["tests", g, ...parts]);
    for (const key of ["interval", "evaluation_interval"] as const) {
      const value = group[key];
      const problem = value === undefined ? undefined : durationProblem(value);
      if (problem) add(at(key), `"${value}" ${problem}`);
    }
    group.alert_rule_test.forEach((check, c) => {
      const evalTime = durationProblem(check.eval_time);
      if (evalTime) add(at("alert_rule_test", c, "eval_time"), `"${check.eval_time}" ${evalTime}`);
      if (!names.has(check.alertname)) {
        add(
          at("alert_rule_test", c, "alertname"),
          `"${check.alertname}" is not an alert of this vertical's catalogue`,
        );
      }
      check.exp_alerts.forEach((expected, e) => {
        for (const name of Object.keys(expected.exp_labels)) {
          if (!PROMETHEUS_NAME.test(name)) {
            add(
              at("alert_rule_test", c, "exp_alerts", e, "exp_labels", name),
              `"${name}" is not a valid Prometheus label name`,
            );
          }
        }
      });
    });
  });
  return collected.length > 0 ? { ok: false, issues: collected } : { ok: true, groups: parsed.data.tests };
}

export interface MissingCase {
  alert: string;
  missing: "a firing case" | "a quiet case" | "a two-minute blip case";
}

/**
 * A test group is a blip case of an alert if its name says so and it expects the alert quiet. It may
 * go on to fire it, which proves that the blip's series were ones the alert reads.
 */
function isBlipCase(group: RuleTestGroup, alert: string): boolean {
  const checks = group.alert_rule_test.filter((check) => check.alertname === alert);
  return /blip/i.test(group.name) && checks.some((check) => check.exp_alerts.length === 0);
}

/**
 * The cases a vertical's hand-written alerts still lack: each fires in one case and stays quiet in
 * another (the Watchdog always fires), and each model alert stays quiet through a two-minute blip.
 */
export function missingCases(vertical: {
  groups: readonly RuleGroup[];
  ruleTests: readonly PromtoolTestGroup[];
}): MissingCase[] {
  const checks = vertical.ruleTests.flatMap((group) => group.alert_rule_test);
  const missing: MissingCase[] = [];
  for (const alert of vertical.groups.flatMap((group) => group.rules)) {
    if (alert.kind !== "alert" || alert.slo !== undefined || alert.customerTiers) continue;
    const own = checks.filter((check) => check.alertname === alert.name);
    if (!own.some((check) => check.exp_alerts.length > 0))
      missing.push({ alert: alert.name, missing: "a firing case" });
    if (alert.name === WATCHDOG_ALERT) continue;
    if (!own.some((check) => check.exp_alerts.length === 0))
      missing.push({ alert: alert.name, missing: "a quiet case" });
    if (alert.alertType === "model" && !vertical.ruleTests.some((group) => isBlipCase(group, alert.name))) {
      missing.push({ alert: alert.name, missing: "a two-minute blip case" });
    }
  }
  return missing;
}
