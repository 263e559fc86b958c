// Every command the docs show works: each line of a ```sh block in README.md, docs/*.md,
// policies/README.md and bench/README.md runs, in order, in a scratch copy of the project, and
// exits 0. Every `npm run` script the docs name anywhere is run by at least one of those lines.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { cloneOfProject, PROJECT_DIR } from "../support/tools";

const DOCS = [
  "README.md",
  ...fs
    .readdirSync(path.join(PROJECT_DIR, "docs"))
    .filter((file) => file.endsWith(".md"))
    .sort()
    .map((file) => `docs/${file}`),
  "policies/README.md",
  "bench/README.md",
];

/**
 * Commands the test does not run: the test command runs this very test, `npm ci` would reinstall
 * the dependencies the scratch copy shares, `pulumi` needs the CLI and a backend, and mutation
 * testing takes hours on two cores (docs/testing.md#mutation-testing).
 */
const EXCEPTED = [
  /^npm ci\b/,
  /^npm test\b/,
  /^npm run test:all\b/,
  /^npm run mutation\b/,
  /^bash scripts\/setup-and-test\.sh\b/,
  /^pulumi\b/,
];
const EXCEPTED_SCRIPTS = new Set(["test", "test:all", "mutation"]);

interface Command {
  doc: string;
  line: number;
  text: string;
}

/** The runnable commands of a document's ```sh blocks, comments and excepted commands removed. */
export function shCommands(doc: string, markdown: string): Command[] {
  const commands: Command[] = [];
  let inside = false;
  markdown.split("\n").forEach((raw, i) => {
    const fence = /^```(\S*)/.exec(raw.trim());
    if (fence) {
      inside = !inside && fence[1] === "sh";
      return;
    }
    if (!inside) return;
    const text = raw.replace(/\s+#\s.*$/, "").trim();
    if (text === "" || text.startsWith("#")) return;
    const parts = text
      .split("&&")
      .map((part) => part.trim())
      .filter((part) => !EXCEPTED.some((pattern) => pattern.test(part)));
    if (parts.length > 0) commands.push({ doc, line: i + 1, text: parts.join(" && ") });
  });
  return commands;
}

/** `npm run <script>` wherever the docs name one: prose, tables, code. */
function scriptsNamed(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/npm run ([a-z][\w:-]*)/g)].map((match) => match[1]));
}

const markdown = new Map(DOCS.map((doc) => [doc, fs.readFileSync(path.join(PROJECT_DIR, doc), "utf8")]));
const commands = DOCS.flatMap((doc) => shCommands(doc, markdown.get(doc) ?? ""));
const scripts = Object.keys(
  (JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { scripts: object })
    .scripts,
);

describe("the commands the docs show", () => {
  it("name only scripts that exist, and each script they name is run by a sh block", () => {
    const run = new Set(commands.flatMap((command) => [...scriptsNamed(command.text)]));
    for (const [doc, text] of markdown) {
      for (const script of scriptsNamed(text)) {
        assert.ok(scripts.includes(script), `${doc} names npm run ${script}, which package.json lacks`);
        if (!EXCEPTED_SCRIPTS.has(script))
          assert.ok(run.has(script), `${doc} names npm run ${script}, but no sh block runs it`);
      }
    }
  });

  it("sees the blocks: comments and excepted commands are left out, the rest kept", () => {
    const sample = ["```sh", "# a comment", "npm ci && npm run render   # why", "npm test", "```"].join("\n");
    assert.deepEqual(shCommands("x.md", sample), [{ doc: "x.md", line: 3, text: "npm run render" }]);
    assert.ok(commands.length >= 5, `only ${commands.length} commands found in the docs`);
  });

  describe("each runs and exits 0", { concurrency: 1 }, () => {
    let dir: string;
    for (const command of commands) {
      it(`${command.doc}:${command.line}: ${command.text}`, { timeout: 15 * 60_000 }, () => {
        dir ??= cloneOfProject("agent-alert-routing-docs");
        const result = spawnSync("sh", ["-c", command.text], { cwd: dir, encoding: "utf8" });
        assert.equal(
          result.status,
          0,
          `exit ${result.status}\n--- stdout\n${result.stdout.slice(-2000)}\n--- stderr\n${result.stderr.slice(-2000)}`,
        );
      });
    }
  });
});
