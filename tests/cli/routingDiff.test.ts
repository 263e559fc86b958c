// `npm run routing-diff` on commits of a clone of the project: each change is committed there, and
// the diff against the commit before it must list exactly the rows the change moves. The expected
// rows come from the reviewed golden routing.md of prod, not from the code under test.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import type { RouteKey } from "../../alertmanager/routeKeys";
import { cloneOfProject, git, PROJECT_DIR, tempDir } from "../support/tools";

const GOLDEN_ROUTING = path.join(PROJECT_DIR, "tests", "golden", "prod", "routing.md");
const BASELINE = path.join(PROJECT_DIR, "route-keys", "prod.json");

interface GoldenRow {
  vertical: string;
  alert: string;
  tier: string;
  /** By moment label, the cell as routing.md shows it. */
  cells: Map<string, string>;
}

/** The matrix of the golden routing.md. */
function goldenMatrix(): GoldenRow[] {
  const text = fs.readFileSync(GOLDEN_ROUTING, "utf8");
  const table = text
    .slice(text.indexOf("## Matrix"))
    .split("\n")
    .filter((line) => line.startsWith("| "));
  const split = (line: string) => line.slice(2, -2).split(" | ");
  const moments = split(table[0]).slice(4);
  return table.slice(2).map((line) => {
    const [vertical, alert, , tier, ...cells] = split(line);
    return {
      vertical,
      alert,
      tier: tier.replace(" (strictest)", "").replace("—", ""),
      cells: new Map(moments.map((moment, i) => [moment, cells[i]])),
    };
  });
}

interface DiffRow {
  vertical: string;
  alert: string;
  tier: string;
  moment: string;
  before: string;
  after: string;
}

function movedRows(markdown: string): DiffRow[] {
  const start = markdown.indexOf("### Moved");
  if (start === -1) return [];
  const lines = markdown.slice(start).split("\n");
  return lines
    .slice(
      4,
      lines.findIndex((line, i) => i > 3 && !line.startsWith("| ")),
    )
    .map((line) => {
      const [vertical, alert, tier, moment, beforeCell, afterCell] = line.slice(2, -2).split(" | ");
      return {
        vertical,
        alert,
        tier: tier === "—" ? "" : tier,
        moment,
        before: beforeCell,
        after: afterCell,
      };
    });
}

function lostKeys(markdown: string): string[] {
  return [...markdown.matchAll(/^- `(.+)` → (\S+)$/gm)].map(([, key, receiver]) => `${key} -> ${receiver}`);
}

const rowId = (row: { vertical: string; alert: string; tier: string; moment: string }) =>
  `${row.vertical}/${row.alert}/${row.tier}/${row.moment}`;

