import yaml from "js-yaml";

/** The one YAML serialiser: block style, keys in insertion order, no line folding, no anchors. */
export function toYaml(value: unknown): string {
  return yaml.dump(value, { lineWidth: -1, noRefs: true, sortKeys: false, quotingType: '"' });
}
