// The Alertmanager semantics library, piece by piece: route keys as dispatch/route.go builds them,
// the `matchers:` syntax as pkg/labels parses it, time intervals as pkg/timeinterval reads and
// checks them, and month lengths as Alertmanager 0.25 computes them. The routing tests and the
// conformance test judge the whole against amtool; these pin each rule, so a change to one fails here.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileRoutes, routePath } from "../../alertmanager/evaluate";
import { inhibitingAlert } from "../../alertmanager/inhibit";
import {
  anchoredRegExp,
  compileMatcher,
  type Matcher,
  parseMatcher,
  parseMatchers,
} from "../../alertmanager/matchers";
import { lostRoutes, routeKeyId, routeKeys } from "../../alertmanager/routeKeys";
import {
  compileTimeInterval,
  containingInterval,
  timeIntervalContains,
} from "../../alertmanager/timeIntervals";
import type { AmConfig, AmTimeIntervalSpec } from "../../alertmanager/types";
import { goDaysInMonth, isUtc, wallClock } from "../../alertmanager/wallClock";

describe("route keys", () => {
  it("sorts each route's matchers by name, then value, then operator, and joins ancestors with /", () => {
    const keys = routeKeys({
      receiver: "root",
      routes: [
        {
          receiver: "sales",
          matchers: ['vertical="sales"'],
          routes: [{ matchers: ['b="2"', 'a!="y"', 'a=~"x"', 'a="x"', 'a!~"x"', 'a!="x"'] }],
        },
      ],
    });
    assert.deepEqual(keys, [
      { key: "{}", receiver: "root" },
      { key: '{}/{vertical="sales"}', receiver: "sales" },
      { key: '{}/{vertical="sales"}/{a="x",a!="x",a=~"x",a!~"x",a!="y",b="2"}', receiver: "sales" },
    ]);
  });

  it("reads several matchers on one line, and escapes quotes, backslashes and newlines in a value", () => {
    const [, key] = routeKeys({
      receiver: "root",
      routes: [{ receiver: "r", matchers: ['{z="1", y="a\\"b"}', 'x="c\\\\d"', 'w="e\\nf"'] }],
    });
    assert.equal(key.key, '{}/{w="e\\nf",x="c\\\\d",y="a\\"b",z="1"}');
  });

  it("orders matchers the same whichever order the config lists them in", () => {
    const keyOf = (matchers: string[]) => routeKeys({ receiver: "root", routes: [{ matchers }] })[1].key;
    for (const [listed, sorted] of [
      [['b="2"', 'a="1"'], '{}/{a="1",b="2"}'],
      [['a="2"', 'a="1"'], '{}/{a="1",a="2"}'],
      [['a!="1"', 'a="1"'], '{}/{a="1",a!="1"}'],
    ] as const) {
      assert.equal(keyOf([...listed]), sorted, listed.join(" "));
      assert.equal(keyOf([...listed].reverse()), sorted, [...listed].reverse().join(" "));
    }
  });

  it("gives a route without a receiver, the root's included, its parent's, or none", () => {
    assert.deepEqual(routeKeys({ routes: [{ matchers: ['a="1"'] }] }), [
      { key: "{}", receiver: "" },
      { key: '{}/{a="1"}', receiver: "" },
    ]);
  });

  it("names each route that disappears or changes receiver once, and not one that stays", () => {
    const kept = { key: '{}/{a="1"}', receiver: "sales" };
    const gone = { key: '{}/{a="2"}', receiver: "sales" };
    const moved = { key: '{}/{a="3"}', receiver: "sales" };
    assert.equal(routeKeyId(moved), '{}/{a="3"} -> sales');
    assert.deepEqual(lostRoutes([kept, gone, moved, gone], [kept, { ...moved, receiver: "support" }]), [
      gone,
      moved,
    ]);
    assert.deepEqual(lostRoutes([kept, kept], [kept]), []);
  });
});

