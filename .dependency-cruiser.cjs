// The layering of the product code, checked by `npm run lint`. Folders, from the bottom up; an
// import may only point down this list (README.md, "Layout"):
//   alertmanager → core → slo → input → plan → review → render → components, policies → pipeline
//   → cli, bench, bridge, index.ts
const LAYERS = [
  ["alertmanager"],
  ["core"],
  ["slo"],
  ["input"],
  ["plan"],
  ["review"],
  ["render"],
  ["components", "policies"],
  ["pipeline"],
  ["cli", "bench", "bridge", "index.ts"],
];

const folder = (names) => `^(${names.join("|")})(/|$)`;

/** For each layer: nothing in it imports from a layer above it, or from a neighbour at its level. */
const layering = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(i + 1).flat();
  const rules = [];
  if (above.length > 0) {
    rules.push({
      name: `${layer.join("-")}-imports-only-below`,
      comment: `${layer.join(", ")} may not import ${above.join(", ")}: imports only point down the layers.`,
      severity: "error",
      from: { path: folder(layer) },
      to: { path: folder(above) },
    });
  }
  for (const name of layer) {
    const siblings = layer.filter((other) => other !== name);
    if (siblings.length === 0 || name === "index.ts") continue;
    rules.push({
      name: `${name}-keeps-to-itself`,
      comment: `${name} does not import ${siblings.join(", ")}, which sits beside it.`,
      severity: "error",
      from: { path: folder([name]) },
      to: { path: folder(siblings) },
    });
  }
  return rules;
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import loop anywhere in the product code.",
      severity: "error",
      from: { pathNot: "^tests/" },
      to: { circular: true },
    },
    {
      name: "alertmanager-imports-nothing-of-ours",
      comment: "The Alertmanager semantics library could be published on its own.",
      severity: "error",
      from: { path: "^alertmanager/" },
      to: { pathNot: "^(alertmanager/|node_modules/)|^node:|^(fs|path|os|util|vm|inspector)$", dependencyTypesNot: ["core"] },
    },
    {
      name: "entry-points-call-the-pipeline",
      comment:
        "index.ts, cli/ and bench/ get the model, plan, configs, objects and review from pipeline/compile.ts; they may import the stages' types, never call a stage themselves.",
      severity: "error",
      from: { path: "^(index\\.ts|cli/|bench/|bridge/)" },
      to: {
        path: "^(input/(model|catalogue|config|checks/)|plan/(plan|routes|receivers|ruleFiles|ruleTests|onCall|coverage)|render/(alertmanager|kubernetes|kubernetesChecks|summary|shards|rules)|review/(review|matrix|lint)|slo/)",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "product-never-imports-tests",
      severity: "error",
      from: { pathNot: "^tests/" },
      to: { path: "^tests/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    ...layering,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|out|node_modules|reports|\.stryker-tmp)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};
