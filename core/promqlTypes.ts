// What Prometheus 2.42's parser refuses in an expression its grammar reads: argument types and counts
// of functions and aggregations, operands of binary and unary operators, ranges and subqueries of the
// wrong type, misplaced offset and @ modifiers, selectors matching everything, regular expressions,
// numbers, durations and strings. @prometheus-io/lezer-promql reads a newer PromQL than 2.42, so what
// 2.42 lacks (newer functions, aggregations, modifiers and syntax) is refused here as well.
import { parser } from "@prometheus-io/lezer-promql";
import { durationProblem, parseDuration } from "./duration";
import { lineAndColumn } from "./errors";
import { goUnquote } from "./goStrings";

export type ValueType = "scalar" | "instant vector" | "range vector" | "string";

export interface PromqlTypeError {
  line: number;
  column: number;
  message: string;
}

export type TypeCheck = { ok: true; type: ValueType } | ({ ok: false } & PromqlTypeError);

type Node = ReturnType<typeof parser.parse>["topNode"];

const V: ValueType = "instant vector";
const M: ValueType = "range vector";
const S: ValueType = "scalar";
const STR: ValueType = "string";

interface Signature {
  args: ValueType[];
  /** 0: exactly `args`; n > 0: the last argument is optional, and repeats up to n times; -1: repeats freely. */
  variadic?: number;
  returns?: ValueType;
}

const over = (args: ValueType[], variadic?: number): Signature => ({ args, variadic });

/** Prometheus 2.42's functions (promql/parser/functions.go at v2.42.0). */
const FUNCTIONS: Readonly<Record<string, Signature>> = {
  abs: over([V]),
  absent: over([V]),
  absent_over_time: over([M]),
  acos: over([V]),
  acosh: over([V]),
  asin: over([V]),
  asinh: over([V]),
  atan: over([V]),
  atanh: over([V]),
  avg_over_time: over([M]),
  ceil: over([V]),
  changes: over([M]),
  clamp: over([V, S, S]),
  clamp_max: over([V, S]),
  clamp_min: over([V, S]),
  cos: over([V]),
  cosh: over([V]),
  count_over_time: over([M]),
  days_in_month: over([V], 1),
  day_of_month: over([V], 1),
  day_of_week: over([V], 1),
  day_of_year: over([V], 1),
  deg: over([V]),
  delta: over([M]),
  deriv: over([M]),
  exp: over([V]),
  floor: over([V]),
  histogram_count: over([V]),
  histogram_sum: over([V]),
  histogram_fraction: over([S, S, V]),
  histogram_quantile: over([S, V]),
  holt_winters: over([M, S, S]),
  hour: over([V], 1),
  idelta: over([M]),
  increase: over([M]),
  irate: over([M]),
  label_replace: over([V, STR, STR, STR, STR]),
  label_join: over([V, STR, STR, STR], -1),
  last_over_time: over([M]),
  ln: over([V]),
  log10: over([V]),
  log2: over([V]),
  max_over_time: over([M]),
  min_over_time: over([M]),
  minute: over([V], 1),
  month: over([V], 1),
  pi: { args: [], returns: S },
  predict_linear: over([M, S]),
  present_over_time: over([M]),
  quantile_over_time: over([S, M]),
  rad: over([V]),
  rate: over([M]),
  resets: over([M]),
  round: over([V, S], 1),
  scalar: { args: [V], returns: S },
  sgn: over([V]),
  sin: over([V]),
  sinh: over([V]),
  sort: over([V]),
  sort_desc: over([V]),
  sqrt: over([V]),
  stddev_over_time: over([M]),
  stdvar_over_time: over([M]),
  sum_over_time: over([M]),
  tan: over([V]),
  tanh: over([V]),
  time: { args: [], returns: S },
  timestamp: over([V]),
  vector: over([S]),
  year: over([V], 1),
};

/** Prometheus 2.42's aggregations, with the type of the parameter of those that take one. */
const AGGREGATIONS: Readonly<Record<string, ValueType | undefined>> = {
  sum: undefined,
  avg: undefined,
  count: undefined,
  min: undefined,
  max: undefined,
  group: undefined,
  stddev: undefined,
  stdvar: undefined,
  topk: S,
  bottomk: S,
  quantile: S,
  count_values: STR,
};

