// PromQL checks with the Prometheus project's own grammar.
import { parser } from "@prometheus-io/lezer-promql";
import { lineAndColumn } from "./errors";

export interface PromqlSyntaxError {
  line: number;
  column: number;
  near: string;
}

// Validation and the policy pack parse the same expressions in one process; parse each once.
const parsed = new Map<string, PromqlSyntaxError | null>();

/** The first syntax error in an expression, or undefined when it parses. */
export function findSyntaxError(expr: string): PromqlSyntaxError | undefined {
  let found = parsed.get(expr);
  if (found === undefined) {
    found = syntaxError(expr) ?? null;
    parsed.set(expr, found);
  }
  return found ?? undefined;
}

function syntaxError(expr: string): PromqlSyntaxError | undefined {
  if (expr.trim() === "") return { line: 1, column: 1, near: "" };
  let found: PromqlSyntaxError | undefined;
  parser.parse(expr).iterate({
    enter: (node) => {
      if (found) return false;
      if (node.type.isError) {
        const near = expr.slice(node.from, Math.max(node.to, node.from + 12)).split("\n")[0];
        found = { ...lineAndColumn(expr, node.from), near };
        return false;
      }
      return undefined;
    },
  });
  return found;
}

const COMPARISONS = new Set(["Gtr", "Gte"]);

/**
 * The number an expression's top-level `>`/`>=` compares with (`… > 5` → 5), or undefined when its
 * outermost operation is not such a comparison against a number literal.
 */
export function topLevelThreshold(expr: string): number | undefined {
  const top = parser.parse(expr).topNode.firstChild;
  if (top?.name !== "BinaryExpr") return undefined;
  const children = [];
  for (let child = top.firstChild; child; child = child.nextSibling) children.push(child);
  const operator = children.find((child) => COMPARISONS.has(child.name));
  // `> bool 5` yields 0 or 1 for every series instead of filtering, so it has no threshold.
  if (children.some((child) => child.name === "BoolModifier")) return undefined;
  const right = children[children.length - 1];
  if (!operator || !right?.name.startsWith("NumberDurationLiteral")) return undefined;
  const value = Number(expr.slice(right.from, right.to));
  return Number.isFinite(value) ? value : undefined;
}

/** A metric an expression selects, with the labels its selector pins to one value (`name="v"`). */
export interface Selection {
  metric: string;
  equals: Record<string, string>;
  /** Its `=~` matchers: label → the regex, as written (Prometheus anchors it). */
  matches: Record<string, string>;
}

/** Every vector selector of an expression that names its metric, with its equality matchers. */
export function selectionsOf(expr: string): Selection[] {
  const found: Selection[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.name !== "VectorSelector") return undefined;
      const identifier = node.node.getChild("Identifier");
      if (!identifier) return false;
      const equals: Record<string, string> = {};
      const matches: Record<string, string> = {};
      for (const matcher of node.node.getChild("LabelMatchers")?.getChildren("UnquotedLabelMatcher") ?? []) {
        const name = matcher.getChild("LabelName");
        const value = matcher.getChild("StringLiteral");
        const op = matcher.getChild("MatchOp");
        if (!name || !value || !op) continue;
        const into = op.getChild("EqlSingle") ? equals : op.getChild("EqlRegex") ? matches : undefined;
        if (into) into[expr.slice(name.from, name.to)] = expr.slice(value.from + 1, value.to - 1);
      }
      found.push({ metric: expr.slice(identifier.from, identifier.to), equals, matches });
      return false;
    },
  });
  return found;
}
