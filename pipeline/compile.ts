// The one way through: stack config and catalogues → checked model → plan → Alertmanager config,
// rule and Kubernetes objects, and the review. The program, the render, `route`, `policy` and the
// bench all call this; none of them wires the stages itself.
import type { AmConfig } from "../alertmanager/types";
import { ValidationError } from "../core/errors";
import { type AlertingModel, buildModel } from "../input/model";
import { checkSecrets, type SecretPresence, withoutSecretKeys } from "../input/secrets";
import type { FileText } from "../input/yamlFile";
import { type AlertingPlan, buildPlan } from "../plan/plan";
import { policyConfigFor } from "../policies/config";
import type { PolicyConfig } from "../policies/run";
import { alertmanagerConfig } from "../render/alertmanager";
import { type KubernetesObjects, kubernetesObjects } from "../render/kubernetes";
import { checkKubernetesObjects, validatePrometheusRules } from "../render/kubernetesChecks";
import { ShardError } from "../render/shards";
import { renderSummary } from "../render/summary";
import { toYaml } from "../render/yaml";
import { type RoutingReview, reviewRouting } from "../review/review";
import { readProjectFile } from "./projectFiles";

export interface StackInput {
  stack: string;
  /** The stack file's name, used in messages: `Pulumi.prod.yaml`. */
  stackFile: string;
  /** Config values by key, without the project's namespace; secret keys are left out unread. */
  config: Record<string, unknown>;
  /** Reads a catalogue relative to the project root; the project's own files by default. */
  readFile?: (file: string) => FileText;
}

/** The routing half: what `npm run route` needs, with every problem of the input found. */
export interface CompiledRouting {
  model: AlertingModel;
  plan: AlertingPlan;
  /** The Alertmanager configuration, as an object and as the one YAML text every object carries. */
  alertmanager: { config: AmConfig; yaml: string };
  review: RoutingReview;
}

/** Everything the program declares and the tools print. */
export interface CompiledStack extends CompiledRouting {
  objects: KubernetesObjects;
  /** The reviewer's summary (summary.md). */
  summary: string;
  /** The policy pack's config for this stack, as `--policy-pack-config` takes it. */
  policyConfig: PolicyConfig;
}

// One process builds a stack once: the render compiles it for the secrets and rule tests, then runs
// the program, which compiles the same input again. Keyed by the input's content, never by identity.
const routingCache = new Map<string, CompiledRouting>();
const stackCache = new Map<string, Promise<CompiledStack>>();

/** Object keys sorted, so two readings of the same config give the same key. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function cacheKey(input: StackInput): string | undefined {
  // A caller's own reader may answer differently from the project's files; never share its result.
  if (input.readFile) return undefined;
  return canonical([input.stack, input.stackFile, withoutSecretKeys(input.config)]);
}

function routingOf(input: StackInput): CompiledRouting {
  const model = buildModel({
    stack: input.stack,
    stackFile: input.stackFile,
    config: withoutSecretKeys(input.config),
    readFile: input.readFile ?? readProjectFile,
  });
  const plan = buildPlan(model);
  const config = alertmanagerConfig(plan);
  const review = reviewRouting(model, plan, config);
  const errors = review.findings.filter((finding) => finding.severity === "error");
  if (errors.length > 0) {
    throw new ValidationError(
      errors.map((finding) => ({ file: "alertmanager.yaml", path: finding.kind, message: finding.message })),
    );
  }
  return { model, plan, alertmanager: { config, yaml: toYaml(config) }, review };
}

/** Input → model → plan → Alertmanager config → review; throws a ValidationError naming file and field. */
export function compileRouting(input: StackInput): CompiledRouting {
  const key = cacheKey(input);
  const cached = key === undefined ? undefined : routingCache.get(key);
  if (cached) return cached;
  const compiled = routingOf(input);
  if (key !== undefined) routingCache.set(key, compiled);
  return compiled;
}

function objectsOf(routing: CompiledRouting): KubernetesObjects {
  const { model, plan, alertmanager } = routing;
  try {
    return kubernetesObjects(plan, alertmanager.yaml);
  } catch (error) {
    if (!(error instanceof ShardError)) throw error;
    const vertical = model.verticals.find((candidate) => candidate.id === error.vertical);
    throw new ValidationError([
      {
        file: vertical?.catalogueFile ?? model.stackFile,
        path: `groups (${error.group})`,
        message: error.message,
      },
    ]);
  }
}

async function stackOf(input: StackInput): Promise<CompiledStack> {
  const routing = compileRouting(input);
  const objects = objectsOf(routing);
  checkKubernetesObjects(routing.model, objects);
  await validatePrometheusRules(routing.model, objects);
  return {
    ...routing,
    objects,
    summary: renderSummary(routing.model, routing.plan, routing.alertmanager.config),
    policyConfig: policyConfigFor(routing.model),
  };
}

/**
 * The whole pipeline. With `secrets`, also checks that every secret the plan needs is set as a
 * Pulumi secret (the program's config knows; a stack file read offline does not).
 */
export async function compileStack(
  input: StackInput,
  secrets?: (key: string) => SecretPresence | undefined,
): Promise<CompiledStack> {
  const key = cacheKey(input);
  let compiled = key === undefined ? undefined : stackCache.get(key);
  if (!compiled) {
    compiled = stackOf(input);
    if (key !== undefined) stackCache.set(key, compiled);
    // A failed compile is not remembered: the caller reports it, and a retry should try again.
    compiled.catch(() => {
      if (key !== undefined) stackCache.delete(key);
    });
  }
  const stack = await compiled;
  if (secrets) checkSecrets(input.stackFile, stack.plan.secretInputs, secrets);
  return stack;
}