const COMPARISONS = new Set(["Eql", "Neq", "Gtr", "Lss", "Gte", "Lte"]);
const SET_OPERATORS = new Set(["And", "Or", "Unless"]);
const ARITHMETIC = new Set(["Add", "Sub", "Mul", "Div", "Mod", "Pow", "Atan2"]);
const NUMBER = /^[+-]?(0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[iI][nN][fF]|[nN][aA][nN])$/;
/** Prometheus refuses an @ timestamp (in seconds) beyond what an int64 holds. */
const TIMESTAMP_LIMIT = 2 ** 63;

class Failure extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

function children(node: Node): Node[] {
  const found: Node[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name !== "LineComment") found.push(child);
  }
  return found;
}

/**
 * An expression grouped as Prometheus' parser groups it. The lezer grammar gives a range, a subquery,
 * offset and @ a lower precedence than operators (`a + b offset 5m` is read as `(a + b) offset 5m`);
 * Prometheus applies them to the operand just before them, so they are moved down onto it.
 */
type Expr =
  | { kind: "leaf"; node: Node; from: number }
  | { kind: "binary"; node: Node; from: number; lhs: Expr; rhs: Expr }
  | { kind: "unary"; node: Node; from: number; operand: Expr }
  | { kind: "postfix"; node: Node; from: number; inner: Expr };

const POSTFIX = new Set(["MatrixSelector", "SubqueryExpr", "OffsetExpr", "StepInvariantExpr"]);

function build(node: Node): Expr {
  const parts = children(node);
  if (node.name === "BinaryExpr") {
    return {
      kind: "binary",
      node,
      from: node.from,
      lhs: build(parts[0]),
      rhs: build(parts[parts.length - 1]),
    };
  }
  if (node.name === "UnaryExpr") return { kind: "unary", node, from: node.from, operand: build(parts[1]) };
  if (POSTFIX.has(node.name)) return attach(node, build(parts[0]));
  return { kind: "leaf", node, from: node.from };
}

function attach(postfix: Node, inner: Expr): Expr {
  if (inner.kind === "binary") return { ...inner, rhs: attach(postfix, inner.rhs) };
  if (inner.kind === "unary") return { ...inner, operand: attach(postfix, inner.operand) };
  return { kind: "postfix", node: postfix, from: inner.from, inner };
}

const isLeaf = (expr: Expr, name: string) => expr.kind === "leaf" && expr.node.name === name;
const isPostfix = (expr: Expr, name: string) => expr.kind === "postfix" && expr.node.name === name;

class Checker {
  constructor(private readonly text: string) {}

  private source(node: Node): string {
    return this.text.slice(node.from, node.to);
  }

  private fail(at: Node | Expr, message: string): never {
    throw new Failure(at.from, message);
  }

  private unsupported(node: Node): never {
    this.fail(node, `\`${this.source(node).split("\n")[0]}\` is not PromQL that Prometheus 2.42 reads`);
  }

  expression(node: Node): ValueType {
    return this.typeOf(build(node));
  }

  private typeOf(expr: Expr): ValueType {
    switch (expr.kind) {
      case "binary":
        return this.binary(expr);
      case "unary":
        return this.unary(expr);
      case "postfix":
        if (expr.node.name === "MatrixSelector") return this.range(expr);
        if (expr.node.name === "SubqueryExpr") return this.subquery(expr);
        return this.modifier(expr);
    }
    const node = expr.node;
    switch (node.name) {
      case "ParenExpr":
        return this.expression(children(node)[0]);
      case "NumberDurationLiteral":
        this.number(node);
        return S;
      case "StringLiteral":
        this.string(node);
        return STR;
      case "VectorSelector":
        this.selector(node);
        return V;
      case "FunctionCall":
        return this.call(node);
      case "AggregateExpr":
        return this.aggregate(node);
      default:
        return this.unsupported(node);
    }
  }

  private expect(node: Node, want: ValueType, context: string): void {
    const got = this.expression(node);
    if (got !== want) this.fail(node, `expected type ${want} in ${context}, got ${got}`);
  }

  private number(node: Node): number {
    const text = this.source(node);
    if (!NUMBER.test(text)) {
      if (durationProblem(text.replace(/^[+-]/, ""))) this.fail(node, `bad number "${text}"`);
      this.fail(
        node,
        `unexpected duration "${text}": Prometheus 2.42 reads a duration only in a range, a subquery or an offset`,
      );
    }
    return /^[+-]?0[xX]/.test(text) ? Number.parseInt(text, 16) : Number(text);
  }