describe("the root route", () => {
  const config = (route: Record<string, unknown> | undefined) =>
    ({ route, receivers: [{ name: "r" }] }) as unknown as AmConfig;

  it("refuses each root Alertmanager refuses, naming the field", () => {
    const refused: [Record<string, unknown> | undefined, string][] = [
      [undefined, "route: the config has no root route"],
      [{}, "route.receiver: the root route must name a default receiver"],
      [{ receiver: "r", matchers: ['a="1"'] }, "route.matchers: the root route must not have matchers"],
      [{ receiver: "r", continue: true }, "route.continue: the root route cannot continue"],
      [{ receiver: "r", mute_time_intervals: ["x"] }, "route: the root route must not have time intervals"],
      [{ receiver: "r", active_time_intervals: ["x"] }, "route: the root route must not have time intervals"],
    ];
    for (const [route, message] of refused)
      assert.throws(() => compileRoutes(config(route)), { message }, JSON.stringify(route));
    for (const route of [
      { receiver: "r", matchers: [], continue: false, mute_time_intervals: [], active_time_intervals: [] },
    ])
      assert.doesNotThrow(() => compileRoutes(config(route)));
  });

  it("passes its receiver down, and names a route by its path and each level's matchers", () => {
    const root = compileRoutes(
      config({
        receiver: "r",
        routes: [{ matchers: ['a="1"', 'b="2"'], routes: [{ matchers: ['c="3"'] }] }],
      }),
    );
    const leaf = root.children[0].children[0];
    assert.equal(leaf.receiver, "r");
    assert.equal(routePath(leaf), 'route.routes[0].routes[0] {a="1", b="2"} / {c="3"}');
    assert.equal(routePath(root), "route");
  });
});

describe("matchers", () => {
  it("unescapes a quoted value, keeps a spurious escape, and keeps a trailing backslash", () => {
    assert.equal(parseMatcher('a="x\\"y"').value, 'x"y');
    assert.equal(parseMatcher('a="x\\\\y"').value, "x\\y");
    assert.equal(parseMatcher('a="x\\ny"').value, "x\ny");
    assert.equal(parseMatcher('a="x\\qy"').value, "x\\qy");
    assert.equal(parseMatcher("a=x\\").value, "x\\");
    assert.equal(parseMatcher("a=x\\\\").value, "x\\");
  });

  it("refuses an unescaped quote inside a value and a value without its closing quote", () => {
    assert.throws(() => parseMatcher('a="x"y"'), /unescaped double quote/);
    assert.throws(() => parseMatcher('a="xy'), /lacks its closing quote/);
    assert.throws(() => parseMatcher('a=x"'), /unescaped double quote/);
  });

  it("refuses a bad regular expression for =~ and !~ only", () => {
    assert.throws(() => parseMatcher('a=~"("'), /^Error: bad matcher a=~"\(": invalid regular expression/);
    assert.throws(() => parseMatcher('a!~"("'), /^Error: bad matcher a!~"\(": invalid regular expression/);
    assert.equal(parseMatcher('a="("').value, "(");
    assert.equal(parseMatcher('a!="("').value, "(");
  });

  it("splits on commas outside quotes only, inside braces or not", () => {
    assert.deepEqual(
      parseMatchers('{a="1,2", b=~"x|y"}').map((m) => [m.name, m.op, m.value]),
      [
        ["a", "=", "1,2"],
        ["b", "=~", "x|y"],
      ],
    );
    assert.deepEqual(
      parseMatchers('a="q\\",r", b="2"').map((m) => m.value),
      ['q",r', "2"],
    );
    assert.deepEqual(
      parseMatchers('a="\\\\", b="2"').map((m) => m.value),
      ["\\", "2"],
    );
    // pkg/labels trims one brace from each end of the line, never one inside a value.
    assert.deepEqual(
      parseMatchers('{a="x}"}').map((m) => m.value),
      ["x}"],
    );
    assert.deepEqual(
      parseMatchers('a="{x"').map((m) => m.value),
      ["{x"],
    );
  });

  it("reads a line's separators and quotes as amtool check-config does", () => {
    // Each case checked against amtool 0.25: `amtool config routes` prints the same matchers.
    assert.throws(() => parseMatcher('a="x"y'), /unescaped double quote/);
    assert.deepEqual(
      parseMatchers('a="x\\"", b="2"').map((m) => m.value),
      ['x"', "2"],
    );
    // A comma inside quotes keeps the escape before it, so the quote after it is not a closing one.
    assert.throws(() => parseMatchers('a="x\\,", b="2"'), /unescaped double quote/);
    // A spurious escape ends at the next character, so the quote after it closes the value.
    assert.deepEqual(
      parseMatchers('a="x\\y", b="2"').map((m) => m.value),
      ["x\\y", "2"],
    );
    // A line that opens with an escaped quote splits at its first comma; amtool names `\"`.
    assert.throws(
      () => parseMatchers('\\",a="1"'),
      (error: Error) => error.message.startsWith(`bad matcher ${JSON.stringify('\\"')}: expected name`),
    );
    assert.deepEqual(
      parseMatchers('a="1", ').map((m) => m.value),
      ["1"],
    );
    assert.deepEqual(
      parseMatchers('a="1"\u00a0').map((m) => m.value),
      ["1"],
    );
  });

  it("refuses an operator it does not know when compiling a matcher", () => {
    assert.throws(
      () => compileMatcher({ name: "a", op: "~=", value: "1" } as unknown as Matcher),
      /matcher \{"name":"a","op":"~=","value":"1"\}: unknown operator/,
    );
  });

  it("applies a leading Go flag group to the whole value, once per flag", () => {
    const regex = anchoredRegExp({ name: "a", op: "=~", value: "(?ii)abc" });
    assert.ok(regex.test("ABC"));
    assert.equal(regex.flags.split("").filter((flag) => flag === "i").length, 1);
    assert.ok(!anchoredRegExp({ name: "a", op: "=~", value: "abc" }).test("ABC"));
    const both = anchoredRegExp({ name: "a", op: "=~", value: "(?is)a.b" });
    assert.ok(both.test("A\nB"));
  });
});

