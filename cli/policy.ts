// `npm run policy -- --stack <name> [--config <stack file>]`
// Evaluates the policy pack over the resources the program declares under the mock engine, prints
// each violation on stderr where its value was written (file, path, field, then the policy), the
// count of both levels on stdout, and fails on any mandatory one.
import { ValidationError } from "../core/errors";
import { compileStack } from "../pipeline/compile";
import { stackFilePath } from "../pipeline/projectFiles";
import { checkStackPolicies, reportViolations } from "../policies/offline";
import { ProgramFailure, runProgram } from "./mockEngine";
import { readStackFile, withSecrets } from "./stackFile";

const USAGE = "usage: npm run policy -- --stack <name> [--config <stack file>]";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let stack = "prod";
  let config: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--stack" && args[i + 1]) stack = args[++i];
    else if (args[i] === "--config" && args[i + 1]) config = args[++i];
    else {
      process.stderr.write(`policy: unknown argument "${args[i]}"\n${USAGE}\n`);
      process.exit(2);
    }
  }
  try {
    const asWritten = readStackFile(config ?? stackFilePath(stack));
    const compiled = await compileStack({ stack, stackFile: asWritten.file, config: asWritten.values });
    const stackFile = withSecrets(stack, asWritten, undefined, compiled.plan);
    const run = await runProgram(stack, stackFile.values, stackFile.secretKeys);
    const violations = checkStackPolicies(stack, run.resources, compiled.policyConfig, compiled.model);
    const { ok, count } = reportViolations(violations, (line) => process.stderr.write(`${line}\n`));
    process.stdout.write(`${count}\n`);
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