  /** A PromQL string's value; a raw (backquoted) string has no escapes, others Go's. */
  private string(node: Node): string {
    const text = this.source(node);
    const body = text.slice(1, -1);
    if (text[0] === "`") return body;
    const unquoted = goUnquote(body, text[0]);
    return unquoted.ok ? unquoted.value : this.fail(node, `${unquoted.problem} in string ${text}`);
  }

  private selector(node: Node): void {
    const named = node.getChild("Identifier") !== null;
    const matchers = node.getChild("LabelMatchers");
    let selective = named;
    for (const matcher of matchers ? children(matchers) : []) {
      if (matcher.name !== "UnquotedLabelMatcher") this.unsupported(matcher);
      const [name, op, value] = children(matcher);
      const label = this.source(name);
      const kind = children(op)[0]?.name;
      const text = this.string(value);
      if (named && label === "__name__") {
        this.fail(
          node,
          `metric name must not be set twice: "${this.source(node.firstChild as Node)}" or "${text}"`,
        );
      }
      const regex = kind === "EqlRegex" || kind === "NeqRegex";
      if (regex) {
        const problem = regexProblem(text);
        if (problem) this.fail(value, `invalid regular expression ${this.source(value)}: ${problem}`);
      }
      const matchesEmpty = regex ? matchesEmptyString(text) : text === "";
      if ((kind === "EqlSingle" || kind === "EqlRegex") === !matchesEmpty) selective = true;
    }
    if (!selective)
      this.fail(node, "a vector selector must contain at least one matcher that excludes the empty value");
  }

  private duration(node: Node, what: string): void {
    const parts = children(node);
    const literal = parts[0];
    if (parts.length !== 1 || literal.name !== "NumberDurationLiteralInDurationContext")
      this.unsupported(node);
    const text = this.source(literal);
    const problem = durationProblem(text);
    if (problem) {
      const hint = /^\d+(\.\d+)?$/.test(text) ? "needs a unit (like 5m)" : problem;
      this.fail(literal, `${what} "${text}" ${hint}`);
    }
    if (parseDuration(text) === 0) this.fail(literal, `${what} "${text}" must be greater than 0`);
  }

  private range(expr: Expr & { kind: "postfix" }): ValueType {
    const { inner } = expr;
    if (isPostfix(inner, "OffsetExpr"))
      this.fail(expr, "no offset modifier is allowed before a range: write foo[5m] offset 1m");
    if (isPostfix(inner, "StepInvariantExpr"))
      this.fail(expr, "no @ modifier is allowed before a range: write foo[5m] @ 100");
    if (!isLeaf(inner, "VectorSelector")) {
      this.fail(
        expr,
        "a range [..] applies only to a vector selector; use a subquery [5m:1m] on other expressions",
      );
    }
    this.selector(inner.node);
    this.duration(children(expr.node)[1], "range");
    return M;
  }

  private subquery(expr: Expr & { kind: "postfix" }): ValueType {
    const [, range, step] = children(expr.node);
    const type = this.typeOf(expr.inner);
    if (type !== V) this.fail(expr, `a subquery applies only to an instant vector, got ${type}`);
    this.duration(range, "subquery range");
    if (step) this.duration(step, "subquery step");
    return M;
  }

  /** `offset` and `@` apply to a selector or a subquery, once each. */
  private modifier(expr: Expr & { kind: "postfix" }): ValueType {
    const [, , value] = children(expr.node);
    const offset = expr.node.name === "OffsetExpr";
    const what = offset ? "offset" : "@";
    let base = expr.inner;
    while (
      base.kind === "postfix" &&
      (base.node.name === "OffsetExpr" || base.node.name === "StepInvariantExpr")
    ) {
      if (base.node.name === expr.node.name) this.fail(expr, `${what} may not be set more than once`);
      base = base.inner;
    }
    if (
      !isLeaf(base, "VectorSelector") &&
      !isPostfix(base, "MatrixSelector") &&
      !isPostfix(base, "SubqueryExpr")
    ) {
      this.fail(
        expr,
        `${what} must follow an instant vector selector, a range vector selector or a subquery`,
      );
    }
    const type = this.typeOf(expr.inner);
    if (offset) this.offset(value);
    else if (value.name === "NumberDurationLiteral") {
      const seconds = this.number(value);
      if (!Number.isFinite(seconds) || Math.abs(seconds) >= TIMESTAMP_LIMIT) {
        this.fail(value, `timestamp ${this.source(value)} is out of bounds for the @ modifier`);
      }
    } else if (value.name !== "AtModifierPreprocessors") this.unsupported(value);
    return type;
  }

