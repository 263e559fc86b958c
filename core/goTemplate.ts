// Go's text/template, parsed as its parser (text/template/parse, Go 1.19) parses it, without executing
// anything: delimiters, comments, actions, pipelines, operands, variables in scope, function names,
// and if/range/with/block/define blocks closed by end. Prometheus parses every alert's labels and
// annotations this way when it loads a rule file (rulefmt), with its own functions and variables.
import { lineAndColumn } from "./errors";
import { goUnquote } from "./goStrings";

/** Go's own template functions. */
const BUILTINS = "and call html index slice js len not or print printf println urlquery eq ge gt le lt ne";

/** The functions Prometheus 2.42 adds (template/template.go). */
const PROMETHEUS_FUNCTIONS = `query first label value strvalue args reReplaceAll safeHtml match title toUpper toLower
  graphLink tableLink sortByLabel humanize humanize1024 humanizeDuration humanizePercentage humanizeTimestamp
  toTime parseDuration pathPrefix externalURL stripPort stripDomain`;

/** The variables Prometheus defines before an alert's label or annotation text. */
const PROMETHEUS_VARIABLES = ["$labels", "$externalLabels", "$externalURL", "$value"];

export interface TemplateDialect {
  functions: ReadonlySet<string>;
  /** Variables defined before the text, besides `$`. */
  variables: readonly string[];
}

export const PROMETHEUS_TEMPLATES: TemplateDialect = {
  functions: new Set(`${BUILTINS} ${PROMETHEUS_FUNCTIONS}`.split(/\s+/)),
  variables: PROMETHEUS_VARIABLES,
};

export interface TemplateError {
  /** 1-based, in the text as written. */
  line: number;
  column: number;
  message: string;
}

type Kind =
  | "text"
  | "leftDelim"
  | "rightDelim"
  | "comment"
  | "space"
  | "identifier"
  | "keyword"
  | "bool"
  | "field"
  | "variable"
  | "string"
  | "rawString"
  | "charConstant"
  | "number"
  | "leftParen"
  | "rightParen"
  | "pipe"
  | "declare"
  | "assign"
  | "char"
  | "dot"
  | "eof"
  | "error";

interface Token {
  kind: Kind;
  value: string;
  at: number;
}

const KEYWORDS = new Set("block break continue define else end if range nil template with".split(" "));
const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\n";
const isAlphaNumeric = (c: string | undefined) => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);

