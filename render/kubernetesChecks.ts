// Checks of the Kubernetes objects before they are declared: names and labels by Kubernetes' rules,
// sizes under the 1 MiB object limit, and PrometheusRule objects against prometheus-operator's CRD
// schema. Each problem names the vertical (or the config key) and the field.
import { CONFIG_KEYS, PROJECT } from "../core/conventions";
import { type Issue, IssueList, ValidationError } from "../core/errors";
import { DNS_LABEL, labelKeyProblem, labelValueProblem, nameProblem } from "../core/kubernetesNames";
import type { AlertingModel } from "../input/model";
import { importEsm } from "./esm";
import type { KubernetesObjects, ObjectMeta } from "./kubernetes";

/** Kubernetes rejects a ConfigMap or Secret whose data exceeds this. */
export const OBJECT_LIMIT_BYTES = 1024 * 1024;

function dataBytes(data: Record<string, string>): number {
  return Object.entries(data).reduce(
    (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value),
    0,
  );
}

/** Synchronous checks: names, labels, namespace, sizes. */
export function checkKubernetesObjects(model: AlertingModel, objects: KubernetesObjects): void {
  const issues = new IssueList();
  const file = model.stackFile;
  const verticalPath = (vertical: string) =>
    `${PROJECT}:${CONFIG_KEYS.verticals}[${model.verticals.findIndex((candidate) => candidate.id === vertical)}].id`;
  const namespace = model.config.kubernetes.namespace;
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    issues.add(
      file,
      `${PROJECT}:${CONFIG_KEYS.kubernetes}.namespace`,
      `"${namespace}" is not a valid namespace name (63 characters at most)`,
    );
  }
  /** `labelPath` says where a label comes from when it is not from `where`. */
  const checkMeta = (
    meta: ObjectMeta,
    kind: string,
    where: string,
    vertical?: string,
    labelPath: (key: string) => string = () => where,
  ) => {
    const prefix = vertical ? `vertical "${vertical}": ` : "";
    const problem = nameProblem(meta.name);
    if (problem) issues.add(file, where, `${prefix}${kind} name "${meta.name}" ${problem}`);
    for (const [key, value] of Object.entries(meta.labels)) {
      const at = labelPath(key);
      const keyProblem = labelKeyProblem(key);
      if (keyProblem) issues.add(file, at, `${prefix}${kind} ${meta.name}: label "${key}" ${keyProblem}`);
      const valueProblem = labelValueProblem(value);
      if (valueProblem)
        issues.add(file, at, `${prefix}${kind} ${meta.name}: label ${key}="${value}" ${valueProblem}`);
    }
  };
  const kubernetesPath = `${PROJECT}:${CONFIG_KEYS.kubernetes}`;
  const selectorPath = `${kubernetesPath}.ruleSelectorLabels`;
  const selectorLabels = model.config.kubernetes.ruleSelectorLabels;
  for (const map of objects.ruleConfigMaps) {
    checkMeta(map.metadata, "ConfigMap", verticalPath(map.vertical), map.vertical);
    const bytes = dataBytes(map.data);
    if (bytes > OBJECT_LIMIT_BYTES) {
      issues.add(
        file,
        verticalPath(map.vertical),
        `vertical "${map.vertical}": ConfigMap ${map.metadata.name} holds ${bytes} bytes, over Kubernetes' 1 MiB limit`,
      );
    }
  }
  // A PrometheusRule's name and vertical label come from its vertical; the selector's labels from the config.
  for (const rule of objects.prometheusRules) {
    checkMeta(rule.metadata, "PrometheusRule", verticalPath(rule.vertical), rule.vertical, (key) =>
      Object.hasOwn(selectorLabels, key) ? selectorPath : verticalPath(rule.vertical),
    );
  }
  for (const [kind, object] of [
    ["ConfigMap", objects.alertmanagerConfigMap],
    ["Secret", objects.alertmanagerConfigSecret],
  ] as const) {
    if (!object) continue;
    checkMeta(object.metadata, kind, kubernetesPath);
    const bytes = dataBytes(object.data);
    if (bytes > OBJECT_LIMIT_BYTES) {
      issues.add(
        file,
        `${PROJECT}:${CONFIG_KEYS.verticals}`,
        `the Alertmanager config renders ${bytes} bytes, over Kubernetes' 1 MiB limit for a ${kind}; it grows with verticals and tool owners`,
      );
    }
  }
  checkMeta(objects.keySecret.metadata, "Secret", kubernetesPath);
  issues.throwIfAny();
}

interface SchemaError {
  instancePath?: string;
  message?: string;
}

/** Validates every PrometheusRule against prometheus-operator's CRD schema (an ESM package, so async). */
export async function validatePrometheusRules(
  model: AlertingModel,
  objects: KubernetesObjects,
): Promise<void> {
  if (objects.prometheusRules.length === 0) return;
  // The one model's module, not the API group's index: the index loads ~300 models and their schemas
  // through the ESM loader, which took longer than the rest of a prod render's own work.
  const module = (await importEsm(
    "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule",
  )) as {
    PrometheusRule: new (data: unknown) => { validate(): void };
  };
  const issues: Issue[] = [];
  for (const rule of objects.prometheusRules) {
    try {
      new module.PrometheusRule({ metadata: rule.metadata, spec: rule.spec }).validate();
    } catch (error) {
      const vertical = model.verticals.find((candidate) => candidate.id === rule.vertical);
      const details = (error as { errors?: SchemaError[] }).errors ?? [{ message: String(error) }];
      for (const detail of details) {
        const field = (detail.instancePath ?? "")
          .replace(/^\//, "")
          .replaceAll("/", ".")
          .replace(/\.(\d+)(?=\.|$)/g, "[$1]");
        issues.push({
          file: vertical?.catalogueFile ?? model.stackFile,
          path: `vertical "${rule.vertical}": PrometheusRule ${rule.metadata.name}: ${field || "(object)"}`,
          message: `${detail.message ?? "is invalid"} (prometheus-operator's CRD schema)`,
        });
      }
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
}
