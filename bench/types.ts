// What a bench run measures, shared by the runner and the report.
import type { OutputFigures } from "./figures";
import type { StackShape } from "./generate";
import type { Summary } from "./measure";
import type { ProfileSummary } from "./profile";
import type { RoutingFigures } from "./routing";

export interface Scale {
  id: string;
  label: string;
  stack: string;
  /** Absent for prod and staging, which render from the project's own stack files. */
  stackFile?: string;
  shape?: StackShape;
  /** Timed runs wanted; 0 renders once for the output figures only. */
  runs: number;
  /** Profiled once with `--cpu-prof` for the breakdown of its time. */
  profile: boolean;
}

export interface ScaleResult {
  scale: Scale;
  /** Absent for a scale rendered once for its figures only. */
  timing?: Summary;
  /** Median of this scale's wall time over the floor's, run by run in the same round (paired). */
  pairedRatio?: number;
  figures: OutputFigures;
  profile?: ProfileSummary;
}

export interface BenchResults {
  startedAt: Date;
  totalMs: number;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; os: string };
  /** 1-minute load average at the start, at each measured run, and at the end. */
  load: { start: number; during: number[]; end: number };
  floor: Summary;
  scales: ScaleResult[];
  routing: RoutingFigures;
  quick: boolean;
  /** What the time budget left out, said in the report. */
  skipped: string[];
}
