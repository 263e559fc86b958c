// Compiles the program, the CLI and the bench from TypeScript to CommonJS in dist/, one file per
// module, with esbuild; and bundles the policy pack into policies/dist/index.js with the code it
// imports, so the pack stands on its own (`pulumi policy publish` packs policies/ alone). `npm ci` runs it (the `prepare` script), and so does every
// `npm run` command before it starts, which costs a directory walk when nothing changed.
// `node scripts/build.mjs --force` rebuilds everything; `--check` exits 1 when dist/ is stale.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(ROOT, "dist");
const STAMP = path.join(OUT, ".build");
const PACK_OUT = path.join(ROOT, "policies", "dist");
/** The product code; tests run from their TypeScript through tsx. */
const SOURCES = [
  "index.ts",
  "alertmanager",
  "core",
  "slo",
  "input",
  "plan",
  "review",
  "render",
  "components",
  "policies",
  "pipeline",
  "cli",
  "bench",
  "bridge",
];
/** A change to these changes what the build produces. */
const INPUTS = ["package-lock.json", "tsconfig.json", "scripts/build.mjs", "policies/package.json"];

function sourceFiles() {
  const files = [];
  const walk = (entry) => {
    const full = path.join(ROOT, entry);
    if (!fs.existsSync(full)) return;
    if (fs.statSync(full).isDirectory()) {
      for (const child of fs.readdirSync(full).sort()) walk(path.join(entry, child));
    } else if (entry.endsWith(".ts") && !entry.endsWith(".d.ts")) {
      files.push(entry);
    }
  };
  for (const entry of SOURCES) walk(entry);
  return files;
}

/** The build is current when its stamp lists the same files and nothing is newer than the stamp. */
function isCurrent(files) {
  if (!fs.existsSync(STAMP) || !fs.existsSync(path.join(PACK_OUT, "index.js"))) return false;
  const stamp = fs.statSync(STAMP);
  if (fs.readFileSync(STAMP, "utf8") !== files.join("\n")) return false;
  return [...files, ...INPUTS].every((file) => {
    const full = path.join(ROOT, file);
    return !fs.existsSync(full) || fs.statSync(full).mtimeMs <= stamp.mtimeMs;
  });
}

async function main() {
  const args = process.argv.slice(2);
  const files = sourceFiles();
  if (!args.includes("--force") && isCurrent(files)) return;
  if (args.includes("--check")) {
    process.stderr.write("build: dist/ is older than the sources; run `npm run build`\n");
    process.exit(1);
  }
  const esbuild = await import("esbuild");
  fs.rmSync(OUT, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: files,
    outdir: OUT,
    outbase: ".",
    bundle: false,
    format: "cjs",
    platform: "node",
    target: "node20",
    // Messages name the TypeScript file; the program never prints a stack trace to its users.
    sourcemap: false,
    logLevel: "warning",
  });
  fs.rmSync(PACK_OUT, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ["policies/index.ts"],
    outfile: path.join(PACK_OUT, "index.js"),
    bundle: true,
    // The pack's own dependencies (policies/package.json); everything else it imports is inside.
    external: ["@pulumi/policy", "@pulumi/pulumi"],
    format: "cjs",
    platform: "node",
    target: "node20",
    sourcemap: false,
    logLevel: "warning",
  });
  fs.writeFileSync(STAMP, files.join("\n"));
}

main().catch((error) => {
  process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