function routingDiff(dir: string, base: string, stack = "prod") {
  const result = spawnSync(
    "npm",
    ["run", "--silent", "routing-diff", "--", "--stack", stack, "--base", base],
    {
      cwd: dir,
      encoding: "utf8",
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Edits a file of the clone and commits the change. */
function commit(dir: string, file: string, edit: (text: string) => string, message: string): void {
  const full = path.join(dir, file);
  const text = fs.readFileSync(full, "utf8");
  const edited = edit(text);
  assert.notEqual(edited, text, `the edit of ${file} changed nothing`);
  fs.writeFileSync(full, edited);
  git(dir, "commit", "--quiet", "--all", `--message=${message}`);
}

describe("npm run routing-diff", { concurrency: 1, timeout: 10 * 60_000 }, () => {
  const golden = goldenMatrix();
  let repo: string;
  before(() => {
    repo = cloneOfProject("routing-diff");
  });

  it("says the base is too old when its render writes no routing matrix", () => {
    // The project as it was before the render wrote routing-matrix.json, then as it is.
    commit(
      repo,
      "cli/render.ts",
      (text) => text.replace(/^\s*emit\(ROUTING_MATRIX_FILE,.*$/m, ""),
      "a render without the matrix",
    );
    git(repo, "revert", "--no-edit", "--quiet", "HEAD");
    const result = routingDiff(repo, "HEAD~1");
    assert.equal(result.status, 1, result.stdout);
    assert.match(
      result.stderr,
      /^routing-diff: the base HEAD~1 is too old: its render writes no routing-matrix\.json/m,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /, "a stack trace was printed");
  });

  it("prints no routing change for a change to a description", () => {
    commit(
      repo,
      "alerts/real-estate.yaml",
      (text) => text.replace(/(description: "?)/, "$1Reworded. "),
      "reword a description",
    );
    const result = routingDiff(repo, "HEAD~1");
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^no routing change$/m);
    assert.doesNotMatch(result.stdout, /### /);
  });

  it("lists exactly the business tier's rows that leave business hours when its hours shrink", () => {
    commit(
      repo,
      "Pulumi.prod.yaml",
      (text) => text.replace(/^( {6}end: )"18:00"$/m, '$1"10:00"'),
      "business hours end at 10:00",
    );
    const result = routingDiff(repo, "HEAD~1");
    assert.equal(result.status, 0, result.stderr);
    const moved = movedRows(result.stdout);
    // At 11:00 on a weekday, now after hours: the business-tier rows whose routing depends on the
    // hour now reach at 11:00 whom they reached at 03:00.
    const [eleven, three] = ["weekday 11:00 America/New_York", "weekday 03:00 America/New_York"];
    const gated = golden.filter(
      (row) => row.tier === "business" && row.cells.get(eleven) !== row.cells.get(three),
    );
    assert.ok(gated.length > 0);
    assert.deepEqual(moved.map(rowId).sort(), gated.map((row) => rowId({ ...row, moment: eleven })).sort());
    // routing.md writes `team: receivers **pages**`; the diff writes `receivers — **pages**`.
    const receivers = (cell: string | undefined) =>
      (cell ?? "")
        .replace(/^[^:]+: /, "")
        .replace(" **pages**", "")
        .replace(" — **pages**", "");
    for (const row of moved) {
      const night = gated
        .find((entry) => rowId({ ...entry, moment: eleven }) === rowId(row))
        ?.cells.get(three);
      assert.equal(receivers(row.after), receivers(night), rowId(row));
    }
    assert.ok(
      moved.some((row) => row.before.endsWith("**pages**") && !row.after.endsWith("**pages**")),
      "a page that became an off-hours notification",
    );
    assert.deepEqual(lostKeys(result.stdout), [], "a time interval's hours re-key no route");
  });

  it("lists exactly the rows and route keys moved when a tool gets another owner", () => {
    commit(
      repo,
      "Pulumi.prod.yaml",
      (text) => text.replace(/^ {4}crm: crm-owners$/m, "    crm: calendar-owners"),
      "calendar owners take over the CRM",
    );
    const result = routingDiff(repo, "HEAD~1");
    assert.equal(result.status, 0, result.stderr);
    const moved = movedRows(result.stdout);
    const expected = golden.flatMap((row) =>
      [...row.cells]
        .filter(([, cell]) => /\bcrm-owners/.test(cell))
        .map(([moment]) => rowId({ ...row, moment })),
    );
    assert.ok(expected.length > 0);
    assert.deepEqual(moved.map(rowId).sort(), expected.sort());
    for (const row of moved) {
      assert.match(row.before, /^crm-owners/);
      assert.equal(row.after, row.before.replaceAll("crm-owners", "calendar-owners"));
    }
    // Every route that delivered to the CRM owners is gone; no other.
    const committed = (JSON.parse(fs.readFileSync(BASELINE, "utf8")) as { routes: RouteKey[] }).routes;
    const crmRoutes = committed
      .filter((route) => route.receiver.startsWith("crm-owners"))
      .map((route) => `${route.key} -> ${route.receiver}`);
    assert.deepEqual(lostKeys(result.stdout).sort(), [...new Set(crmRoutes)].sort());
    assert.match(result.stdout, /incidents open on these routes will never resolve/);
    assert.match(result.stdout, /resolve the incidents open on them in PagerDuty, or keep the route/);
  });

  it("lists a new vertical's alerts as added, and moves nothing", () => {
    for (const file of ["alerts/salon.yaml", "alerts/tests/salon.yaml"]) {
      const text = fs.readFileSync(path.join(repo, file), "utf8");
      fs.writeFileSync(
        path.join(repo, file.replace("salon", "spa")),
        text.replaceAll("salon", "spa").replaceAll("Salon", "Spa"),
      );
    }
    git(repo, "add", "alerts");
    commit(
      repo,
      "Pulumi.prod.yaml",
      (text) =>
        text.replace(
          /^( {4}- \{ id: salon, .*\n)/m,
          "$1    - { id: spa, tiers: [enterprise, business, trial], namespace: spa, catalogue: alerts/spa.yaml }\n",
        ),
      "a spa vertical",
    );
    const result = routingDiff(repo, "HEAD~1");
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(movedRows(result.stdout), []);
    assert.deepEqual(lostKeys(result.stdout), []);
    const added = [...result.stdout.matchAll(/^- spa: `(\w+)`/gm)].map(([, alert]) => alert);
    const expected = golden
      .filter((row) => row.vertical === "salon")
      .map((row) => row.alert.replace("Salon", "Spa"));
    assert.deepEqual(added.sort(), [...new Set(expected)].sort());
    assert.doesNotMatch(result.stdout, /### Alerts removed/);
  });

  it("lists every alert of a stack the base does not have as added", () => {
    fs.copyFileSync(path.join(repo, "Pulumi.staging.yaml"), path.join(repo, "Pulumi.eu.yaml"));
    git(repo, "add", "Pulumi.eu.yaml");
    git(repo, "commit", "--quiet", "--message=an eu stack");
    const result = routingDiff(repo, "HEAD~1", "eu");
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(movedRows(result.stdout), []);
    assert.deepEqual(lostKeys(result.stdout), []);
    const staging = fs.readFileSync(path.join(repo, "Pulumi.staging.yaml"), "utf8");
    const verticals = [...staging.matchAll(/^ {4}- \{ id: ([\w-]+),/gm)].map(([, id]) => id);
    assert.ok(verticals.length > 0);
    const added = new Set([...result.stdout.matchAll(/^- ([\w-]+): `/gm)].map(([, vertical]) => vertical));
    for (const vertical of verticals)
      assert.ok(added.has(vertical), `no alert of ${vertical} listed as added`);
  });

  it("works on a shallow clone once the base is fetched, and says what to do before", () => {
    const shallow = path.join(tempDir("routing-diff-shallow"), "clone");
    git(PROJECT_DIR, "clone", "--quiet", "--depth=1", `file://${repo}`, shallow);
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(shallow, "node_modules"));
    const missing = routingDiff(shallow, "HEAD~1");
    assert.equal(missing.status, 1);
    assert.match(
      missing.stderr,
      /^routing-diff: --base "HEAD~1" is not a commit in this clone; fetch it first/m,
    );
    git(shallow, "fetch", "--quiet", "--deepen=1", "origin");
    const result = routingDiff(shallow, "HEAD~1");
    assert.equal(result.status, 0, result.stderr);
    // HEAD~1 added the eu stack, which prod does not see.
    assert.match(result.stdout, /^## Routing diff of stack `prod` against `HEAD~1`\n\nno routing change$/m);
    assert.equal(git(shallow, "worktree", "list").trim().split("\n").length, 1, "a worktree was left behind");
  });
});