/** text/template/parse's lexer: the whole text as tokens, ending at the first error or at EOF. */
function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const emit = (kind: Kind, from: number, to = pos) =>
    tokens.push({ kind, value: text.slice(from, to), at: from });
  const fail = (at: number, message: string) => {
    tokens.push({ kind: "error", value: message, at });
    return tokens;
  };
  const rightTrim = (at: number) =>
    isSpace(text[at]) && text[at + 1] === "-" && text.startsWith("}}", at + 2);
  const atTerminator = (at: number) =>
    at >= text.length || isSpace(text[at]) || ".,|:()".includes(text[at]) || text.startsWith("}}", at);
  const scanAlphaNumeric = () => {
    while (isAlphaNumeric(text[pos])) pos++;
  };

  while (pos < text.length) {
    const open = text.indexOf("{{", pos);
    if (open < 0) {
      emit("text", pos, text.length);
      pos = text.length;
      break;
    }
    if (open > pos) emit("text", pos, open);
    pos = open + 2;
    if (text[pos] === "-" && isSpace(text[pos + 1])) pos += 2;
    if (text.startsWith("/*", pos)) {
      const close = text.indexOf("*/", pos + 2);
      if (close < 0) return fail(open, "unclosed comment");
      pos = close + 2;
      if (rightTrim(pos)) pos += 4;
      else if (text.startsWith("}}", pos)) pos += 2;
      else return fail(open, "comment ends before closing delimiter");
      emit("comment", open);
      continue;
    }
    emit("leftDelim", open);
    let parens = 0;
    for (;;) {
      const start = pos;
      const c = text[pos];
      if (rightTrim(pos) || text.startsWith("}}", pos)) {
        if (parens > 0) return fail(pos, "unclosed left paren");
        pos += rightTrim(pos) ? 4 : 2;
        emit("rightDelim", start);
        break;
      }
      if (c === undefined) return fail(open, "unclosed action");
      pos++;
      if (isSpace(c)) {
        while (isSpace(text[pos]) && !rightTrim(pos)) pos++;
        emit("space", start);
      } else if (c === "=") emit("assign", start);
      else if (c === ":") {
        if (text[pos] !== "=") return fail(start, "expected :=");
        pos++;
        emit("declare", start);
      } else if (c === "|") emit("pipe", start);
      else if (c === '"' || c === "'") {
        for (;;) {
          const next = text[pos++];
          if (next === "\\" && text[pos] !== undefined && text[pos] !== "\n") pos++;
          else if (next === undefined || next === "\n") {
            return fail(start, c === '"' ? "unterminated quoted string" : "unterminated character constant");
          } else if (next === c) break;
        }
        emit(c === '"' ? "string" : "charConstant", start);
      } else if (c === "`") {
        const close = text.indexOf("`", pos);
        if (close < 0) return fail(start, "unterminated raw quoted string");
        pos = close + 1;
        emit("rawString", start);
      } else if (c === "$" || (c === "." && !/[0-9]/.test(text[pos] ?? ""))) {
        if (atTerminator(pos)) emit(c === "$" ? "variable" : "dot", start);
        else {
          scanAlphaNumeric();
          if (!atTerminator(pos)) return fail(pos, `bad character ${JSON.stringify(text[pos])}`);
          emit(c === "$" ? "variable" : "field", start);
        }
      } else if (c === "+" || c === "-" || c === "." || /[0-9]/.test(c)) {
        pos = start + scanNumber(text.slice(start));
        // A sign right after a number starts the imaginary part of a complex number (1+2i).
        const complex = text[pos] === "+" || text[pos] === "-";
        if (complex) pos += scanNumber(text.slice(pos));
        if (isAlphaNumeric(text[pos]) || (complex && text[pos - 1] !== "i")) {
          return fail(start, `bad number syntax: ${JSON.stringify(text.slice(start, pos + 1))}`);
        }
        emit("number", start);
      } else if (isAlphaNumeric(c)) {
        scanAlphaNumeric();
        if (!atTerminator(pos)) return fail(pos, `bad character ${JSON.stringify(text[pos])}`);
        const word = text.slice(start, pos);
        emit(
          KEYWORDS.has(word) ? "keyword" : word === "true" || word === "false" ? "bool" : "identifier",
          start,
        );
      } else if (c === "(") {
        parens++;
        emit("leftParen", start);
      } else if (c === ")") {
        if (--parens < 0) return fail(start, "unexpected right paren");
        emit("rightParen", start);
      } else if (c <= "\x7f" && c >= " ") emit("char", start);
      else return fail(start, `unrecognized character in action: ${JSON.stringify(c)}`);
    }
  }
  tokens.push({ kind: "eof", value: "", at: text.length });
  return tokens;
}

/** The length of the number at the start of `text`, as Go's template lexer scans one. */
function scanNumber(text: string): number {
  const found =
    /^[+-]?(0[xX][0-9a-fA-F_]*(\.[0-9a-fA-F_]*)?([pP][+-]?[0-9_]*)?|0[oO][0-7_]*|0[bB][01_]*|[0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9_]*)?)i?/.exec(
      text,
    );
  return found?.[0].length ?? 0;
}

