// Kubernetes objects: no secret value outside a Secret, and every ConfigMap and Secret under the
// size Kubernetes accepts.
import { ALERTMANAGER_CONFIG_KEY } from "../core/conventions";
import type { RenderedRule } from "../core/rules";
import { stackPolicy } from "./policy";
import { plain, ruleGroupsOf, secretData, stringMap, TYPES, verticalOf } from "./view";

const SECRET_PATTERNS = [/hooks\.slack\.com\/services\//, /\bxox[abpr]-[A-Za-z0-9-]+/];

/** Each value a rule holds, by its field: `expr`, `labels.team`, `annotations.description`. */
function ruleFields(rule: RenderedRule): [string, string][] {
  return Object.entries(rule).flatMap(([key, value]): [string, string][] =>
    value !== null && typeof value === "object"
      ? Object.entries(value as Record<string, unknown>).map(([name, inner]) => [
          `${key}.${name}`,
          String(inner),
        ])
      : [[key, String(value)]],
  );
}

function strings(value: unknown, into: string[] = []): string[] {
  const unwrapped = plain(value);
  if (typeof unwrapped === "string") into.push(unwrapped);
  else if (Array.isArray(unwrapped)) for (const item of unwrapped) strings(item, into);
  else if (unwrapped !== null && typeof unwrapped === "object")
    for (const item of Object.values(unwrapped)) strings(item, into);
  return into;
}

export const noPlainSecretsPolicy = stackPolicy({
  name: "no-plain-secrets",
  description:
    "No secret value (routing key, webhook URL, password, token) appears in a ConfigMap, a rule object or any other plain resource.",
  enforcementLevel: "mandatory",
  defaults: { minSecretLength: 8 },
  configSchema: { minSecretLength: { type: "integer", minimum: 1 } },
  check(view, config, report) {
    const secrets = new Set<string>();
    for (const secret of view.ofType(TYPES.secret)) {
      for (const [key, value] of Object.entries(secretData(secret))) {
        // The operator's config Secret holds alertmanager.yaml, which refers to secrets by file only.
        if (key === ALERTMANAGER_CONFIG_KEY) continue;
        for (const text of strings(value)) secrets.add(text);
      }
    }
    for (const resource of view.resources) {
      if (resource.props.token !== undefined)
        for (const value of strings(resource.props.token)) secrets.add(value);
    }
    const meaningful = [...secrets].filter((value) => value.length >= config.minSecretLength);
    const leak = (text: string): string | undefined => {
      const pattern = SECRET_PATTERNS.find((candidate) => candidate.test(text));
      if (!pattern && !meaningful.some((value) => text.includes(value))) return undefined;
      return `contains a secret value${pattern ? ` (${pattern.source})` : ""}`;
    };
    const plainKinds = new Set([TYPES.configMap, TYPES.prometheusRule]);
    for (const resource of view.resources) {
      if (!plainKinds.has(resource.type as (typeof TYPES)["configMap"])) continue;
      // In a rule object, each field holding a secret is named: the rule's author knows it by its field.
      const vertical = verticalOf(resource) ?? "";
      let named = false;
      for (const group of ruleGroupsOf(resource)) {
        for (const rule of group.rules) {
          const name = rule.alert ?? rule.record ?? "";
          for (const [field, text] of ruleFields(rule)) {
            const found = leak(text);
            if (!found) continue;
            named = true;
            report(
              `${rule.alert !== undefined ? "Alert" : "Recording rule"} ${name} in ${vertical}: ${field} ${found}.`,
              resource.urn,
              { vertical, rule: { group: group.name, name }, field },
            );
          }
        }
      }
      const found = named ? undefined : leak(strings(resource.props).join("\n"));
      if (found) report(`${resource.type.split(":").pop()} ${resource.name} ${found}.`, resource.urn);
    }
  },
});

export const objectSizePolicy = stackPolicy({
  name: "objects-under-1mib",
  description: "Every ConfigMap and Secret is under 1 MiB, the most Kubernetes accepts.",
  enforcementLevel: "mandatory",
  defaults: { limitBytes: 1024 * 1024 },
  configSchema: { limitBytes: { type: "integer", minimum: 1 } },
  check(view, config, report) {
    for (const resource of [...view.ofType(TYPES.configMap), ...view.ofType(TYPES.secret)]) {
      // What a preview does not know yet is not counted; the update that knows it is judged again.
      const bytes = ["data", "stringData", "binaryData"]
        .flatMap((field) => Object.entries(stringMap(resource.props[field])))
        .reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
      if (bytes > config.limitBytes) {
        report(
          `${resource.type.split(":").pop()} ${resource.name} holds ${bytes} bytes, over ${config.limitBytes}.`,
          resource.urn,
        );
      }
    }
  },
});
