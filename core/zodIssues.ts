// Turns zod's issues into ours: `file: path: "value" message`, phrased for the person editing the file.
import type { ZodError, ZodIssue } from "zod";
import { type Issue, joinPath } from "./errors";

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
}

const TYPE_NAMES: Record<string, string> = {
  array: "a list",
  object: "a mapping of fields",
  integer: "an integer",
};

function describe(issue: ZodIssue, data: unknown): { path: (string | number)[]; message: string }[] {
  const path = [...issue.path];
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: "is not a known field (check its spelling)",
    }));
  }
  return [describeOne(issue, data, path)];
}

function describeOne(
  issue: ZodIssue,
  data: unknown,
  path: (string | number)[],
): { path: (string | number)[]; message: string } {
  switch (issue.code) {
    case "invalid_type":
      if (issue.received === "undefined") return { path, message: "is required" };
      return {
        path,
        message: `must be ${TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`} (got ${issue.received})`,
      };
    case "invalid_enum_value":
      return { path, message: `${show(issue.received)} is not one of ${issue.options.join(", ")}` };
    case "invalid_union_discriminator":
      return {
        path,
        message: `${show(valueAt(data, path))} is not one of ${issue.options.map(String).join(", ")}`,
      };
    case "invalid_literal":
      return { path, message: `must be ${show(issue.expected)}` };
    case "too_small":
      return {
        path,
        message: issue.message.startsWith("needs") ? issue.message : `is too small: ${issue.message}`,
      };
    case "too_big":
      return { path, message: `is too big: ${issue.message}` };
    default: {
      const value = valueAt(data, path);
      const prefix = value === undefined ? "" : `${show(value)} `;
      return { path, message: `${prefix}${issue.message}` };
    }
  }
}

/** `prefix` is prepended to every path, e.g. the config namespace `agent-alert-routing:`. */
export function zodIssues(file: string, error: ZodError, data?: unknown, prefix = ""): Issue[] {
  return error.issues.flatMap((issue) =>
    describe(issue, data).map(({ path, message }) => ({ file, path: prefix + joinPath(path), message })),
  );
}
