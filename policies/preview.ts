// A first preview does not know every value yet (the PagerDuty integration keys in the key Secret).
// The other policies step around such a value rather than fail; this one says which they stepped around.
import { stackPolicy } from "./policy";

export const valuesKnownAtPreviewPolicy = stackPolicy<Record<string, never>>({
  name: "values-known-at-preview",
  description:
    "Values the engine does not know during a preview are named, since the checks that read them run only at the update.",
  enforcementLevel: "advisory",
  defaults: {},
  configSchema: {},
  check(view, _config, report) {
    for (const { resource, field } of view.unknowns) {
      report(
        `${resource.type.split(":").pop()} ${resource.name}: ${field} is not known during this preview; the leak and size checks read it at the update.`,
        resource.urn,
      );
    }
  },
});
