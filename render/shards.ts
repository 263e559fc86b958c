// Splits a vertical's rule groups across numbered objects, each under a size budget well below
// Kubernetes' 1 MiB limit. Boundaries are content-defined: a shard ends before a group whose name
// hashes to a boundary, or when the next group would overflow the budget. Adding an alert changes
// its own group's shard only (unless that shard overflows); adding a group touches one shard. A
// vertical that fits the budget is one shard, whatever the hashes say.
import type { RuleFilePlan } from "../model/plan";
import { toYaml } from "./yaml";

export type RuleGroupPlan = RuleFilePlan["groups"][number];

export interface RuleShard {
  vertical: string;
  index: number;
  groups: RuleGroupPlan[];
  /** The shard as a Prometheus rule file. */
  text: string;
}

/** A boundary falls before roughly one group in eight, so a large vertical's shards hold ~8 groups. */
const BOUNDARY_ONE_IN = 8;

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export class ShardError extends Error {
  constructor(
    readonly vertical: string,
    readonly group: string,
    readonly bytes: number,
    readonly budget: number,
  ) {
    super(
      `rule group "${group}" renders ${Math.ceil(bytes / 1024)} KiB, over the ${Math.floor(budget / 1024)} KiB budget of one object; split it into smaller groups`,
    );
  }
}

export function shardRuleFile(file: RuleFilePlan, budgetBytes: number): RuleShard[] {
  const sized = file.groups.map((group) => ({
    group,
    bytes: Buffer.byteLength(toYaml({ groups: [group] })),
  }));
  const oversized = sized.find((entry) => entry.bytes > budgetBytes);
  if (oversized) throw new ShardError(file.vertical, oversized.group.name, oversized.bytes, budgetBytes);
  const total = Buffer.byteLength(toYaml({ groups: file.groups }));
  const batches: RuleGroupPlan[][] = [];
  if (total <= budgetBytes) {
    batches.push(file.groups);
  } else {
    let current: RuleGroupPlan[] = [];
    let bytes = 0;
    for (const { group, bytes: size } of sized) {
      const boundary = fnv1a(group.name) % BOUNDARY_ONE_IN === 0;
      if (current.length > 0 && (boundary || bytes + size > budgetBytes)) {
        batches.push(current);
        current = [];
        bytes = 0;
      }
      current.push(group);
      bytes += size;
    }
    if (current.length > 0) batches.push(current);
  }
  return batches.map((groups, index) => ({
    vertical: file.vertical,
    index,
    groups,
    text: toYaml({ groups }),
  }));
}
