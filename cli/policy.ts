// `npm run policy -- --stack <name> [--config <stack file>]`
// Evaluates the policy pack over the resources the program declares under the mock engine, prints
// each violation with its policy, resource and message, and fails on any mandatory one.
import * as path from "node:path";
import { ValidationError } from "../model/errors";
import { checkStackPolicies, reportViolations } from "../policies/offline";
import { ProgramFailure, runProgram } from "./mockEngine";
import { withSecrets } from "./render";
import { readStackFile } from "./stackFile";

const PROJECT_DIR = path.resolve(__dirname, "..");

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let stack = "prod";
  let config: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--stack" && args[i + 1]) stack = args[++i];
    else if (args[i] === "--config" && args[i + 1]) config = args[++i];
    else {
      process.stderr.write(
        `policy: unknown argument "${args[i]}"\nusage: npm run policy -- --stack <name> [--config <stack file>]\n`,
      );
      process.exit(2);
    }
  }
  try {
    const stackFile = withSecrets(
      stack,
      readStackFile(config ?? path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`)),
    );
    const run = await runProgram(stack, stackFile.values, stackFile.secretKeys);
    const ok = reportViolations(checkStackPolicies(stack, stackFile, run.resources), (line) =>
      process.stdout.write(`${line}\n`),
    );
    process.exit(ok ? 0 : 1);
  } catch (error) {
    const known = error instanceof ValidationError || (error instanceof ProgramFailure && error.expected);
    process.stderr.write(
      `${known ? "" : "policy failed: "}${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}

if (require.main === module) void main();