  private offset(node: Node): void {
    const [first, rest] = children(node);
    // 2.42 reads a negative offset, never a signed one otherwise.
    if (first.name === "UnaryOp" && this.source(first) !== "-") this.unsupported(node);
    this.duration(first.name === "UnaryOp" ? rest : node, "offset");
  }

  private unary(expr: Expr & { kind: "unary" }): ValueType {
    const type = this.typeOf(expr.operand);
    if (type !== S && type !== V) {
      this.fail(expr, `a unary - or + applies only to a scalar or an instant vector, got ${type}`);
    }
    return type;
  }

  private binary(expr: Expr & { kind: "binary" }): ValueType {
    const parts = children(expr.node);
    const { lhs, rhs } = expr;
    const op = parts[1];
    const modifiers = parts.slice(2, -1);
    const opName = op.name;
    const operator = this.source(op).toLowerCase();
    if (!COMPARISONS.has(opName) && !SET_OPERATORS.has(opName) && !ARITHMETIC.has(opName))
      this.unsupported(op);
    const lt = this.typeOf(lhs);
    const rt = this.typeOf(rhs);
    const bool = modifiers.some((modifier) => modifier.name === "BoolModifier");
    const matching = modifiers.find((modifier) => modifier.name === "MatchingModifierClause");
    for (const modifier of modifiers) {
      if (modifier.name !== "BoolModifier" && modifier.name !== "MatchingModifierClause")
        this.unsupported(modifier);
    }
    if (bool && !COMPARISONS.has(opName)) {
      this.fail(op, `the bool modifier applies only to comparisons, not to "${operator}"`);
    }
    if (COMPARISONS.has(opName) && !bool && lt === S && rt === S) {
      this.fail(op, `a comparison between scalars must use the bool modifier: "${operator} bool"`);
    }
    const clause = matching ? this.matching(matching) : undefined;
    for (const [side, type] of [
      [lhs, lt],
      [rhs, rt],
    ] as const) {
      if (type !== S && type !== V) {
        this.fail(side, `a binary "${operator}" applies only to scalars and instant vectors, got ${type}`);
      }
    }
    if (lt !== V || rt !== V) {
      if (clause && clause.labels.length > 0) {
        this.fail(
          matching as Node,
          "vector matching (on, ignoring) applies only between two instant vectors",
        );
      }
      if (SET_OPERATORS.has(opName)) {
        this.fail(op, `the set operator "${operator}" applies only between two instant vectors`);
      }
    } else if (SET_OPERATORS.has(opName) && clause?.grouping) {
      this.fail(matching as Node, `no group_left or group_right is allowed on "${operator}"`);
    }
    return lt === S && rt === S ? S : V;
  }

  private matching(node: Node): { labels: string[]; grouping: boolean } {
    const parts = children(node);
    const on = parts[0].name === "On";
    const group = parts.findIndex((part) => part.name === "GroupLeft" || part.name === "GroupRight");
    const labelsIn = (from: number, to: number) =>
      parts.slice(from, to).flatMap((part) => (part.name === "GroupingLabels" ? this.labels(part) : []));
    const labels = labelsIn(0, group < 0 ? parts.length : group);
    const grouping = group >= 0;
    const included = grouping ? labelsIn(group, parts.length) : [];
    const both = on ? labels.find((label) => included.includes(label)) : undefined;
    if (both) this.fail(node, `label "${both}" must not be in both the on (…) and the group (…) clause`);
    return { labels, grouping };
  }

  private labels(node: Node): string[] {
    return children(node).map((label) => {
      if (label.name !== "LabelName") this.unsupported(label);
      return this.source(label);
    });
  }

