// `npm run preflight` as users run it: over the committed staging stack, and over copies of it with
// secrets set, against stand-ins for PagerDuty's REST API and a Kubernetes API server.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import yaml from "js-yaml";
import {
  KubernetesStandIn,
  PagerDutyStandIn,
  type StandInService,
  selfSignedCertificate,
} from "../support/accountStandIns";
import { aliasBomb } from "../support/hostileYaml";
import { PROJECT_DIR, runCliAsync, type ToolRun, tempDir } from "../support/tools";

const NS = "agent-alert-routing";
const STACK = "staging";
/** The committed staging stack's secrets, read off its config by hand: none of them is set. */
const STAGING_SECRETS = [
  `${NS}:slackToken`,
  `${NS}:heartbeatToken`,
  `${NS}:slackWebhookUrls.ai-eng`,
  `${NS}:slackWebhookUrls.calendar-owners`,
  `${NS}:slackWebhookUrls.crm-owners`,
  `${NS}:slackWebhookUrls.integrations`,
  `${NS}:slackWebhookUrls.platform`,
  `${NS}:smtpPassword`,
  "pagerduty:token",
];
/** Its members marked `existing`, and the escalation targets it does not declare as members. */
const STAGING_LOOKUPS = [
  "ana.ruiz@callsphere.example",
  "dana.levi@callsphere.example",
  "gita.rao@callsphere.example",
  "ines.costa@callsphere.example",
  "kofi.mensah@callsphere.example",
  "ceo@callsphere.example",
  "sre-lead@callsphere.example",
  "ml-lead@callsphere.example",
];
const STAGING_SERVICES = [
  "[staging] Platform (staging)",
  "[staging] AI Engineering (staging)",
  "[staging] Integrations (staging)",
  "[staging] CRM Integration Owners (staging)",
  "[staging] Calendar Integration Owners (staging)",
];
const PD_TOKEN = "pd-stand-in-token";
const KUBE_TOKEN = "kube-stand-in-token";
const OURS = "Managed by agent-alert-routing, stack staging.";

interface Line {
  state: string;
  subject: string;
  detail: string;
  fix?: string;
}

/** The report's check lines, each with the command printed under it. */
function checks(run: ToolRun): Line[] {
  const lines = run.stdout.split("\n");
  const found: Line[] = [];
  for (const [i, line] of lines.entries()) {
    const match = /^ {2}(ok|missing|wrong|unchecked) +(.+)$/.exec(line);
    if (!match) continue;
    const [subject, ...detail] = match[2].split(": ");
    const next = lines[i + 1] ?? "";
    found.push({
      state: match[1],
      subject,
      detail: detail.join(": "),
      fix: /^ {13}pulumi /.test(next) ? next.trim() : undefined,
    });
  }
  return found;
}
const subjects = (run: ToolRun, state: string) =>
  checks(run)
    .filter((line) => line.state === state)
    .map((line) => line.subject)
    .sort();
const sorted = (list: readonly string[]) => [...list].sort();

const home = tempDir("preflight-home");
const baseEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: home,
  ...extra,
});

