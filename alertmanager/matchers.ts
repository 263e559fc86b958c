// Alertmanager 0.25's matchers: the `matchers:` syntax as pkg/labels parses it, and matching as the
// dispatcher and the inhibitor do it. Ported rule for rule, because amtool is the judge of our answers.
import type { LabelSet } from "./types";

export type MatchOp = "=" | "!=" | "=~" | "!~";

/** One parsed matcher: a label name, an operator and a value (a regular expression for `=~`, `!~`). */
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

export type LabelTest = (labels: LabelSet) => boolean;

// pkg/labels/parse.go's pattern. Go's `\s` is ASCII only, so it is spelled out; Alertmanager accepts
// `:` in names (a Prometheus metric-name character), so a config it loads is one we can judge.
const MATCHER =
  /^[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*([\s\S]*?)[\t\n\f\r ]*$/;

/** A label's value; a missing label reads as the empty string, as in Alertmanager. */
export function labelValue(labels: LabelSet, name: string): string {
  const value = labels[name];
  // `typeof` rather than `in`: inherited members such as `constructor` are not labels.
  return typeof value === "string" ? value : "";
}

function unescapeValue(text: string, raw: string): string {
  const quoted = raw.startsWith('"');
  const body = quoted ? raw.slice(1) : raw;
  let expectTrailingQuote = quoted;
  let value = "";
  let escaped = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (escaped) {
      escaped = false;
      // A spurious escape keeps its backslash, as Alertmanager tolerates it.
      value += c === "n" ? "\n" : c === '"' || c === "\\" ? c : `\\${c}`;
    } else if (c === "\\") {
      if (i < body.length - 1) escaped = true;
      else value += c;
    } else if (c === '"') {
      if (!expectTrailingQuote || i < body.length - 1) {
        throw new Error(`bad matcher ${JSON.stringify(text)}: the value contains an unescaped double quote`);
      }
      expectTrailingQuote = false;
    } else {
      value += c;
    }
  }
  if (expectTrailingQuote)
    throw new Error(`bad matcher ${JSON.stringify(text)}: the value lacks its closing quote`);
  return value;
}

/** One matcher in Alertmanager's syntax: `name op value`, the value quoted or bare. */
export function parseMatcher(text: string): Matcher {
  const found = MATCHER.exec(text);
  if (!found) {
    throw new Error(
      `bad matcher ${JSON.stringify(text)}: expected name, operator and value, e.g. severity="critical"`,
    );
  }
  const matcher: Matcher = { name: found[1], op: found[2] as MatchOp, value: unescapeValue(text, found[3]) };
  // Alertmanager compiles the regex while parsing, so a bad one is a bad matcher.
  if (matcher.op === "=~" || matcher.op === "!~") anchoredRegExp(matcher);
  return matcher;
}

/**
 * A line of `matchers:` as Alertmanager reads it: one or more matchers separated by commas outside
 * quotes, optionally in braces. Almost always one matcher, but a config may hold `a="1", b="2"`.
 */
export function parseMatchers(text: string): Matcher[] {
  const inner = text.replace(/^\{/, "").replace(/\}$/, "");
  const tokens: string[] = [];
  let token = "";
  let insideQuotes = false;
  let escaped = false;
  for (const c of inner) {
    if (c === "," && !insideQuotes) {
      tokens.push(token);
      token = "";
      continue;
    }
    // Mirrors pkg/labels: a comma inside quotes leaves `escaped` as it was.
    if (c === '"') {
      if (escaped) escaped = false;
      else insideQuotes = !insideQuotes;
    } else if (c === "\\") {
      escaped = !escaped;
    } else if (c !== ",") {
      escaped = false;
    }
    token += c;
  }
  if (token.trim() !== "") tokens.push(token.trim());
  return tokens.map(parseMatcher);
}

/** How our renderer writes a matcher (`matcherText`): `name="value"` with JSON quoting. */
export function formatMatcher(matcher: Matcher): string {
  return `${matcher.name}${matcher.op}${JSON.stringify(matcher.value)}`;
}

// A leading Go flag group applies to the whole value, which is exactly what a JS flag does.
const GO_FLAGS = /^\(\?([is]+)\)/;

/**
 * The value anchored as Alertmanager anchors it, `^(?:value)$`. Go's `.` matches any code point but
 * a newline, so the `u` flag comes first; a pattern only non-Unicode JS accepts (`\-` outside a
 * class, which RE2 allows) falls back to it. Other RE2/JS corner cases are accepted as they are.
 */
export function anchoredRegExp(matcher: Matcher): RegExp {
  const flags = GO_FLAGS.exec(matcher.value);
  const body = flags ? matcher.value.slice(flags[0].length) : matcher.value;
  const extra = flags ? [...new Set(flags[1])].join("") : "";
  const source = `^(?:${body})$`;
  try {
    return new RegExp(source, `u${extra}`);
  } catch {
    try {
      return new RegExp(source, extra);
    } catch (error) {
      throw new Error(
        `bad matcher ${formatMatcher(matcher)}: invalid regular expression: ${(error as Error).message}`,
      );
    }
  }
}

/** A test of one matcher, built once; the returned function allocates nothing. */
export function compileMatcher(matcher: Matcher): LabelTest {
  const { name, value } = matcher;
  switch (matcher.op) {
    case "=":
      return (labels) => labelValue(labels, name) === value;
    case "!=":
      return (labels) => labelValue(labels, name) !== value;
    case "=~": {
      const re = anchoredRegExp(matcher);
      return (labels) => re.test(labelValue(labels, name));
    }
    case "!~": {
      const re = anchoredRegExp(matcher);
      return (labels) => !re.test(labelValue(labels, name));
    }
    default:
      throw new Error(`matcher ${JSON.stringify(matcher)}: unknown operator`);
  }
}

/** All matchers must match; no matchers match everything. */
export function compileMatchers(matchers: readonly Matcher[]): LabelTest {
  const tests = matchers.map(compileMatcher);
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0];
  return (labels) => {
    for (const test of tests) if (!test(labels)) return false;
    return true;
  };
}
