// The committed route-key baseline of every stack (route-keys/<stack>.json) is the render's: a change
// that moves route keys must commit the moved baseline with it, so the reviewer sees the keys move
// and the incidents open on a lost one are dealt with before it merges.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import type { RouteKey } from "../../alertmanager/routeKeys";
import { PROJECT_DIR, renderStack, stackNames, tempDir } from "../support/tools";

const keysOf = (text: string) =>
  new Set((JSON.parse(text) as { routes: RouteKey[] }).routes.map((r) => `${r.key} -> ${r.receiver}`));

describe("the committed route-key baselines", () => {
  const out = tempDir("route-key-baselines");
  for (const stack of stackNames()) {
    it(`route-keys/${stack}.json is what the render of ${stack} keys`, () => {
      const baseline = path.join(PROJECT_DIR, "route-keys", `${stack}.json`);
      const update = `npm run render -- --stack ${stack} --update-route-keys`;
      assert.ok(fs.existsSync(baseline), `route-keys/${stack}.json is not committed; run \`${update}\``);
      const rendered = fs.readFileSync(path.join(renderStack(stack, out), "route-keys.json"), "utf8");
      const committed = fs.readFileSync(baseline, "utf8");
      if (rendered === committed) return;
      const [now, was] = [keysOf(rendered), keysOf(committed)];
      const lost = [...was].filter((key) => !now.has(key));
      const added = [...now].filter((key) => !was.has(key));
      assert.fail(
        `route-keys/${stack}.json is stale: ${lost.length} route(s) gone or re-keyed, ${added.length} new` +
          `${lost.length > 0 ? ` (first gone: ${lost[0]})` : ""}; review them, run \`${update}\` and commit it`,
      );
    });
  }
});