  private call(node: Node): ValueType {
    const [identifier, body] = children(node);
    const name = this.source(identifier);
    const signature = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
    if (!signature) return this.fail(identifier, `"${name}" is not a function of Prometheus 2.42`);
    const args = children(body);
    const wanted = signature.args.length;
    const variadic = signature.variadic ?? 0;
    const counted = `argument(s) in call to "${name}", got ${args.length}`;
    if (variadic === 0 && args.length !== wanted) this.fail(node, `expected ${wanted} ${counted}`);
    if (variadic !== 0 && args.length < wanted - 1)
      this.fail(node, `expected at least ${wanted - 1} ${counted}`);
    if (variadic > 0 && args.length > wanted - 1 + variadic) {
      this.fail(node, `expected at most ${wanted - 1 + variadic} ${counted}`);
    }
    args.forEach((arg, i) => {
      this.expect(arg, signature.args[Math.min(i, wanted - 1)], `call to function "${name}"`);
    });
    return signature.returns ?? V;
  }

  private aggregate(node: Node): ValueType {
    const parts = children(node);
    const opNode = parts.find((part) => part.name === "AggregateOp") as Node;
    const body = parts.find((part) => part.name === "FunctionCallBody") as Node;
    const modifier = parts.find((part) => part.name === "AggregateModifier");
    const op = this.source(opNode).toLowerCase();
    if (!Object.hasOwn(AGGREGATIONS, op))
      return this.fail(opNode, `"${op}" is not an aggregation of Prometheus 2.42`);
    const grouping = modifier?.getChild("GroupingLabels");
    if (grouping) this.labels(grouping);
    const param = AGGREGATIONS[op];
    const args = children(body);
    if (args.length === 0) this.fail(node, `no arguments given to "${op}"`);
    const wanted = param ? 2 : 1;
    if (args.length !== wanted) {
      this.fail(node, `wrong number of arguments to "${op}": expected ${wanted}, got ${args.length}`);
    }
    this.expect(args[args.length - 1], V, `aggregation expression "${op}"`);
    if (param) this.expect(args[0], param, `the parameter of "${op}"`);
    return V;
  }
}

/** The Go (RE2) regular expression constructs JavaScript reads but Prometheus refuses. */
const RE2_REFUSED: readonly [RegExp, string][] = [
  [/\(\?<?[=!]/, "lookarounds are not supported"],
  [/\(\?<[A-Za-z_]/, "named groups are written (?P<name>…)"],
];
const GO_ESCAPES = new Set("afnrtvxdDsSwWbBAzpPQE");

function regexProblem(pattern: string): string | undefined {
  for (const [construct, reason] of RE2_REFUSED) if (construct.test(pattern)) return reason;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== "\\") continue;
    const next = pattern[i + 1] ?? "";
    const octal = /^[0-7]/.test(pattern.slice(i + 2));
    if (/[1-9]/.test(next) && !(next <= "7" && octal)) return `\\${next}: backreferences are not supported`;
    if (/[A-Za-z]/.test(next) && !GO_ESCAPES.has(next)) return `invalid escape sequence \\${next}`;
    i++;
  }
  for (const match of pattern.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) {
    if (Number(match[1]) > 1000 || Number(match[2] || 0) > 1000) return `invalid repeat count ${match[0]}`;
    if (match[2] && Number(match[2]) < Number(match[1])) return `invalid repeat count ${match[0]}`;
  }
  try {
    javascriptRegex(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: \/.*\/: /, "");
  }
}

/** The pattern as JavaScript reads it, anchored as Prometheus anchors label matchers. */
function javascriptRegex(pattern: string): RegExp {
  const translated = pattern
    .replace(/\(\?P</g, "(?<")
    .replace(/\(\?[imsU-]+\)/g, "")
    .replace(/\(\?[imsU-]+:/g, "(?:")
    .replace(/\\z/g, "$")
    .replace(/\\A/g, "^");
  return new RegExp(`^(?:${translated})$`);
}

function matchesEmptyString(pattern: string): boolean {
  try {
    return javascriptRegex(pattern).test("");
  } catch {
    return false;
  }
}

const checked = new Map<string, TypeCheck>();

/**
 * The type of an expression that parses, or the first thing Prometheus 2.42's parser would refuse in
 * it. Call it only on an expression without syntax errors (findSyntaxError).
 */
export function checkTypes(expr: string): TypeCheck {
  let found = checked.get(expr);
  if (!found) {
    found = typeCheck(expr);
    checked.set(expr, found);
  }
  return found;
}

function typeCheck(expr: string): TypeCheck {
  const top = children(parser.parse(expr).topNode)[0];
  try {
    return { ok: true, type: new Checker(expr).expression(top) };
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    return { ok: false, ...lineAndColumn(expr, error.at), message: error.message };
  }
}
