// Runs the real program for a stack under the mock engine, with recognisable test secrets.
import * as path from "node:path";
import { type DeclaredResource, type ProgramRun, runProgram } from "../../cli/mockEngine";
import { readStackFile, type StackFile, withSecrets } from "../../cli/stackFile";
import { PROJECT_DIR } from "./tools";

export const testSecret = (key: string, field?: string): string => `test-secret/${key}/${field ?? "-"}`;

export function stackFileWithTestSecrets(stack: string): StackFile {
  return withSecrets(stack, readStackFile(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`)), testSecret);
}

export async function runStack(stack: string): Promise<ProgramRun & { stackFile: StackFile }> {
  const stackFile = stackFileWithTestSecrets(stack);
  return { ...(await runProgram(stack, stackFile.values, stackFile.secretKeys)), stackFile };
}

export function ofType(run: ProgramRun, type: string): DeclaredResource[] {
  return run.resources.filter((resource) => resource.type === type);
}

export function named(run: ProgramRun, name: string): DeclaredResource {
  const found = run.resources.find((resource) => resource.name === name);
  if (!found) throw new Error(`no resource named ${name}`);
  return found;
}

export { plain as unwrap } from "../../core/secretValues";

export const PD = {
  team: "pagerduty:index/team:Team",
  user: "pagerduty:index/user:User",
  membership: "pagerduty:index/teamMembership:TeamMembership",
  schedule: "pagerduty:index/schedule:Schedule",
  policy: "pagerduty:index/escalationPolicy:EscalationPolicy",
  service: "pagerduty:index/service:Service",
  integration: "pagerduty:index/serviceIntegration:ServiceIntegration",
  slackConnection: "pagerduty:index/slackConnection:SlackConnection",
} as const;
