// The routing evaluator against Alertmanager 0.25's rules, case by case: matcher syntax and matching,
// route selection, time intervals and inhibition. tests/tools/conformance.test.ts checks it against amtool.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  compileRoutes,
  createRouter,
  matchRoutes,
  routePath,
  routeStatusAt,
} from "../../alertmanager/evaluate";
import { inhibitingAlert } from "../../alertmanager/inhibit";
import { compileMatcher, type Matcher, parseMatcher, parseMatchers } from "../../alertmanager/matchers";
import { namedIntervalsContain, timeIntervalContains } from "../../alertmanager/timeIntervals";
import type { AmConfig, AmTimeIntervalSpec, LabelSet } from "../../alertmanager/types";

describe("parseMatcher", () => {
  const cases: { text: string; expect: Matcher }[] = [
    { text: 'severity="critical"', expect: { name: "severity", op: "=", value: "critical" } },
    { text: "  severity = critical  ", expect: { name: "severity", op: "=", value: "critical" } },
    { text: 'severity=~"critical|page"', expect: { name: "severity", op: "=~", value: "critical|page" } },
    { text: "team!~ai-.*", expect: { name: "team", op: "!~", value: "ai-.*" } },
    { text: 'tier!=""', expect: { name: "tier", op: "!=", value: "" } },
    { text: "tier=", expect: { name: "tier", op: "=", value: "" } },
    { text: 'msg="say \\"hi\\""', expect: { name: "msg", op: "=", value: 'say "hi"' } },
    { text: 'path="C:\\\\temp"', expect: { name: "path", op: "=", value: "C:\\temp" } },
    { text: 'text="a\\nb"', expect: { name: "text", op: "=", value: "a\nb" } },
    // Alertmanager keeps the backslash of an escape it does not know.
    { text: 'x="a\\qb"', expect: { name: "x", op: "=", value: "a\\qb" } },
    // Quotes keep the spaces that a bare value loses.
    { text: 'priority="P1 "', expect: { name: "priority", op: "=", value: "P1 " } },
    { text: "priority=P1 ", expect: { name: "priority", op: "=", value: "P1" } },
    { text: 'a_1="x, y"', expect: { name: "a_1", op: "=", value: "x, y" } },
  ];
  for (const c of cases) {
    it(`reads ${c.text}`, () => assert.deepEqual(parseMatcher(c.text), c.expect));
  }

  const bad = ["severity", '="x"', '1abc="x"', 'a="unterminated', 'a="x"y"', 'a=x"', 'a=~"("', "", 'a=="b"'];
  for (const text of bad) {
    it(`rejects ${JSON.stringify(text)} naming it`, () => {
      assert.throws(
        () => parseMatcher(text),
        (error: Error) => error.message.includes(JSON.stringify(text)) || error.message.includes(text),
      );
    });
  }

  it("reads a line of several matchers, commas inside quotes kept", () => {
    assert.deepEqual(parseMatchers('{a="1,2", b=~"x|y",}'), [
      { name: "a", op: "=", value: "1,2" },
      { name: "b", op: "=~", value: "x|y" },
    ]);
  });
});