const GO_INTEGER = /^[+-]?(0[xX](_?[0-9a-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+|0(_?[0-7])*|[1-9](_?\d)*)$/;
const GO_FLOAT =
  /^[+-]?(0[xX](_?[0-9a-fA-F])*(\.([0-9a-fA-F](_?[0-9a-fA-F])*)?)?[pP][+-]?\d(_?\d)*|(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?)$/;

/** Why Go's template parser refuses a number the lexer scanned, or undefined when it reads it. */
function numberProblem(text: string): string | undefined {
  // A complex number: a real part, then a signed imaginary part ending in i (or only the latter).
  const complex = /^([+-]?[^+-]*?(?:[eEpP][+-][^+-]*?)?)([+-]?[^+-]*(?:[eEpP][+-]\d+)?)i$/.exec(text);
  if (complex && (complex[1] === "" || GO_FLOAT.test(complex[1]) || GO_INTEGER.test(complex[1]))) {
    if (GO_FLOAT.test(complex[2]) || GO_INTEGER.test(complex[2])) return undefined;
  }
  if (GO_INTEGER.test(text)) {
    const magnitude = BigInt(
      text
        .replace(/_/g, "")
        .replace(/^[+-]/, "")
        .replace(/^0(?=[0-7])/, "0o"),
    );
    const limit = text.startsWith("-") ? 2n ** 63n : 2n ** 64n - 1n;
    return magnitude > limit ? `integer overflow: ${JSON.stringify(text)}` : undefined;
  }
  if (GO_FLOAT.test(text)) {
    // A float Go reads that looks like an integer (08) is taken for one too large to be one.
    return /[.eEpP]/.test(text) ? undefined : `integer overflow: ${JSON.stringify(text)}`;
  }
  return `illegal number syntax: ${JSON.stringify(text)}`;
}

class Failure extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

/** What a term is, as far as the parser's checks care. */
type Term = "literal" | "dot" | "executable";

/** End and else close a list; anything else is a node of it. */
type Parsed = "node" | "end" | "else" | "else if";

class Parser {
  private index = 0;
  private vars: string[];
  private rangeDepth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly dialect: TemplateDialect,
  ) {
    this.vars = ["$", ...dialect.variables];
  }

  private fail(at: number, message: string): never {
    throw new Failure(at, message);
  }

  private next(): Token {
    const token = this.tokens[Math.min(this.index, this.tokens.length - 1)];
    this.index++;
    return token;
  }

  private backup(count = 1): void {
    this.index -= count;
  }

  private peek(): Token {
    const token = this.next();
    this.backup();
    return token;
  }

  private nextNonSpace(): Token {
    let token = this.next();
    while (token.kind === "space") token = this.next();
    return token;
  }

  private peekNonSpace(): Token {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  private unexpected(token: Token, context: string): never {
    if (token.kind === "error") this.fail(token.at, token.value);
    const shown =
      token.kind === "eof"
        ? "EOF"
        : token.kind === "keyword"
          ? `{{${token.value}}}`
          : JSON.stringify(token.value);
    this.fail(token.at, `unexpected ${shown} in ${context}`);
  }

  private expect(kind: Kind, context: string): Token {
    const token = this.nextNonSpace();
    if (token.kind !== kind) this.unexpected(token, context);
    return token;
  }

  private keyword(token: Token, word: string): boolean {
    return token.kind === "keyword" && token.value === word;
  }

  parse(): void {
    while (this.peek().kind !== "eof") {
      if (this.peek().kind === "leftDelim") {
        const mark = this.index;
        this.next();
        if (this.keyword(this.nextNonSpace(), "define")) {
          this.definition();
          continue;
        }
        this.index = mark;
      }
      const parsed = this.textOrAction();
      if (parsed !== "node")
        this.fail(this.tokens[this.index - 1].at, `unexpected {{${parsed === "end" ? "end" : "else"}}}`);
    }
  }

  /** A `{{define "name"}}…{{end}}` at the top level: a template of its own, with only `$` in scope. */
  private definition(): void {
    this.templateName("define clause");
    this.expect("rightDelim", "define clause");
    this.inNewTemplate("define clause");
  }

  private inNewTemplate(context: string): void {
    const [vars, depth] = [this.vars, this.rangeDepth];
    this.vars = ["$"];
    this.rangeDepth = 0;
    const end = this.itemList();
    if (end !== "end") this.fail(this.tokens[this.index - 1].at, `unexpected {{else}} in ${context}`);
    [this.vars, this.rangeDepth] = [vars, depth];
  }

  private itemList(): Parsed {
    while (this.peekNonSpace().kind !== "eof") {
      const parsed = this.textOrAction();
      if (parsed !== "node") return parsed;
    }
    return this.fail(
      this.peekNonSpace().at,
      "unexpected EOF: a block ({{if}}, {{range}}, {{with}}, {{define}}) lacks its {{end}}",
    );
  }

  private textOrAction(): Parsed {
    const token = this.nextNonSpace();
    if (token.kind === "text" || token.kind === "comment") return "node";
    if (token.kind === "leftDelim") return this.action();
    return this.unexpected(token, "input");
  }

  private action(): Parsed {
    const token = this.nextNonSpace();
    if (token.kind === "keyword") {
      switch (token.value) {
        case "block":
          return this.block();
        case "break":
        case "continue":
          return this.loopControl(token.value);
        case "else":
          return this.elseControl();
        case "end":
          this.expect("rightDelim", "end");
          return "end";
        case "if":
          return this.control(true, "if");
        case "range":
          return this.control(false, "range");
        case "with":
          return this.control(false, "with");
        case "template":
          return this.templateControl();
      }
    }
    this.backup();
    this.pipeline("command", "rightDelim");
    return "node";
  }

  private loopControl(word: string): Parsed {
    const token = this.nextNonSpace();
    if (token.kind !== "rightDelim") this.unexpected(token, `{{${word}}}`);
    if (this.rangeDepth === 0) this.fail(token.at, `{{${word}}} outside {{range}}`);
    return "node";
  }

  private elseControl(): Parsed {
    if (this.keyword(this.peekNonSpace(), "if")) return "else if";
    this.expect("rightDelim", "else");
    return "else";
  }

  private control(allowElseIf: boolean, context: string): Parsed {
    const scope = this.vars.length;
    this.pipeline(context, "rightDelim");
    if (context === "range") this.rangeDepth++;
    let next = this.itemList();
    if (context === "range") this.rangeDepth--;
    if (next === "else if" && allowElseIf) {
      this.nextNonSpace();
      this.control(true, "if");
    } else if (next !== "end") {
      next = this.itemList();
      if (next !== "end") this.fail(this.tokens[this.index - 1].at, `expected {{end}}; found {{else}}`);
    }
    this.vars.length = scope;
    return "node";
  }

  private templateControl(): Parsed {
    this.templateName("template clause");
    if (this.nextNonSpace().kind !== "rightDelim") {
      this.backup();
      this.pipeline("template clause", "rightDelim");
    }
    return "node";
  }

  private block(): Parsed {
    this.templateName("block clause");
    this.pipeline("block clause", "rightDelim");
    this.inNewTemplate("block clause");
    return "node";
  }

  private pipeline(context: string, end: Kind): void {
    this.declarations(context);
    const commands: Term[] = [];
    for (;;) {
      const token = this.nextNonSpace();
      if (token.kind === end) break;
      if (!OPERAND_START.has(token.kind) && !this.keyword(token, "nil")) this.unexpected(token, context);
      this.backup();
      commands.push(this.command());
    }
    const at = this.tokens[this.index - 1].at;
    if (commands.length === 0) this.fail(at, `missing value for ${context}`);
    const stage = commands.findIndex((first, i) => i > 0 && first !== "executable");
    if (stage > 0) this.fail(at, `non executable command in pipeline stage ${stage + 1}`);
  }

  /** `$x :=`, `$x =`, and in a range `$i, $e :=`: the variables come into scope. */
  private declarations(context: string): void {
    let declared = 0;
    for (;;) {
      const start = this.index;
      const variable = this.peekNonSpace();
      if (variable.kind !== "variable") return;
      this.nextNonSpace();
      const next = this.peekNonSpace();
      if (next.kind === "assign" || next.kind === "declare") {
        this.nextNonSpace();
        this.vars.push(variable.value);
        return;
      }
      if (next.kind === "char" && next.value === ",") {
        this.nextNonSpace();
        this.vars.push(variable.value);
        declared++;
        if (context === "range" && declared < 2) {
          const after = this.peekNonSpace().kind;
          if (after === "variable" || after === "rightDelim" || after === "rightParen") continue;
          this.fail(next.at, "range can only initialize variables");
        }
        this.fail(next.at, `too many declarations in ${context}`);
      }
      this.index = start;
      return;
    }
  }

  private command(): Term {
    const args: Term[] = [];
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) args.push(operand);
      const token = this.next();
      if (token.kind === "space") continue;
      if (token.kind === "rightDelim" || token.kind === "rightParen") this.backup();
      else if (token.kind !== "pipe") this.unexpected(token, "operand");
      break;
    }
    if (args.length === 0) this.fail(this.tokens[this.index - 1].at, "empty command");
    return args[0];
  }

  private operand(): Term | undefined {
    const term = this.term();
    if (!term) return undefined;
    if (this.peek().kind !== "field") return term;
    if (term !== "executable") this.fail(this.peek().at, "unexpected . after a literal");
    while (this.peek().kind === "field") this.next();
    return term;
  }

  private term(): Term | undefined {
    const token = this.nextNonSpace();
    switch (token.kind) {
      case "identifier":
        if (!this.dialect.functions.has(token.value))
          this.fail(token.at, `function "${token.value}" not defined`);
        return "executable";
      case "dot":
        return "dot";
      case "variable":
        if (!this.vars.includes(token.value)) this.fail(token.at, `undefined variable "${token.value}"`);
        return "executable";
      case "field":
        return "executable";
      case "bool":
        return "literal";
      case "number": {
        const problem = numberProblem(token.value);
        if (problem) this.fail(token.at, problem);
        return "literal";
      }
      case "charConstant":
        this.checkString(token);
        if ([...(goUnquote(token.value.slice(1, -1), "'") as { value: string }).value].length !== 1) {
          this.fail(token.at, `malformed character constant: ${token.value}`);
        }
        return "literal";
      case "leftParen":
        this.pipeline("parenthesized pipeline", "rightParen");
        return "executable";
      case "string":
      case "rawString":
        this.checkString(token);
        return "literal";
    }
    if (this.keyword(token, "nil")) return "literal";
    this.backup();
    return undefined;
  }

  /** The quoted name a define, template or block clause starts with. */
  private templateName(context: string): void {
    const name = this.nextNonSpace();
    if (name.kind !== "string" && name.kind !== "rawString") this.unexpected(name, context);
    this.checkString(name);
  }

  private checkString(token: Token): void {
    if (token.kind === "rawString") return;
    const unquoted = goUnquote(token.value.slice(1, -1), token.value[0]);
    if (!unquoted.ok) this.fail(token.at, `${unquoted.problem} in ${token.value}`);
  }
}

const OPERAND_START = new Set<Kind>([
  "bool",
  "charConstant",
  "dot",
  "field",
  "identifier",
  "number",
  "rawString",
  "string",
  "variable",
  "leftParen",
]);

/** The first thing Go's template parser refuses in `text`, or undefined when it parses. */
export function findTemplateError(
  text: string,
  dialect: TemplateDialect = PROMETHEUS_TEMPLATES,
): TemplateError | undefined {
  if (!text.includes("{{")) return undefined;
  try {
    new Parser(lex(text), dialect).parse();
    return undefined;
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    return { ...lineAndColumn(text, error.at), message: error.message };
  }
}
