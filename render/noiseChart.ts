// pages-per-team.svg: pages per team per day (UTC) over the window, off-hours pages stacked in full
// colour on the pale in-hours ones. Drawn by Vega-Lite and Vega headless (no canvas, no native code).
import type { NoiseReport } from "../review/noiseReport";
import { importEsm } from "./esm";

const DAY_MS = 86_400_000;

/** Every UTC day the window touches, so a quiet day shows as a gap, not a missing column. */
export function windowDays(window: NoiseReport["window"]): string[] {
  const days: string[] = [];
  const end = Date.parse(window.to);
  for (let day = Math.floor(Date.parse(window.from) / DAY_MS) * DAY_MS; day < end; day += DAY_MS) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  return days;
}

export function pagesPerTeamSpec(report: NoiseReport): Record<string, unknown> {
  const counts = new Map<string, { day: string; team: string; hours: string; pages: number }>();
  for (const page of report.pages) {
    const row = {
      day: page.start.slice(0, 10),
      team: page.team,
      hours: page.offHours ? "off-hours" : "in hours",
    };
    const key = `${row.day} ${row.team} ${row.hours}`;
    counts.set(key, { ...row, pages: (counts.get(key)?.pages ?? 0) + 1 });
  }
  const teams = report.teams.map((team) => team.team);
  // Only paged teams take a slot in a day's column, so the bars stay wide enough to read.
  const paged = report.teams.filter((team) => team.pages > 0).map((team) => team.team);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Pages per team per day, ${report.stack}`,
    width: 640,
    height: 240,
    data: { values: [...counts.values()] },
    mark: { type: "bar" },
    encoding: {
      x: {
        field: "day",
        type: "ordinal",
        title: "day (UTC)",
        scale: { domain: windowDays(report.window) },
        axis: { labelAngle: 0 },
      },
      xOffset: { field: "team", type: "nominal", scale: { domain: paged.length > 0 ? paged : teams } },
      y: { field: "pages", type: "quantitative", title: "pages", stack: "zero", axis: { tickMinStep: 1 } },
      color: { field: "team", type: "nominal", scale: { domain: teams } },
      opacity: {
        field: "hours",
        type: "nominal",
        title: "when",
        scale: { domain: ["off-hours", "in hours"], range: [1, 0.4] },
      },
      order: { field: "hours", sort: "descending" },
    },
  };
}

/** The chart as SVG text. Vega ships as ES modules only, with top-level await. */
export async function pagesPerTeamSvg(report: NoiseReport): Promise<string> {
  const vegaLite = (await importEsm("vega-lite")) as unknown as {
    compile(spec: unknown): { spec: unknown };
  };
  const vega = (await importEsm("vega")) as unknown as {
    parse(spec: unknown): unknown;
    View: new (
      runtime: unknown,
      options: { renderer: "none" },
    ) => { toSVG(): Promise<string>; finalize(): void };
  };
  const view = new vega.View(vega.parse(vegaLite.compile(pagesPerTeamSpec(report)).spec), {
    renderer: "none",
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
