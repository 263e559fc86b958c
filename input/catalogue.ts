// The alert catalogue: `alerts/<vertical>.yaml`, Prometheus rule groups plus our routing labels.
import { z } from "zod";
import { KEBAB_NAME } from "../core/conventions";
import { type Issue, joinPath } from "../core/errors";
import { zodIssues } from "../core/zodIssues";
import { histogramsSchema, sloSchema } from "../slo/spec";
import { parseYaml } from "./yamlFile";

const stringMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

const rule = z
  .object({
    alert: z.string().min(1).optional(),
    record: z.string().min(1).optional(),
    expr: z.union([z.string(), z.number()]).transform(String),
    for: z.string().optional(),
    keep_firing_for: z.string().optional(),
    labels: stringMap.default({}),
    annotations: stringMap.default({}),
    /** `customer` for an alert per customer, which takes the customer's tier; a vertical-wide alert by default. */
    scope: z.enum(["vertical", "customer"]).optional(),
  })
  .strict();

const group = z
  .object({
    name: z.string().regex(KEBAB_NAME, "must be lower-case kebab-case, like latency or tools"),
    interval: z.string().optional(),
    rules: z.array(rule).min(1, "needs at least one rule"),
  })
  .strict();

const catalogueSchema = z
  .object({
    groups: z.array(group).min(1, "needs at least one group"),
    histograms: histogramsSchema.default({}),
    slos: z.array(sloSchema).default([]),
  })
  .strict();

export type CatalogueRule = z.infer<typeof rule>;
export type CatalogueGroup = z.infer<typeof group>;
export type Catalogue = z.infer<typeof catalogueSchema>;

export type CatalogueResult = { ok: true; catalogue: Catalogue } | { ok: false; issues: Issue[] };

/** Parses one catalogue file's text. Structural problems come back as issues naming the file and path. */
export function parseCatalogue(file: string, text: string): CatalogueResult {
  const loaded = parseYaml(file, text);
  if (!loaded.ok) return { ok: false, issues: [{ file, path: "", message: loaded.message }] };
  const data = loaded.data;
  const parsed = catalogueSchema.safeParse(data ?? {});
  if (!parsed.success) return { ok: false, issues: zodIssues(file, parsed.error, data) };
  for (const [g, grp] of parsed.data.groups.entries()) {
    for (const [r, item] of grp.rules.entries()) {
      if ((item.alert === undefined) === (item.record === undefined)) {
        const path = joinPath(["groups", g, "rules", r]);
        return { ok: false, issues: [{ file, path, message: "needs exactly one of `alert` or `record`" }] };
      }
    }
  }
  return { ok: true, catalogue: parsed.data };
}