type Config = Record<string, unknown>;
const committed = () =>
  (yaml.load(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${STACK}.yaml`), "utf8")) as { config: Config })
    .config;
const secure = { secure: "v1:c3RhbmQtaW4=" };
const allSecretsSet = (config: Config): Config => ({
  ...config,
  [`${NS}:slackToken`]: secure,
  [`${NS}:heartbeatToken`]: secure,
  [`${NS}:smtpPassword`]: secure,
  [`${NS}:slackWebhookUrls`]: Object.fromEntries(
    ["ai-eng", "calendar-owners", "crm-owners", "integrations", "platform"].map((team) => [team, secure]),
  ),
});
function stackCopy(config: Config): string {
  const file = path.join(tempDir("preflight-stack"), `Pulumi.${STACK}.yaml`);
  fs.writeFileSync(file, yaml.dump({ config }));
  return file;
}
const kubernetesOf = (config: Config) => config[`${NS}:kubernetes`] as Config;
function withKubernetes(config: Config, changes: Config): Config {
  return { ...config, [`${NS}:kubernetes`]: { ...kubernetesOf(config), ...changes } };
}
function kubeconfig(server: string, user: Config = { token: KUBE_TOKEN }, cluster: Config = {}): string {
  const file = path.join(tempDir("preflight-kube"), "config");
  fs.writeFileSync(
    file,
    yaml.dump({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "stand-in",
      contexts: [{ name: "stand-in", context: { cluster: "stand-in", user: "deployer" } }],
      clusters: [{ name: "stand-in", cluster: { server, ...cluster } }],
      users: [{ name: "deployer", user }],
    }),
  );
  return file;
}
const preflight = (stackFile: string | undefined, env: NodeJS.ProcessEnv) =>
  runCliAsync("preflight", ["--stack", STACK, ...(stackFile ? ["--config", stackFile] : [])], env);

const everyoneExists = () => [
  // Users whose e-mail holds the one searched for come first, so the match is on a later page.
  ...STAGING_LOOKUPS.flatMap((email, i) =>
    ["x", "y"].map((prefix) => ({
      id: `PDECOY${prefix}${i}`,
      name: `Decoy ${i}`,
      email: `${prefix}.${email}`,
    })),
  ),
  ...STAGING_LOOKUPS.map((email, i) => ({ id: `PUSER${i}`, name: `User ${i}`, email: email.toUpperCase() })),
];

describe("npm run preflight on the committed staging stack, with no token and no cluster", () => {
  let run: ToolRun;
  before(async () => {
    run = await preflight(undefined, baseEnv());
  });

  it("exits 1 and lists exactly the secrets that are missing, each with its set command", () => {
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(subjects(run, "missing"), sorted(STAGING_SECRETS));
    for (const line of checks(run).filter((check) => check.state === "missing")) {
      const [key, field] = line.subject.replace(`${NS}:`, "").split(".");
      const expected =
        field === undefined
          ? `pulumi config set --stack ${STACK} --secret ${key} <${key === "pagerduty:token" ? "token" : "value"}>`
          : `pulumi config set --stack ${STACK} --secret --path '${key}.${field}' <value>`;
      assert.equal(line.fix, expected);
    }
  });

  it("lists the users it looks up and the service names it takes as unchecked, and nothing as wrong", () => {
    assert.deepEqual(
      subjects(run, "unchecked").filter((subject) => subject.includes("@")),
      sorted(STAGING_LOOKUPS),
    );
    assert.deepEqual(
      subjects(run, "unchecked").filter((subject) => subject.startsWith("[staging]")),
      sorted(STAGING_SERVICES),
    );
    assert.deepEqual(subjects(run, "wrong"), []);
    assert.match(run.stdout, /unchecked {2}namespace monitoring-staging: must exist \(the stack adopts it\)/);
    assert.match(run.stdout, /0 ok, 9 missing, 0 wrong, 15 unchecked\./);
  });
});

describe("npm run preflight over secrets as a stack file holds them", () => {
  it("counts `secure` values as set, and a plain value where a secret belongs as wrong, without printing it", async () => {
    const webhook = "https://hooks.slack.com/services/T000/B000/plain-text-webhook";
    const config = {
      ...committed(),
      [`${NS}:smtpPassword`]: secure,
      [`${NS}:heartbeatToken`]: "plain-heartbeat-token",
      [`${NS}:slackWebhookUrls`]: { platform: secure, "ai-eng": webhook },
      "pagerduty:token": secure,
    };
    const run = await preflight(stackCopy(config), baseEnv());
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(subjects(run, "missing"), [
      `${NS}:slackToken`,
      `${NS}:slackWebhookUrls.calendar-owners`,
      `${NS}:slackWebhookUrls.crm-owners`,
      `${NS}:slackWebhookUrls.integrations`,
    ]);
    assert.deepEqual(subjects(run, "wrong"), [`${NS}:heartbeatToken`, `${NS}:slackWebhookUrls.ai-eng`]);
    assert.deepEqual(
      subjects(run, "ok"),
      sorted([`${NS}:slackWebhookUrls.platform`, `${NS}:smtpPassword`, "pagerduty:token"]),
    );
    assert.ok(!`${run.stdout}${run.stderr}`.includes(webhook));
    assert.ok(!`${run.stdout}${run.stderr}`.includes("plain-heartbeat-token"));
  });

  it("takes PAGERDUTY_TOKEN from the environment for the provider's token", async () => {
    const run = await preflight(
      stackCopy(allSecretsSet(committed())),
      baseEnv({ PAGERDUTY_TOKEN: PD_TOKEN, HOME: tempDir("no-kube") }),
    );
    assert.deepEqual(
      subjects(run, "missing").filter((subject) => !subject.includes("@")),
      [],
    );
    assert.ok(checks(run).some((line) => line.subject === "pagerduty:token" && line.state === "ok"));
  });
});

describe("npm run preflight against PagerDuty's API and a cluster", () => {
  const pagerduty = new PagerDutyStandIn(PD_TOKEN, [], []);
  const cluster = new KubernetesStandIn(KUBE_TOKEN, new Set(["monitoring-staging", "default"]));
  let ready: string;
  before(async () => {
    await Promise.all([pagerduty.start(), cluster.start()]);
    ready = stackCopy({ ...allSecretsSet(committed()), "pagerduty:apiUrlOverride": pagerduty.url });
  });
  after(async () => {
    await Promise.all([pagerduty.stop(), cluster.stop()]);
  });
  const reset = (users: PagerDutyStandIn["users"], services: StandInService[]) => {
    pagerduty.users.splice(0, Infinity, ...users);
    pagerduty.services.splice(0, Infinity, ...services);
    pagerduty.requests.length = 0;
    cluster.requests.length = 0;
    pagerduty.failWith = undefined;
  };
  const env = (extra: NodeJS.ProcessEnv = {}) =>
    baseEnv({ PAGERDUTY_TOKEN: PD_TOKEN, KUBECONFIG: kubeconfig(cluster.url), ...extra });

  it("passes when every user is found, every service name is free and the namespace is there", async () => {
    reset(everyoneExists(), [{ id: "POTHER", name: "[staging] Platform (staging) old", description: "" }]);
    const run = await preflight(ready, env());
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.deepEqual(
      subjects(run, "ok").filter((subject) => subject.includes("@")),
      sorted(STAGING_LOOKUPS),
    );
    assert.match(run.stdout, /0 missing, 0 wrong, 0 unchecked\./);
    assert.match(run.stdout, /ok {9}namespace monitoring-staging: exists on http:\/\/127\.0\.0\.1:\d+/);
    // Only reads, always with the token, and the decoys pushed each real user to a later page.
    assert.ok(pagerduty.requests.every((request) => request.method === "GET"));
    assert.ok(pagerduty.requests.every((request) => request.authorization === `Token token=${PD_TOKEN}`));
    assert.ok(pagerduty.requests.some((request) => /offset=2\b/.test(request.url)));
    assert.deepEqual(
      cluster.requests.map(({ method, url, authorization }) => [method, url, authorization]),
      [["GET", "/api/v1/namespaces/monitoring-staging", `Bearer ${KUBE_TOKEN}`]],
    );
  });

  it("fails for a user not in the account and a service name another service holds, not for its own", async () => {
    const users = everyoneExists().filter(
      (user) => user.email.toLowerCase() !== "ml-lead@callsphere.example",
    );
    reset(users, [
      { id: "PTAKEN", name: "[STAGING] platform (staging)", description: "Made by hand." },
      { id: "POURS", name: "[staging] AI Engineering (staging)", description: `SEV1 alerts. ${OURS}` },
    ]);
    const run = await preflight(ready, env());
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(subjects(run, "missing"), ["ml-lead@callsphere.example"]);
    assert.deepEqual(subjects(run, "wrong"), ["[staging] Platform (staging)"]);
    assert.match(run.stdout, /wrong {6}\[staging\] Platform \(staging\): taken by PTAKEN/);
    assert.match(run.stdout, /ok {9}\[staging\] AI Engineering \(staging\): already this stack's \(POURS\)/);
  });

  it("treats a refused token as wrong, and an outage or an unreachable cluster as unchecked", async () => {
    reset(everyoneExists(), []);
    const refused = await preflight(ready, env({ PAGERDUTY_TOKEN: "revoked" }));
    assert.equal(refused.status, 1);
    assert.deepEqual(subjects(refused, "wrong"), sorted([...STAGING_LOOKUPS, ...STAGING_SERVICES]));
    assert.match(refused.stdout, /refused the token \(HTTP 401\)/);

    pagerduty.failWith = 503;
    const closed = await new KubernetesStandIn(KUBE_TOKEN, new Set()).start();
    await closed.stop();
    const outage = await preflight(ready, env({ KUBECONFIG: kubeconfig(closed.url) }));
    assert.equal(outage.status, 0, outage.stdout);
    assert.deepEqual(subjects(outage, "wrong"), []);
    assert.deepEqual(subjects(outage, "missing"), []);
    assert.equal(subjects(outage, "unchecked").length, STAGING_LOOKUPS.length + STAGING_SERVICES.length + 1);
    assert.match(
      outage.stdout,
      /namespace monitoring-staging: must exist \(the stack adopts it\); http:\/\/127\.0\.0\.1:\d+ is not reachable/,
    );
  });

  it("knows a namespace in the wrong state, and a context the kubeconfig does not have", async () => {
    reset(everyoneExists(), []);
    const withStack = (changes: Config) =>
      stackCopy(
        withKubernetes({ ...allSecretsSet(committed()), "pagerduty:apiUrlOverride": pagerduty.url }, changes),
      );

    const absent = await preflight(withStack({ namespace: "monitoring-new" }), env());
    assert.equal(absent.status, 1);
    assert.match(
      absent.stdout,
      /wrong {6}namespace monitoring-new: does not exist on .*create it, or set kubernetes\.namespaceExists: false/,
    );

    const created = await preflight(withStack({ namespaceExists: false }), env());
    assert.equal(created.status, 1);
    assert.match(
      created.stdout,
      /wrong {6}namespace monitoring-staging: exists on .*set kubernetes\.namespaceExists: true/,
    );

    const noContext = await preflight(withStack({ context: "prod-cluster" }), env());
    assert.equal(noContext.status, 1);
    assert.match(noContext.stdout, /wrong {6}context: context "prod-cluster" is not in /);
  });

  it("calls a kubeconfig it cannot read wrong, as the provider would, and reads no further", async () => {
    reset(everyoneExists(), []);
    const dir = tempDir("preflight-kube");
    const bomb = path.join(dir, "bomb");
    fs.writeFileSync(bomb, aliasBomb());
    const list = path.join(dir, "list");
    fs.writeFileSync(list, "- not\n- a map\n");
    for (const [file, message] of [
      [bomb, /aliases.*expand/],
      [list, /is not a map of clusters, contexts and users/],
    ] as const) {
      const run = await preflight(ready, env({ KUBECONFIG: file }));
      assert.equal(run.status, 1, run.stdout + run.stderr);
      const line = run.stdout
        .split("\n")
        .find((candidate) => candidate.includes(`context: kubeconfig ${file} `));
      assert.match(line ?? "", /^\s*wrong /, run.stdout);
      assert.match(line ?? "", message);
      assert.doesNotMatch(run.stderr, /^\s+at /m);
    }
    assert.deepEqual(cluster.requests, []);
  });

  it("gets the cluster token from the kubeconfig's exec credential plugin", async () => {
    reset(everyoneExists(), []);
    const credential = JSON.stringify({
      apiVersion: "client.authentication.k8s.io/v1",
      kind: "ExecCredential",
      status: { token: KUBE_TOKEN },
    });
    const exec = {
      apiVersion: "client.authentication.k8s.io/v1",
      command: process.execPath,
      args: ["-e", `process.stdout.write(${JSON.stringify(credential)})`],
    };
    const run = await preflight(ready, env({ KUBECONFIG: kubeconfig(cluster.url, { exec }) }));
    assert.equal(run.status, 0, run.stdout);
    assert.equal(cluster.requests[0]?.authorization, `Bearer ${KUBE_TOKEN}`);
  });
});

describe("npm run preflight against a cluster served over TLS", () => {
  const tls = selfSignedCertificate(tempDir("preflight-tls"));
  const cluster = new KubernetesStandIn(KUBE_TOKEN, new Set(["monitoring-staging"]), tls);
  before(async () => {
    await cluster.start();
  });
  after(async () => {
    await cluster.stop();
  });
  const ask = (authority: Config) =>
    preflight(
      stackCopy(allSecretsSet(committed())),
      baseEnv({ KUBECONFIG: kubeconfig(cluster.url, undefined, authority) }),
    );

  it("trusts the kubeconfig's certificate authority, and no other", async () => {
    const trusted = await ask({ "certificate-authority-data": Buffer.from(tls.cert).toString("base64") });
    assert.match(trusted.stdout, /ok {9}namespace monitoring-staging: exists on https:\/\/127\.0\.0\.1:\d+/);

    const file = path.join(tempDir("preflight-ca"), "ca.crt");
    fs.writeFileSync(file, tls.cert);
    const fromFile = await ask({ "certificate-authority": file });
    assert.match(fromFile.stdout, /ok {9}namespace monitoring-staging: exists/);

    const untrusted = await ask({});
    assert.match(
      untrusted.stdout,
      /unchecked {2}namespace monitoring-staging: .*is not reachable \(self.signed certificate/,
    );
    assert.equal(cluster.requests.length, 2, "the untrusted server is never sent the token");
  });
});

describe("npm run preflight's arguments", () => {
  it("refuses an unknown flag with its usage, and an unknown stack by the file's name", async () => {
    const unknown = await runCliAsync("preflight", ["--stak", STACK], baseEnv());
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown argument "--stak"\nusage: npm run preflight -- --stack <name>/);
    const missing = await runCliAsync("preflight", ["--stack", "qa"], baseEnv());
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /Pulumi\.qa\.yaml.*does not exist \(stacks here: prod, staging\)/);
    assert.ok(!missing.stderr.includes("    at "));
  });
});