describe("inhibit rules", () => {
  const config = (rule: Record<string, unknown>) =>
    ({ route: { receiver: "r" }, receivers: [{ name: "r" }], inhibit_rules: [rule] }) as unknown as AmConfig;

  it("names the rule and side of a bad matcher", () => {
    for (const side of ["source_matchers", "target_matchers"])
      assert.throws(
        () => inhibitingAlert(config({ [side]: ['a=~"("'] }), [], {}),
        new RegExp(`^Error: inhibit_rules\\[0\\]\\.${side}\\[0\\]: bad matcher a=~"\\("`),
      );
  });

  it("holds nothing back without inhibit rules", () => {
    const none = { route: { receiver: "r" }, receivers: [{ name: "r" }] } as unknown as AmConfig;
    assert.equal(inhibitingAlert(none, [{ alertname: "Outage" }], { alertname: "Symptom" }), undefined);
  });

  it("reads a side without matchers as matching every alert, and no equal labels as equal", () => {
    const outage = { alertname: "Outage" };
    const symptom = { alertname: "Symptom" };
    assert.equal(
      inhibitingAlert(config({ source_matchers: ['alertname="Outage"'] }), [outage], symptom),
      outage,
    );
    assert.equal(
      inhibitingAlert(config({ target_matchers: ['alertname="Symptom"'] }), [outage], symptom),
      outage,
    );
  });
});

