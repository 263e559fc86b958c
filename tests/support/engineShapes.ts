// The declared resources as a stack policy receives them from the real engine, rather than as the
// mock engine records them: a provider's outputs, where a Secret keeps only base64 `data`, and, on the
// first preview, the values nobody knows yet (PagerDuty integration keys) left unknown.
import { pagerdutyKeyFile, RESOURCE_TYPES } from "../../core/conventions";
import { plain } from "../../core/secretValues";
import type { PolicyResourceLike } from "../../policies/view";

export type Shape = "mock inputs" | "engine outputs" | "first preview";

export const SHAPES: readonly Shape[] = ["mock inputs", "engine outputs", "first preview"];

const [KEY_PREFIX, KEY_SUFFIX] = pagerdutyKeyFile("\u0000").split("\u0000");
/** A key file of the Secret, filled from a PagerDuty integration key. */
const isKeyFile = (file: string) => file.startsWith(KEY_PREFIX) && file.endsWith(KEY_SUFFIX);

function secretOutputs(resource: PolicyResourceLike, preview: boolean): PolicyResourceLike {
  const { stringData, data, ...props } = resource.props;
  const files: Record<string, unknown> = { ...((plain(data) ?? {}) as Record<string, unknown>) };
  for (const [file, value] of Object.entries((plain(stringData) ?? {}) as Record<string, unknown>)) {
    // The provider folds stringData into data, base64; Kubernetes never returns stringData.
    const known = plain(value);
    files[file] =
      known === undefined || (preview && isKeyFile(file))
        ? undefined
        : Buffer.from(String(known)).toString("base64");
  }
  return { ...resource, props: { ...props, data: files } };
}

/** The resources in one shape; the mock engine's own is the one `npm run render` records. */
export function inShape(resources: readonly PolicyResourceLike[], shape: Shape): PolicyResourceLike[] {
  if (shape === "mock inputs") return [...resources];
  const preview = shape === "first preview";
  return resources.map((resource) => {
    if (resource.type === RESOURCE_TYPES.secret) return secretOutputs(resource, preview);
    if (preview && resource.type === RESOURCE_TYPES.serviceIntegration) {
      return { ...resource, props: { ...resource.props, integrationKey: undefined } };
    }
    return resource;
  });
}
