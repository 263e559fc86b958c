// The rendered prod stack, compared file by file with the reviewed copy in tests/golden/prod.
// After an intended change: `UPDATE_GOLDEN=1 npm test`, then review the diff like any other code.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { renderStack, tempDir } from "../support/tools";

const GOLDEN = path.join(__dirname, "prod");
const rendered = renderStack("prod", tempDir("golden"));
const FILES = [
  "alertmanager.yaml",
  "summary.md",
  "routing.md",
  ...fs.readdirSync(path.join(rendered, "rules")).map((file) => `rules/${file}`),
];

if (process.env.UPDATE_GOLDEN === "1") {
  fs.rmSync(GOLDEN, { recursive: true, force: true });
  for (const file of FILES) {
    fs.mkdirSync(path.dirname(path.join(GOLDEN, file)), { recursive: true });
    fs.copyFileSync(path.join(rendered, file), path.join(GOLDEN, file));
  }
}

describe("golden prod render", () => {
  it("renders the same set of files", () => {
    const golden = [
      "alertmanager.yaml",
      "summary.md",
      "routing.md",
      ...fs.readdirSync(path.join(GOLDEN, "rules")).map((file) => `rules/${file}`),
    ];
    assert.deepEqual([...FILES].sort(), golden.sort());
  });

  for (const file of FILES) {
    it(file, () => {
      const expected = fs.readFileSync(path.join(GOLDEN, file), "utf8");
      const actual = fs.readFileSync(path.join(rendered, file), "utf8");
      // Compare line by line so a failure points at the first changed line, not at a 3000-line blob.
      const want = expected.split("\n");
      const got = actual.split("\n");
      const first = want.findIndex((line, i) => line !== got[i]);
      const at = first === -1 && want.length !== got.length ? Math.min(want.length, got.length) : first;
      assert.ok(
        at === -1,
        `${file} differs from the golden copy at line ${at + 1}:\n- ${want[at]}\n+ ${got[at]}`,
      );
    });
  }
});