describe("time intervals", () => {
  const at = (iso: string) => new Date(iso);
  const contains = (spec: AmTimeIntervalSpec, iso: string) => timeIntervalContains(spec, at(iso));

  it("knows every month by name, in either case, and by number", () => {
    // Go's month names, here from the ICU data Node ships rather than from the code under test.
    const monthName = new Intl.DateTimeFormat("en-US", { month: "long", timeZone: "UTC" });
    const names = Array.from({ length: 12 }, (_, i) => monthName.format(Date.UTC(2026, i, 15)).toLowerCase());
    names.forEach((name, i) => {
      const month = String(i + 1).padStart(2, "0");
      assert.ok(contains({ months: [name] }, `2026-${month}-15T12:00:00Z`), name);
      assert.ok(contains({ months: [name.toUpperCase()] }, `2026-${month}-15T12:00:00Z`), name);
      assert.ok(!contains({ months: [name] }, `2026-${i === 0 ? "02" : "01"}-15T12:00:00Z`), name);
    });
    assert.ok(contains({ months: ["3:5"] }, "2026-04-15T12:00:00Z"));
    assert.ok(contains({ months: ["january", "july:august"] }, "2026-08-15T12:00:00Z"));
    assert.ok(!contains({ months: ["january", "july:august"] }, "2026-09-15T12:00:00Z"));
  });

  it("refuses what Alertmanager refuses when it loads an interval", () => {
    const refused: [AmTimeIntervalSpec, RegExp][] = [
      [{ months: ["13"] }, /"13" is not a valid month/],
      [{ months: ["0"] }, /"0" is not a valid month/],
      [{ months: ["smarch"] }, /"smarch" is not a valid month/],
      [{ months: ["may:march"] }, /end month is before start month/],
      [{ months: ["1:2:3"] }, /couldn't parse range "1:2:3"/],
      [{ days_of_month: ["0"] }, /0 is not a valid day of the month/],
      [{ days_of_month: ["32"] }, /32 is not a valid day of the month/],
      [{ days_of_month: ["-32"] }, /-32 is not a valid day of the month/],
      [{ days_of_month: ["1x"] }, /"1x" is not a valid day of the month/],
      [{ days_of_month: ["x1"] }, /"x1" is not a valid day of the month/],
      [{ days_of_month: ["-3:5"] }, /end must be negative too/],
      [{ days_of_month: ["20:-10"] }, /end day is always before start day/],
      [{ years: ["2027:2026"] }, /end year is before start year/],
      [{ years: ["twenty"] }, /"twenty" is not a valid year/],
      [{ weekdays: ["saturday:sunday"] }, /start day cannot be after end day/],
      [{ times: [{ start_time: "10:00", end_time: "10:00" }] }, /the start must be before the end/],
      [{ times: [{ start_time: "9:00", end_time: "10:00" }] }, /couldn't parse time "9:00"/],
      [{ times: [{ start_time: "09:00", end_time: "24:01" }] }, /couldn't parse time "24:01"/],
      [{ times: [{ start_time: "x09:00", end_time: "10:00" }] }, /couldn't parse time "x09:00"/],
      [{ times: [{ start_time: "09:00", end_time: "10:00x" }] }, /couldn't parse time "10:00x"/],
    ];
    refused.push([{ location: "Mars/Olympus_Mons" }, /unknown time zone "Mars\/Olympus_Mons"/]);
    for (const [spec, message] of refused) assert.throws(() => compileTimeInterval(spec), message);
    // At the edges of what it takes.
    for (const spec of [
      { days_of_month: ["-31", "31", "-28:-1", "1:28"] },
      { months: ["+3"] },
      { times: [{ start_time: "00:00", end_time: "24:00" }] },
      // A positive start may end on a day counted from the end: checked as if the month had 28 days.
      { days_of_month: ["1:-1", "5:-5", "27:-1"] },
      { years: ["2026:2026"] },
      // Go's time.LoadLocation reads "" as UTC; Intl would refuse it as a zone name.
      { location: "" },
    ])
      assert.doesNotThrow(() => compileTimeInterval(spec), JSON.stringify(spec));
  });

  it("counts days of the month from the end when negative, and clamps as ContainsTime does", () => {
    const last = { days_of_month: ["-1"] };
    assert.ok(contains(last, "2026-02-28T12:00:00Z"));
    assert.ok(!contains(last, "2026-02-27T12:00:00Z"));
    assert.ok(contains(last, "2026-01-31T12:00:00Z"));
    const lastThree = { days_of_month: ["-3:-1"] };
    assert.ok(contains(lastThree, "2026-01-29T12:00:00Z"));
    assert.ok(!contains(lastThree, "2026-01-28T12:00:00Z"));
    const firstOrLast = { days_of_month: ["1", "-1"] };
    assert.ok(contains(firstOrLast, "2026-03-01T12:00:00Z"));
    assert.ok(contains(firstOrLast, "2026-03-31T12:00:00Z"));
    assert.ok(!contains(firstOrLast, "2026-03-15T12:00:00Z"));
    // 30 and 31 do not exist in February: the range starts past the month's end.
    assert.ok(!contains({ days_of_month: ["30:31"] }, "2026-02-28T12:00:00Z"));
    assert.ok(contains({ days_of_month: ["25:31"] }, "2026-02-28T12:00:00Z"));
    // A negative end counts back from the month's own length, not only when it is the last day.
    const thirdToLast = { days_of_month: ["-5:-3"] };
    assert.ok(contains(thirdToLast, "2026-01-29T12:00:00Z"));
    assert.ok(!contains(thirdToLast, "2026-01-30T12:00:00Z"));
    assert.ok(!contains(thirdToLast, "2026-01-26T12:00:00Z"));
  });

  it("takes any of several times, half-open", () => {
    const spec = {
      times: [
        { start_time: "01:00", end_time: "02:00" },
        { start_time: "09:00", end_time: "17:00" },
      ],
    };
    assert.ok(contains(spec, "2026-01-14T09:00:00Z"));
    assert.ok(contains(spec, "2026-01-14T01:30:00Z"));
    assert.ok(!contains(spec, "2026-01-14T17:00:00Z"));
    assert.ok(!contains(spec, "2026-01-14T05:00:00Z"));
  });

  it("names the first interval that contains the instant, refuses an unknown or repeated name", () => {
    const config = {
      route: { receiver: "r" },
      receivers: [{ name: "r" }],
      time_intervals: [
        { name: "nights", time_intervals: [{ times: [{ start_time: "00:00", end_time: "06:00" }] }] },
        {
          name: "mornings",
          time_intervals: [
            { times: [{ start_time: "03:00", end_time: "04:00" }] },
            { times: [{ start_time: "06:00", end_time: "12:00" }] },
          ],
        },
      ],
      mute_time_intervals: [{ name: "weekends", time_intervals: [{ weekdays: ["saturday", "sunday"] }] }],
    } as unknown as AmConfig;
    assert.equal(containingInterval(config, ["mornings", "nights"], at("2026-01-14T07:00:00Z")), "mornings");
    assert.equal(containingInterval(config, ["mornings", "nights"], at("2026-01-14T03:30:00Z")), "mornings");
    assert.equal(containingInterval(config, ["nights", "mornings"], at("2026-01-14T03:30:00Z")), "nights");
    assert.equal(containingInterval(config, ["nights", "mornings"], at("2026-01-14T13:00:00Z")), undefined);
    assert.equal(containingInterval(config, ["weekends"], at("2026-01-17T13:00:00Z")), "weekends");
    // A named interval without `time_intervals` loads (amtool takes it) and contains no instant.
    const empty = { ...config, time_intervals: [{ name: "never" }] } as unknown as AmConfig;
    assert.equal(containingInterval(empty, ["never"], at("2026-01-17T13:00:00Z")), undefined);
    assert.throws(
      () => containingInterval(config, ["nights", "lunch"], at("2026-01-14T01:00:00Z")),
      /"lunch" is not defined/,
    );
    const repeated = {
      ...config,
      mute_time_intervals: [{ name: "nights", time_intervals: [] }],
    } as unknown as AmConfig;
    assert.throws(
      () => containingInterval(repeated, ["nights"], at("2026-01-14T01:00:00Z")),
      /"nights" is not unique/,
    );
  });

  it("gives the same answer the second time, and after many other instants", () => {
    const spec = { times: [{ start_time: "09:00", end_time: "17:00" }], location: "America/New_York" };
    const noon = "2026-01-14T17:00:00Z";
    assert.ok(contains(spec, noon));
    assert.ok(contains(spec, noon));
    for (let minute = 0; minute < 5000; minute++)
      timeIntervalContains(spec, new Date(Date.UTC(2026, 0, 1) + minute * 60000));
    assert.ok(contains(spec, noon));
    assert.ok(!contains(spec, "2026-01-14T23:00:00Z"));
  });
});

describe("wall clock", () => {
  it("reads an absent, empty or UTC zone as UTC, and any other zone as that zone", () => {
    for (const zone of [undefined, "", "UTC"]) assert.ok(isUtc(zone), String(zone));
    for (const zone of ["Etc/UTC", "America/New_York", "utc"]) assert.ok(!isUtc(zone), zone);
    const at = new Date("2026-07-01T03:30:00Z");
    assert.deepEqual(
      [wallClock(at, "").day, wallClock(at, "").minute, wallClock(at, "").weekday],
      [1, 3 * 60 + 30, 3],
    );
    const newYork = wallClock(at, "America/New_York");
    assert.deepEqual([newYork.month, newYork.day, newYork.minute, newYork.weekday], [6, 30, 23 * 60 + 30, 2]);
  });

  it("counts a month's days as Alertmanager 0.25 does, across the year's end and a clock change", () => {
    assert.equal(goDaysInMonth(2026, 12, "America/New_York"), 31);
    assert.equal(goDaysInMonth(2026, 1, "America/New_York"), 31);
    assert.equal(goDaysInMonth(2028, 2, "Europe/Berlin"), 29);
    assert.equal(goDaysInMonth(2026, 2, ""), 28);
    // The month the clocks spring forward is an hour short, so 0.25 counts a day less.
    assert.equal(goDaysInMonth(2026, 3, "America/New_York"), 30);
    assert.equal(goDaysInMonth(2026, 3, "UTC"), 31);
    assert.equal(goDaysInMonth(2026, 11, "America/New_York"), 30);
    // Spring forward on the first of a month (Adelaide, 1 October 2023, 02:00): October is short.
    assert.deepEqual(
      [goDaysInMonth(2023, 9, "Australia/Adelaide"), goDaysInMonth(2023, 10, "Australia/Adelaide")],
      [30, 30],
    );
    // Midnight of 1 October 2023 never happened in Asunción (00:00 became 01:00). Go's time.Date
    // takes the offset in force after the change, so September ends an hour early and counts 29.
    assert.deepEqual(
      [goDaysInMonth(2023, 9, "America/Asuncion"), goDaysInMonth(2023, 10, "America/Asuncion")],
      [29, 31],
    );
  });
});