describe("compileMatcher", () => {
  const cases: { matcher: string; labels: LabelSet; expect: boolean }[] = [
    { matcher: 'severity="critical"', labels: { severity: "critical" }, expect: true },
    { matcher: 'severity="critical"', labels: { severity: "Critical" }, expect: false },
    { matcher: 'severity!="critical"', labels: {}, expect: true },
    { matcher: 'severity!="critical"', labels: { severity: "critical" }, expect: false },
    // Anchored: a regex must match the whole value.
    { matcher: 'severity=~"crit"', labels: { severity: "critical" }, expect: false },
    { matcher: 'severity=~"critical|page"', labels: { severity: "page" }, expect: true },
    { matcher: 'severity=~"critical|page"', labels: { severity: "pager" }, expect: false },
    { matcher: 'severity=~"critical|page"', labels: { severity: "critical|page" }, expect: false },
    { matcher: 'severity!~"critical|page"', labels: { severity: "warning" }, expect: true },
    { matcher: 'severity!~"critical|page"', labels: { severity: "page" }, expect: false },
    { matcher: 'severity!~"critical|page"', labels: {}, expect: true },
    // A missing label is the empty string.
    { matcher: 'tier=""', labels: {}, expect: true },
    { matcher: 'tier=""', labels: { tier: "" }, expect: true },
    { matcher: 'tier=""', labels: { tier: "trial" }, expect: false },
    { matcher: 'tier!=""', labels: {}, expect: false },
    { matcher: 'tier!=""', labels: { tier: "trial" }, expect: true },
    { matcher: 'tier=~".*"', labels: {}, expect: true },
    { matcher: 'tier=~".+"', labels: {}, expect: false },
    // Go's `.` stops at a newline, and matches a whole code point.
    { matcher: 'x=~"a.c"', labels: { x: "a\nc" }, expect: false },
    { matcher: 'x=~"."', labels: { x: "😀" }, expect: true },
    { matcher: 'x=~"(?i)crit.*"', labels: { x: "CRITICAL" }, expect: true },
    { matcher: 'x=~"a\\\\-b"', labels: { x: "a-b" }, expect: true },
    // An inherited member of a plain object is not a label.
    { matcher: 'constructor=""', labels: {}, expect: true },
  ];
  for (const c of cases) {
    it(`${c.matcher} on ${JSON.stringify(c.labels)} is ${c.expect}`, () => {
      assert.equal(compileMatcher(parseMatcher(c.matcher))(c.labels), c.expect);
    });
  }
});

const ROUTES: AmConfig = {
  route: {
    receiver: "default",
    routes: [
      { receiver: "watchdog", matchers: ['alertname="Watchdog"'] },
      {
        matchers: ['vertical="healthcare"'],
        routes: [
          { receiver: "pager", matchers: ['severity=~"critical|page"'], continue: true },
          { receiver: "slack", matchers: ['severity=~"critical|page|warning"'] },
          { receiver: "unreachable", matchers: ['severity="critical"'] },
        ],
      },
      {
        receiver: "sales",
        matchers: ['vertical="sales"'],
        routes: [
          {
            matchers: ['tier=""'],
            routes: [{ receiver: "sales-critical", matchers: ['severity="critical"'] }],
          },
          { receiver: "sales-enterprise", matchers: ['tier="enterprise"'] },
        ],
      },
      { receiver: "copy", matchers: ['vertical=~"sa.*"'], continue: true },
      { receiver: "copy", matchers: ['vertical=~"sal.*"'] },
    ],
  },
  receivers: ["default", "watchdog", "pager", "slack", "unreachable", "sales", "sales-critical"].map(
    (name) => ({
      name,
    }),
  ),
};

describe("matchRoutes", () => {
  const router = createRouter(ROUTES);
  const cases: { fact: string; labels: LabelSet; expect: string[] }[] = [
    { fact: "a label set nothing matches falls to the root", labels: {}, expect: ["default"] },
    {
      fact: "the first matching sibling wins",
      labels: { alertname: "Watchdog", vertical: "healthcare" },
      expect: ["watchdog"],
    },
    {
      fact: "continue goes on to the next sibling, which stops the walk",
      labels: { vertical: "healthcare", severity: "critical" },
      expect: ["pager", "slack"],
    },
    {
      fact: "a route without continue ends its level",
      labels: { vertical: "healthcare", severity: "warning" },
      expect: ["slack"],
    },
    {
      fact: "a matching route with no matching child is the match, with its inherited receiver",
      labels: { vertical: "healthcare", severity: "info" },
      expect: ["default"],
    },
    {
      fact: 'nested routes: an absent tier matches tier=""',
      labels: { vertical: "sales", severity: "critical" },
      expect: ["sales-critical"],
    },
    {
      fact: "an empty tier is an absent tier",
      labels: { vertical: "sales", severity: "critical", tier: "" },
      expect: ["sales-critical"],
    },
    {
      fact: "a receiverless route inherits its parent's",
      labels: { vertical: "sales", severity: "warning" },
      expect: ["sales"],
    },
    {
      fact: "a sibling after the first nested match",
      labels: { vertical: "sales", tier: "enterprise" },
      expect: ["sales-enterprise"],
    },
    {
      fact: "an unknown tier stops at the vertical",
      labels: { vertical: "sales", tier: "gold" },
      expect: ["sales"],
    },
    {
      fact: "receivers keep duplicates, as amtool prints them",
      labels: { vertical: "salon" },
      expect: ["copy", "copy"],
    },
  ];
  for (const c of cases) {
    it(c.fact, () => {
      assert.deepEqual(router.receivers(c.labels), c.expect);
      assert.deepEqual(
        matchRoutes(router.root, c.labels).map((node) => node.receiver),
        c.expect,
      );
    });
  }

  it("gives each node its index, parent and a readable path", () => {
    const [node] = router.match({ vertical: "sales", severity: "critical" });
    assert.deepEqual(node.index, [2, 0, 0]);
    assert.equal(node.parent?.parent?.parent, router.root);
    assert.equal(
      routePath(node),
      'route.routes[2].routes[0].routes[0] {vertical="sales"} / {tier=""} / {severity="critical"}',
    );
    assert.equal(routePath(router.root), "route");
  });

  it("refuses a config Alertmanager refuses, naming the field", () => {
    assert.throws(
      () => compileRoutes({ route: { receiver: "a", matchers: ['x="1"'] }, receivers: [] }),
      /route\.matchers/,
    );
    assert.throws(() => compileRoutes({ route: { routes: [] }, receivers: [] }), /route\.receiver/);
    assert.throws(
      () =>
        compileRoutes({ route: { receiver: "a", routes: [{}, { matchers: ['x=="1"'] }] }, receivers: [] }),
      /route\.routes\[1\]\.matchers\[0\]: bad matcher "x==\\"1\\""/,
    );
  });
});

