/** One problem in the input: the file it is in, the path inside that file, and what to do. */
export interface Issue {
  file: string;
  path: string;
  message: string;
}

export function formatIssue(issue: Issue): string {
  return issue.path ? `${issue.file}: ${issue.path}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}

/**
 * Thrown before any resource is declared. Callers print `message` and exit non-zero; the stack
 * trace is never shown, because the message already names the file, the path and the field.
 */
export class ValidationError extends Error {
  readonly issues: readonly Issue[];

  constructor(issues: readonly Issue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "ValidationError";
    this.issues = issues;
  }
}

/** Collects issues while a validation pass walks its input, then throws them together. */
export class IssueList {
  private readonly items: Issue[] = [];

  add(file: string, path: string, message: string): void {
    this.items.push({ file, path, message });
  }

  get length(): number {
    return this.items.length;
  }

  throwIfAny(): void {
    if (this.items.length > 0) throw new ValidationError(this.items);
  }
}

/** The 1-based line and column of an offset into a text, as parsers report positions. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Formats a path of keys and indices the way the error messages print it: `teams[2].members[0].email`. */
export function joinPath(parts: readonly (string | number)[]): string {
  let out = "";
  for (const part of parts) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}
