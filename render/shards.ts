// Splits a vertical's rule groups across numbered objects, each under a size budget well below
// Kubernetes' 1 MiB limit. Boundaries are content-defined: a shard ends before a group whose name
// hashes to a boundary, or when the next group would overflow the budget. Adding an alert changes
// its own group's shard only (unless that shard overflows); adding a group touches one shard. A
// vertical that fits the budget is one shard, whatever the hashes say.
import type { RuleFilePlan } from "../plan/plan";
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

const HEADER = "groups:\n";

interface SizedGroup {
  group: RuleGroupPlan;
  /** The group as an item of a rule file's `groups:` list. */
  item: string;
  /** The group alone as a rule file, as the budget counts it. */
  bytes: number;
}

/**
 * js-yaml writes each item of a block list on its own, so a rule file is its header followed by its
 * groups' items: each group is serialised once, for its size and for its shard's text, rather than
 * again for the file and again for the shard.
 */
function sizeGroup(group: RuleGroupPlan): SizedGroup {
  const text = toYaml({ groups: [group] });
  if (!text.startsWith(HEADER)) throw new Error(`rule group "${group.name}" did not render as a list item`);
  return { group, item: text.slice(HEADER.length), bytes: Buffer.byteLength(text) };
}

function ruleFileText(entries: readonly SizedGroup[]): string {
  return entries.length === 0 ? toYaml({ groups: [] }) : HEADER + entries.map((entry) => entry.item).join("");
}

export function shardRuleFile(file: RuleFilePlan, budgetBytes: number): RuleShard[] {
  const sized = file.groups.map(sizeGroup);
  const oversized = sized.find((entry) => entry.bytes > budgetBytes);
  if (oversized) throw new ShardError(file.vertical, oversized.group.name, oversized.bytes, budgetBytes);
  const total = Buffer.byteLength(ruleFileText(sized));
  const batches: SizedGroup[][] = [];
  if (total <= budgetBytes) {
    batches.push(sized);
  } else {
    let current: SizedGroup[] = [];
    let bytes = 0;
    for (const entry of sized) {
      const { group, bytes: size } = entry;
      const boundary = fnv1a(group.name) % BOUNDARY_ONE_IN === 0;
      if (current.length > 0 && (boundary || bytes + size > budgetBytes)) {
        batches.push(current);
        current = [];
        bytes = 0;
      }
      current.push(entry);
      bytes += size;
    }
    if (current.length > 0) batches.push(current);
  }
  return batches.map((entries, index) => ({
    vertical: file.vertical,
    index,
    groups: entries.map((entry) => entry.group),
    text: ruleFileText(entries),
  }));
}
