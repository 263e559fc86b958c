// Kubernetes objects: no secret value outside a Secret, and every ConfigMap and Secret under the
// size Kubernetes accepts.
import { ALERTMANAGER_CONFIG_KEY } from "../core/conventions";
import { stackPolicy } from "./policy";
import { plain, secretData, stringMap, TYPES } from "./view";

const SECRET_PATTERNS = [/hooks\.slack\.com\/services\//, /\bxox[abpr]-[A-Za-z0-9-]+/];

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
    const plainKinds = new Set([TYPES.configMap, TYPES.prometheusRule]);
    for (const resource of view.resources) {
      if (!plainKinds.has(resource.type as (typeof TYPES)["configMap"])) continue;
      const text = strings(resource.props).join("\n");
      const leaked = meaningful.some((value) => text.includes(value));
      const pattern = SECRET_PATTERNS.find((candidate) => candidate.test(text));
      if (leaked || pattern) {
        report(
          `${resource.type.split(":").pop()} ${resource.name} contains a secret value${pattern ? ` (${pattern.source})` : ""}.`,
          resource.urn,
        );
      }
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
