// Alertmanager 0.25's inhibition (inhibit/inhibit.go): whether a firing alert holds another back.
import { compileMatchers, type LabelTest, labelValue, parseMatchers } from "./matchers";
import type { AmConfig, LabelSet } from "./types";

interface CompiledRule {
  source: LabelTest;
  target: LabelTest;
  equal: readonly string[];
}

const cache = new WeakMap<AmConfig, CompiledRule[]>();

function compileSide(lines: readonly string[] | undefined, field: string): LabelTest {
  return compileMatchers(
    (lines ?? []).flatMap((line, i) => {
      try {
        return parseMatchers(line);
      } catch (error) {
        throw new Error(`${field}[${i}]: ${(error as Error).message}`);
      }
    }),
  );
}

function compiledRules(config: AmConfig): CompiledRule[] {
  let rules = cache.get(config);
  if (!rules) {
    rules = (config.inhibit_rules ?? []).map((rule, i) => ({
      source: compileSide(rule.source_matchers, `inhibit_rules[${i}].source_matchers`),
      target: compileSide(rule.target_matchers, `inhibit_rules[${i}].target_matchers`),
      equal: rule.equal ?? [],
    }));
    cache.set(config, rules);
  }
  return rules;
}

function equalOn(names: readonly string[], a: LabelSet, b: LabelSet): boolean {
  for (const name of names) if (labelValue(a, name) !== labelValue(b, name)) return false;
  return true;
}

/**
 * The first firing alert that inhibits `target`, if any. When the target also matches a rule's
 * source side, sources that match the target side too are skipped: otherwise an alert would inhibit
 * itself, and two alerts of the same kind would inhibit each other.
 */
export function inhibitingAlert(
  config: AmConfig,
  firing: readonly LabelSet[],
  target: LabelSet,
): LabelSet | undefined {
  for (const rule of compiledRules(config)) {
    if (!rule.target(target)) continue;
    const twoSided = rule.source(target);
    for (const alert of firing) {
      if (!rule.source(alert) || !equalOn(rule.equal, alert, target)) continue;
      if (twoSided && rule.target(alert)) continue;
      return alert;
    }
  }
  return undefined;
}
