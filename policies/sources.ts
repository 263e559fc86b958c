// Where a violation's offending value was written, in the terms validation uses: a rule's catalogue
// file, its path and field; the stack file, and the resource, for what the stack's config declares.
import { CONFIG_KEYS, PROJECT, ruleGroupName } from "../core/conventions";
import type { Issue } from "../core/errors";
import type { Rule } from "../core/rules";
import type { AlertingModel } from "../input/model";
import type { ViolationSubject } from "./policy";
import type { Violation } from "./run";

/** A rule the catalogue lists as written, whose fields are its own: not an SLO's generated rule. */
const CATALOGUE_RULE = /^groups\[\d+\]\.rules\[\d+\]$/;

/** The rule of the model the subject names; undefined when no one rule answers to its name. */
function ruleOf(model: AlertingModel, subject: ViolationSubject): Rule | undefined {
  const vertical = model.verticals.find((candidate) => candidate.id === subject.vertical);
  const group = vertical?.groups.find(
    (candidate) => ruleGroupName(vertical.id, candidate.name) === subject.rule?.group,
  );
  const named = (group?.rules ?? []).filter(
    (rule) => (rule.kind === "alert" ? rule.name : rule.record) === subject.rule?.name,
  );
  return named.length === 1 ? named[0] : undefined;
}

/**
 * A violation as a validation issue: a rule's at its source (`alerts/sales.yaml`,
 * `groups[1].rules[0].annotations.description`), a bridge-declared alert's at the stack file's bridge
 * section, a vertical's at its catalogue, anything else at the stack file and the resource that holds it.
 */
export function violationIssue(violation: Violation, model: AlertingModel): Issue {
  const message = `${violation.message} (${violation.enforcementLevel} policy ${violation.policy})`;
  const subject = violation.subject;
  const rule = subject?.rule ? ruleOf(model, subject) : undefined;
  if (rule) {
    const { file, path } = rule.source;
    const field = subject?.field && CATALOGUE_RULE.test(path) ? `.${subject.field}` : "";
    return { file, path: `${path}${field}`, message };
  }
  // An alert the bridge declares is written in the stack file's bridge section.
  if (subject?.bridgeSource !== undefined) {
    return { file: model.stackFile, path: `${PROJECT}:${CONFIG_KEYS.bridge}`, message };
  }
  const vertical = model.verticals.find((candidate) => candidate.id === subject?.vertical);
  if (vertical) return { file: vertical.catalogueFile, path: "", message };
  return { file: model.stackFile, path: violation.resource ?? "", message };
}
