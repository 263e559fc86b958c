// routing-matrix.json: the routing matrix in a form a program can compare, written beside routing.md.
// The routing diff reads it from two renders (a base revision's and the working tree's).
import type { MatrixRow, Moment } from "../review/matrix";

export const ROUTING_MATRIX_FILE = "routing-matrix.json";
/** Raised when the file's shape changes, so a diff never compares two different shapes. */
export const ROUTING_MATRIX_FORMAT = 1;

export interface RoutingMatrixFile {
  format: number;
  stack: string;
  moments: { id: string; label: string }[];
  rows: {
    vertical: string;
    alert: string;
    severity: string;
    tier: string;
    cells: Record<string, { receivers: string[]; muted: string[]; pages: boolean }>;
  }[];
}

export function routingMatrixFile(
  stack: string,
  moments: readonly Moment[],
  matrix: readonly MatrixRow[],
): string {
  const file: RoutingMatrixFile = {
    format: ROUTING_MATRIX_FORMAT,
    stack,
    moments: moments.map(({ id, label }) => ({ id, label })),
    rows: matrix.map((row) => ({
      vertical: row.vertical,
      alert: row.alert,
      severity: row.severity,
      tier: row.tier,
      cells: Object.fromEntries(
        moments.map(({ id }) => {
          const { receivers, muted, pages } = row.cells[id];
          return [id, { receivers, muted, pages }];
        }),
      ),
    })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
