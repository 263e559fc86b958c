// Whether a PromQL expression's result can still carry a label, read from Prometheus' own grammar:
// an aggregation without it in `by`, a `without` that names it, a one-to-one match `on` other labels
// or a function that makes new series all drop it. A selector may carry any label, so an expression
// is trusted to keep a label unless some operation on the way to its result drops it.
import { parser } from "@prometheus-io/lezer-promql";

type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

export type LabelVerdict = { kept: true } | { kept: false; droppedBy: string };

const KEPT: LabelVerdict = { kept: true };
/** Aggregations that select series rather than merge them, so every label survives. */
const SELECTING = new Set(["Topk", "Bottomk", "LimitK", "LimitRatio"]);
/** Functions whose result is a new series with no labels of their input. */
const LABELLESS = new Set(["Vector", "Time", "Scalar", "Absent", "AbsentOverTime", "Pi"]);
const LITERALS = new Set(["NumberDurationLiteral", "StringLiteral"]);

function children(node: SyntaxNode): SyntaxNode[] {
  const list: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) list.push(child);
  return list;
}

const isExpr = (node: SyntaxNode) => !LITERALS.has(node.name) && node.type.isError === false;

/** The labels of a `by (…)`, `without (…)`, `on (…)` or `group_left (…)` clause. */
function groupingLabels(node: SyntaxNode | undefined, text: string): string[] {
  const grouping = node ? children(node).find((child) => child.name === "GroupingLabels") : undefined;
  return grouping
    ? children(grouping)
        .filter((child) => child.name === "LabelName")
        .map((child) => text.slice(child.from, child.to))
    : [];
}

const unquote = (text: string) => text.replace(/^["'`]|["'`]$/g, "");

function verdict(node: SyntaxNode | null | undefined, label: string, text: string): LabelVerdict {
  if (!node) return KEPT;
  const dropped = (): LabelVerdict => {
    const snippet = text.slice(node.from, node.to).replace(/\s+/g, " ");
    return { kept: false, droppedBy: snippet.length > 60 ? `${snippet.slice(0, 57)}…` : snippet };
  };
  switch (node.name) {
    case "PromQL":
    case "ParenExpr":
    case "OffsetExpr":
    case "StepInvariantExpr":
    case "SubqueryExpr":
    case "MatrixSelector":
      return verdict(children(node).find(isExpr), label, text);
    case "UnaryExpr":
      return verdict(children(node).filter(isExpr).pop(), label, text);
    case "VectorSelector":
      return KEPT;
    case "NumberDurationLiteral":
    case "StringLiteral":
      return dropped();
    case "AggregateExpr":
      return aggregate(node, label, text, dropped);
    case "FunctionCall":
      return call(node, label, text, dropped);
    case "BinaryExpr":
      return binary(node, label, text, dropped);
    default:
      return KEPT;
  }
}

function aggregate(node: SyntaxNode, label: string, text: string, dropped: () => LabelVerdict): LabelVerdict {
  const parts = children(node);
  const op = parts.find((child) => child.name === "AggregateOp")?.firstChild?.name ?? "";
  const body = parts.find((child) => child.name === "FunctionCallBody");
  const args = body ? children(body) : [];
  const input = args.filter(isExpr).pop();
  if (SELECTING.has(op)) return verdict(input, label, text);
  if (op === "CountValues" && args[0] && unquote(text.slice(args[0].from, args[0].to)) === label) return KEPT;
  const modifier = parts.find((child) => child.name === "AggregateModifier");
  const listed = groupingLabels(modifier, text);
  const without = modifier ? children(modifier).some((child) => child.name === "Without") : false;
  if (!modifier || (without ? listed.includes(label) : !listed.includes(label))) return dropped();
  return verdict(input, label, text);
}

function call(node: SyntaxNode, label: string, text: string, dropped: () => LabelVerdict): LabelVerdict {
  const name = children(node).find((child) => child.name === "FunctionIdentifier")?.firstChild?.name ?? "";
  const body = children(node).find((child) => child.name === "FunctionCallBody");
  const args = body ? children(body) : [];
  if (LABELLESS.has(name)) return dropped();
  if ((name === "LabelReplace" || name === "LabelJoin") && args[1]) {
    if (unquote(text.slice(args[1].from, args[1].to)) === label) return KEPT;
  }
  return verdict(args.find(isExpr), label, text);
}

/** A scalar side: a number, or an expression of numbers. */
function isScalar(node: SyntaxNode | undefined): boolean {
  if (!node) return false;
  if (node.name === "NumberDurationLiteral") return true;
  if (node.name === "ParenExpr" || node.name === "UnaryExpr")
    return isScalar(children(node).filter(isExpr).pop());
  if (node.name === "FunctionCall") {
    const name = children(node).find((child) => child.name === "FunctionIdentifier")?.firstChild?.name;
    return name === "Scalar" || name === "Time" || name === "Pi";
  }
  if (node.name === "BinaryExpr") {
    const sides = [node.firstChild, node.lastChild].filter((side): side is SyntaxNode => side !== null);
    return sides.every((side) => isScalar(side));
  }
  return false;
}

function binary(node: SyntaxNode, label: string, text: string, dropped: () => LabelVerdict): LabelVerdict {
  const parts = children(node);
  const [left, operator, right] = [parts[0], parts[1], parts[parts.length - 1]];
  if (operator?.name === "Or") {
    // Series of either side reach the result, so both must keep it.
    const first = verdict(left, label, text);
    return first.kept ? verdict(right, label, text) : first;
  }
  if (operator?.name === "And" || operator?.name === "Unless") return verdict(left, label, text);
  if (isScalar(right)) return verdict(left, label, text);
  if (isScalar(left)) return verdict(right, label, text);
  const clause = parts.find((child) => child.name === "MatchingModifierClause");
  const clauseParts = clause ? children(clause) : [];
  const labelLists = clauseParts.filter((child) => child.name === "GroupingLabels");
  const names = (list: SyntaxNode | undefined) =>
    list ? children(list).map((child) => text.slice(child.from, child.to)) : [];
  const grouped = clauseParts.find((child) => child.name === "GroupLeft" || child.name === "GroupRight");
  if (grouped) {
    // The many side keeps its labels; the one side lends those named in group_left/group_right (…).
    const [many, one] = grouped.name === "GroupLeft" ? [left, right] : [right, left];
    return names(labelLists[1]).includes(label) ? verdict(one, label, text) : verdict(many, label, text);
  }
  // One-to-one: the result keeps only the `on` labels, or all but the `ignoring` ones.
  const on = clauseParts.some((child) => child.name === "On");
  const listed = names(labelLists[0]);
  if (on ? !listed.includes(label) : listed.includes(label)) return dropped();
  return verdict(left, label, text);
}

/** Whether `expr`'s result can carry `label`, and if not, the part of it that drops the label. */
export function labelKept(expr: string, label: string): LabelVerdict {
  return verdict(parser.parse(expr).topNode, label, expr);
}
