// The real tools are the judges: promtool and amtool check every rendered file of every stack.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { renderStack, requireTool, run, stackNames, tempDir } from "../support/tools";

const promtool = requireTool("promtool");
const amtool = requireTool("amtool");
const out = tempDir("real-tools");

for (const stack of stackNames()) {
  describe(`stack ${stack}`, () => {
    let dir = "";
    before(() => {
      dir = renderStack(stack, out);
    });

    it("every rule file passes promtool check rules", () => {
      // The rule tests beside the rule files are checked by ruleTests.test.ts, with promtool test rules.
      const files = fs
        .readdirSync(path.join(dir, "rules"))
        .filter((file) => !file.endsWith(".test.yaml"))
        .map((file) => path.join(dir, "rules", file));
      assert.ok(files.length > 0, "the render wrote no rule files");
      const result = run(promtool, ["check", "rules", ...files]);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.equal((result.stdout.match(/SUCCESS/g) ?? []).length, files.length, result.stdout);
    });

    it("alertmanager.yaml passes amtool check-config", () => {
      const result = run(amtool, ["check-config", path.join(dir, "alertmanager.yaml")]);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /SUCCESS/);
    });
  });
}
