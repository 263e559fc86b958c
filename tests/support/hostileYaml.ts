// Hostile YAML the readers must refuse cheaply.

/** A "billion laughs": nine levels of nine aliases each, 9^9 leaves once expanded, from 300 bytes. */
export function aliasBomb(indent = ""): string {
  const names = "abcdefghi";
  const lines = [`${indent}a: &a [x, x, x, x, x, x, x, x, x]`];
  for (let i = 1; i < names.length; i++) {
    lines.push(
      `${indent}${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(", ")}]`,
    );
  }
  return `${lines.join("\n")}\n`;
}
