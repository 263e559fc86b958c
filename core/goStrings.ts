// Go's escapes in a quoted string (strconv), which PromQL strings and Go templates both follow.
const ESCAPE =
  /\\(?:([abfnrtv\\"'])|([0-7]{3})|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.?))/gs;
const SIMPLE: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

export type Unquoted = { ok: true; value: string } | { ok: false; problem: string };

/**
 * The value of the body of a string quoted with `quote` (`"` or `'`), or what Go refuses in it: an
 * unknown escape, an escape of the other quote, or one that is not a character.
 */
export function goUnquote(body: string, quote: string): Unquoted {
  let value = "";
  let last = 0;
  for (const match of body.matchAll(ESCAPE)) {
    const [whole, simple, octal, hex, short, long, other] = match;
    if (other !== undefined || (simple !== undefined && /["']/.test(simple) && simple !== quote)) {
      return { ok: false, problem: `unknown escape sequence \`${whole}\`` };
    }
    value += body.slice(last, match.index);
    last = (match.index ?? 0) + whole.length;
    if (simple !== undefined) {
      value += SIMPLE[simple];
      continue;
    }
    const code = Number.parseInt(octal ?? hex ?? short ?? long, octal ? 8 : 16);
    if ((octal && code > 255) || code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) {
      return { ok: false, problem: `escape sequence \`${whole}\` is not a valid character` };
    }
    value += String.fromCodePoint(code);
  }
  return { ok: true, value: value + body.slice(last) };
}
