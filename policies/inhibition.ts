// The SEV1 invariant on the declared Alertmanager config: an inhibit rule that can hold back a P1
// alert has a source that is itself P1. Read off each rule's matchers: whether its targets admit
// `priority="P1"`, and whether its sources admit nothing else.
import { compileMatchers, type Matcher, parseMatcher } from "../alertmanager/matchers";
import { LABEL, SEV1_PRIORITY } from "../core/conventions";
import { stackPolicy } from "./policy";

/** Whether the matchers on `priority` alone let an alert with this priority through. */
function admits(matchers: readonly Matcher[], priority: string): boolean {
  return compileMatchers(matchers.filter((matcher) => matcher.name === LABEL.priority))({
    [LABEL.priority]: priority,
  });
}

export const sev1NeverHeldBackPolicy = stackPolicy({
  name: "sev1-never-held-back",
  description:
    "No inhibit rule holds back a P1 (SEV1) alert with a source that is not P1 itself: a lesser alert never hides a SEV1.",
  enforcementLevel: "mandatory",
  defaults: {},
  configSchema: {},
  check(view, _config, report) {
    const am = view.alertmanager;
    if (!am) return;
    (am.config.inhibit_rules ?? []).forEach((rule, i) => {
      const targets = (rule.target_matchers ?? []).map(parseMatcher);
      const sources = (rule.source_matchers ?? []).map(parseMatcher);
      // Any other priority a source may have, the empty one included, is not a SEV1.
      const lesserSource = ["", "P2", "P3", "P4", "P5", "none"].some((priority) => admits(sources, priority));
      if (admits(targets, SEV1_PRIORITY) && lesserSource) {
        report(
          `inhibit_rules[${i}] can hold back a ${SEV1_PRIORITY} alert with a source that is not ${SEV1_PRIORITY}: add priority!="${SEV1_PRIORITY}" to its target_matchers, or priority="${SEV1_PRIORITY}" to its source_matchers.`,
          am.resource.urn,
        );
      }
    });
  },
});