const utc = (iso: string) => new Date(iso);

describe("timeIntervalContains", () => {
  const nine2five = [{ start_time: "09:00", end_time: "17:00" }];
  const cases: { fact: string; spec: AmTimeIntervalSpec; at: string; expect: boolean }[] = [
    { fact: "an empty interval is always", spec: {}, at: "2026-03-07T03:00:00Z", expect: true },
    {
      fact: "weekday range includes its start",
      spec: { weekdays: ["monday:friday"] },
      at: "2026-03-02T12:00:00Z",
      expect: true,
    },
    {
      fact: "weekday range includes its end",
      spec: { weekdays: ["monday:friday"] },
      at: "2026-03-06T23:59:00Z",
      expect: true,
    },
    {
      fact: "weekday range excludes Saturday",
      spec: { weekdays: ["monday:friday"] },
      at: "2026-03-07T00:00:00Z",
      expect: false,
    },
    {
      fact: "weekdays are OR'd",
      spec: { weekdays: ["Saturday", "sunday"] },
      at: "2026-03-08T12:00:00Z",
      expect: true,
    },
    {
      fact: "times: start is inclusive",
      spec: { times: nine2five },
      at: "2026-03-02T09:00:00Z",
      expect: true,
    },
    { fact: "times: before start", spec: { times: nine2five }, at: "2026-03-02T08:59:59Z", expect: false },
    { fact: "times: last minute", spec: { times: nine2five }, at: "2026-03-02T16:59:59Z", expect: true },
    {
      fact: "times: end is exclusive",
      spec: { times: nine2five },
      at: "2026-03-02T17:00:00Z",
      expect: false,
    },
    {
      fact: "times: 24:00 ends the day",
      spec: { times: [{ start_time: "22:00", end_time: "24:00" }] },
      at: "2026-03-02T23:59:00Z",
      expect: true,
    },
    // New York springs forward at 02:00 on Sunday 2026-03-08 (07:00 UTC becomes 03:00 EDT).
    ...[
      { at: "2026-03-08T06:59:00Z", expect: false }, // 01:59 EST
      { at: "2026-03-08T07:00:00Z", expect: true }, // 03:00 EDT
      { at: "2026-03-08T07:59:00Z", expect: true }, // 03:59 EDT
      { at: "2026-03-08T08:00:00Z", expect: false }, // 04:00 EDT
    ].map((c) => ({
      fact: `New York 03:00–04:00 on the spring-forward Sunday, at ${c.at}`,
      spec: {
        weekdays: ["sunday"],
        times: [{ start_time: "03:00", end_time: "04:00" }],
        location: "America/New_York",
      },
      ...c,
    })),
    ...[
      { at: "2026-03-06T13:59:00Z", expect: false }, // Friday 08:59 EST
      { at: "2026-03-06T14:00:00Z", expect: true }, // Friday 09:00 EST
      { at: "2026-03-09T12:59:00Z", expect: false }, // Monday 08:59 EDT
      { at: "2026-03-09T13:00:00Z", expect: true }, // Monday 09:00 EDT
      { at: "2026-03-09T21:00:00Z", expect: false }, // Monday 17:00 EDT
    ].map((c) => ({
      fact: `New York business hours across the change, at ${c.at}`,
      spec: { weekdays: ["monday:friday"], times: nine2five, location: "America/New_York" },
      ...c,
    })),
    {
      fact: "the weekday is read in the location (Friday 23:30 EST is Saturday in UTC)",
      spec: {
        weekdays: ["friday"],
        times: [{ start_time: "23:00", end_time: "24:00" }],
        location: "America/New_York",
      },
      at: "2026-03-07T04:30:00Z",
      expect: true,
    },
    {
      fact: "-1 is the last day of February",
      spec: { days_of_month: ["-1"] },
      at: "2026-02-28T12:00:00Z",
      expect: true,
    },
    {
      fact: "-1 is not the day before",
      spec: { days_of_month: ["-1"] },
      at: "2026-02-27T12:00:00Z",
      expect: false,
    },
    {
      fact: "-1 in a leap February",
      spec: { days_of_month: ["-1"] },
      at: "2028-02-29T12:00:00Z",
      expect: true,
    },
    {
      fact: "-1 skips the 28th of a leap February",
      spec: { days_of_month: ["-1"] },
      at: "2028-02-28T12:00:00Z",
      expect: false,
    },
    {
      fact: "1:5 includes the 5th",
      spec: { days_of_month: ["1:5"] },
      at: "2026-03-05T12:00:00Z",
      expect: true,
    },
    {
      fact: "1:5 excludes the 6th",
      spec: { days_of_month: ["1:5"] },
      at: "2026-03-06T00:00:00Z",
      expect: false,
    },
    {
      fact: "-3:-1 of a 30-day month starts on the 28th",
      spec: { days_of_month: ["-3:-1"] },
      at: "2026-04-28T00:00:00Z",
      expect: true,
    },
    {
      fact: "-3:-1 excludes the 27th",
      spec: { days_of_month: ["-3:-1"] },
      at: "2026-04-27T23:59:00Z",
      expect: false,
    },
    {
      fact: "30:31 in April ends on the 30th",
      spec: { days_of_month: ["30:31"] },
      at: "2026-04-30T12:00:00Z",
      expect: true,
    },
    {
      fact: "31 never occurs in April",
      spec: { days_of_month: ["31"] },
      at: "2026-04-30T12:00:00Z",
      expect: false,
    },
    {
      fact: "a range past the month's end is clamped",
      spec: { days_of_month: ["25:31"] },
      at: "2026-02-28T12:00:00Z",
      expect: true,
    },
    {
      fact: "days are read in the location",
      spec: { days_of_month: ["1"], location: "Asia/Tokyo" },
      at: "2026-03-31T15:00:00Z",
      expect: true,
    },
    // Alertmanager 0.25 counts a spring-forward month one day short (fixed upstream after 0.25):
    // in New York, March reads as 30 days, so -1 is the 30th and the 31st is never reached.
    {
      fact: "0.25: -1 in New York's March is the 30th",
      spec: { days_of_month: ["-1"], location: "America/New_York" },
      at: "2026-03-30T16:00:00Z",
      expect: true,
    },
    {
      fact: "0.25: the 31st of New York's March matches no day range",
      spec: { days_of_month: ["31"], location: "America/New_York" },
      at: "2026-03-31T16:00:00Z",
      expect: false,
    },
    {
      fact: "-1 in November after the fall back",
      spec: { days_of_month: ["-1"], location: "America/New_York" },
      at: "2026-11-30T16:00:00Z",
      expect: true,
    },
    {
      fact: "month names range",
      spec: { months: ["january:march"] },
      at: "2026-03-31T23:59:00Z",
      expect: true,
    },
    {
      fact: "month range end",
      spec: { months: ["january:march"] },
      at: "2026-04-01T00:00:00Z",
      expect: false,
    },
    {
      fact: "month numbers range",
      spec: { months: ["2:3", "December"] },
      at: "2026-12-01T00:00:00Z",
      expect: true,
    },
    { fact: "a single month number", spec: { months: ["10"] }, at: "2026-09-30T00:00:00Z", expect: false },
    { fact: "year range", spec: { years: ["2026:2027"] }, at: "2027-12-31T23:59:00Z", expect: true },
    {
      fact: "after the year range",
      spec: { years: ["2026:2027"] },
      at: "2028-01-01T00:00:00Z",
      expect: false,
    },
    {
      fact: "year in the location",
      spec: { years: ["2027"], location: "Pacific/Auckland" },
      at: "2026-12-31T12:00:00Z",
      expect: true,
    },
    {
      fact: "fields are AND'd",
      spec: { weekdays: ["monday"], months: ["march"] },
      at: "2026-04-06T12:00:00Z",
      expect: false,
    },
    {
      fact: "fields are AND'd (all match)",
      spec: { weekdays: ["monday"], months: ["march"] },
      at: "2026-03-02T12:00:00Z",
      expect: true,
    },
  ];
  for (const c of cases) {
    it(c.fact, () => assert.equal(timeIntervalContains(c.spec, utc(c.at)), c.expect));
  }

  const invalid: { spec: AmTimeIntervalSpec; error: RegExp }[] = [
    { spec: { weekdays: ["saturday:sunday"] }, error: /start day cannot be after end day/ },
    { spec: { weekdays: ["funday"] }, error: /"funday" is not a valid weekday/ },
    { spec: { days_of_month: ["0"] }, error: /0 is not a valid day of the month/ },
    { spec: { days_of_month: ["-1:5"] }, error: /end must be negative too/ },
    { spec: { days_of_month: ["10:5"] }, error: /always before start day/ },
    { spec: { months: ["march:january"] }, error: /end month is before start month/ },
    { spec: { years: ["2027:2026"] }, error: /end year is before start year/ },
    { spec: { times: [{ start_time: "18:00", end_time: "09:00" }] }, error: /start must be before the end/ },
    { spec: { times: [{ start_time: "9:00", end_time: "17:00" }] }, error: /couldn't parse time "9:00"/ },
    { spec: { location: "Mars/Olympus_Mons" }, error: /unknown time zone "Mars\/Olympus_Mons"/ },
  ];
  for (const c of invalid) {
    it(`rejects ${JSON.stringify(c.spec)}`, () =>
      assert.throws(() => timeIntervalContains(c.spec, new Date()), c.error));
  }
});

const TIMED: AmConfig = {
  route: {
    receiver: "default",
    routes: [
      {
        matchers: ['vertical="sales"'],
        mute_time_intervals: ["weekends"],
        routes: [
          { receiver: "pager", active_time_intervals: ["business-hours"], continue: true },
          { receiver: "offhours", mute_time_intervals: ["business-hours", "weekends"] },
        ],
      },
    ],
  },
  receivers: [{ name: "default" }, { name: "pager" }, { name: "offhours" }],
  time_intervals: [
    {
      name: "business-hours",
      time_intervals: [{ weekdays: ["monday:friday"], times: [{ start_time: "09:00", end_time: "18:00" }] }],
    },
  ],
  mute_time_intervals: [{ name: "weekends", time_intervals: [{ weekdays: ["saturday", "sunday"] }] }],
};

describe("routeStatusAt and named intervals", () => {
  const router = createRouter(TIMED);
  const [pager, offhours] = router.match({ vertical: "sales" });
  const monday10 = utc("2026-03-02T10:00:00Z");
  const monday20 = utc("2026-03-02T20:00:00Z");
  const saturday = utc("2026-03-07T10:00:00Z");

  it("reads both spellings of named intervals, and rejects an unknown name", () => {
    assert.equal(namedIntervalsContain(TIMED, ["business-hours"], monday10), true);
    assert.equal(namedIntervalsContain(TIMED, ["weekends"], saturday), true);
    assert.equal(namedIntervalsContain(TIMED, ["weekends", "business-hours"], monday20), false);
    assert.throws(() => namedIntervalsContain(TIMED, ["holidays"], monday10), /"holidays" is not defined/);
  });

  const cases = [
    { at: monday10, node: () => pager, expect: { active: true } },
    { at: monday20, node: () => pager, expect: { active: false, inactiveOutside: ["business-hours"] } },
    { at: monday10, node: () => offhours, expect: { active: false, mutedBy: "business-hours" } },
    { at: monday20, node: () => offhours, expect: { active: true } },
    { at: saturday, node: () => offhours, expect: { active: false, mutedBy: "weekends" } },
    // The parent's weekend mute is not inherited: the pager route is only bound by its own interval.
    { at: saturday, node: () => pager, expect: { active: false, inactiveOutside: ["business-hours"] } },
  ];
  for (const c of cases) {
    it(`${c.node().receiver} at ${c.at.toISOString()}`, () =>
      assert.deepEqual(routeStatusAt(TIMED, c.node(), c.at), c.expect));
  }

  it("does not inherit a parent's mute interval", () => {
    const config: AmConfig = {
      ...TIMED,
      route: {
        receiver: "default",
        routes: [{ mute_time_intervals: ["weekends"], routes: [{ receiver: "child" }] }],
      },
    };
    const [child] = createRouter(config).match({});
    assert.equal(child.receiver, "child");
    assert.deepEqual(routeStatusAt(config, child, saturday), { active: true });
    assert.deepEqual(routeStatusAt(config, child.parent as typeof child, saturday), {
      active: false,
      mutedBy: "weekends",
    });
  });
});

describe("inhibitingAlert", () => {
  const config: AmConfig = {
    route: { receiver: "default" },
    receivers: [{ name: "default" }],
    inhibit_rules: [
      {
        source_matchers: ['alert_type="infra"', 'severity=~"critical|page"'],
        target_matchers: ['alert_type=~"model|tool"'],
        equal: ["vertical"],
      },
      { source_matchers: ['alert_type="infra"', 'outage="true"'], target_matchers: ['vertical="sales"'] },
    ],
  };
  const redis = { alertname: "RedisDown", alert_type: "infra", severity: "critical", vertical: "healthcare" };
  const cases: { fact: string; firing: LabelSet[]; target: LabelSet; expect: LabelSet | undefined }[] = [
    {
      fact: "a critical infra alert inhibits its vertical's model alert",
      firing: [redis],
      target: { alert_type: "model", vertical: "healthcare" },
      expect: redis,
    },
    {
      fact: "not another vertical's",
      firing: [redis],
      target: { alert_type: "model", vertical: "sales" },
      expect: undefined,
    },
    {
      fact: "a warning does not inhibit",
      firing: [{ ...redis, severity: "warning" }],
      target: { alert_type: "tool", vertical: "healthcare" },
      expect: undefined,
    },
    {
      fact: "equal on a label both lack holds (missing is empty)",
      firing: [{ alert_type: "infra", severity: "page" }],
      target: { alert_type: "tool" },
      expect: { alert_type: "infra", severity: "page" },
    },
    {
      fact: "equal on a label only one has fails",
      firing: [redis],
      target: { alert_type: "tool" },
      expect: undefined,
    },
    {
      fact: "the first inhibiting alert is returned",
      firing: [{ ...redis, vertical: "sales" }, redis, { ...redis, alertname: "PostgresDown" }],
      target: { alert_type: "model", vertical: "healthcare" },
      expect: redis,
    },
    {
      fact: "an alert matching both sides cannot inhibit itself",
      firing: [{ alert_type: "infra", outage: "true", vertical: "sales" }],
      target: { alert_type: "infra", outage: "true", vertical: "sales" },
      expect: undefined,
    },
    {
      fact: "two alerts matching both sides do not inhibit each other",
      firing: [{ alertname: "Other", alert_type: "infra", outage: "true", vertical: "sales" }],
      target: { alert_type: "infra", outage: "true", vertical: "sales" },
      expect: undefined,
    },
    {
      fact: "a two-sided target is inhibited by a source outside the target side",
      firing: [{ alert_type: "infra", outage: "true", vertical: "healthcare" }],
      target: { alert_type: "infra", outage: "true", vertical: "sales" },
      expect: { alert_type: "infra", outage: "true", vertical: "healthcare" },
    },
    {
      fact: "a one-sided target is inhibited by a source on both sides",
      firing: [{ alert_type: "infra", outage: "true", vertical: "sales" }],
      target: { alert_type: "infra", vertical: "sales" },
      expect: { alert_type: "infra", outage: "true", vertical: "sales" },
    },
  ];
  for (const c of cases) {
    it(c.fact, () => assert.deepEqual(inhibitingAlert(config, c.firing, c.target), c.expect));
  }
});
