// Finds the Kubernetes cluster the program's provider will talk to, from the same kubeconfig and
// context, and asks it whether a namespace exists. Read-only: one GET of the namespace.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { readYamlFile } from "../pipeline/projectFiles";

interface Named<T> {
  name: string;
  [key: string]: unknown;
  value?: T;
}

interface ClusterEntry {
  server?: string;
  "certificate-authority"?: string;
  "certificate-authority-data"?: string;
  "insecure-skip-tls-verify"?: boolean;
}

interface ExecConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  apiVersion?: string;
}

interface UserEntry {
  token?: string;
  tokenFile?: string;
  "client-certificate"?: string;
  "client-certificate-data"?: string;
  "client-key"?: string;
  "client-key-data"?: string;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  "auth-provider"?: { name?: string };
}

/** The kubeconfig, merged as kubectl merges a `KUBECONFIG` list: the first file to name an entry wins. */
export interface Kubeconfig {
  files: string[];
  currentContext?: string;
  contexts: Map<string, { cluster?: string; user?: string; dir: string }>;
  clusters: Map<string, ClusterEntry & { dir: string }>;
  users: Map<string, UserEntry & { dir: string }>;
}

/** The kubeconfig files the provider reads: the stack's path, else `KUBECONFIG`, else ~/.kube/config. */
export function kubeconfigFiles(
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (configured) return [configured];
  const fromEnv = (env.KUBECONFIG ?? "").split(path.delimiter).filter(Boolean);
  if (fromEnv.length > 0) return fromEnv;
  return [path.join(env.HOME ?? os.homedir(), ".kube", "config")];
}

function entries<T>(list: unknown, field: string): Named<T>[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter((item): item is Record<string, unknown> => item !== null && typeof item === "object")
    .filter((item) => typeof item.name === "string")
    .map((item) => ({ name: item.name as string, value: item[field] as T }));
}

/** A kubeconfig file that cannot be read: the Kubernetes provider would refuse it too. */
export class UnreadableKubeconfig extends Error {}

/**
 * Reads and merges the files that exist; undefined when none does. A file is read within the
 * limits of every file the program reads (1 MiB, UTF-8, no alias bomb), and must hold a map.
 */
export function readKubeconfig(files: string[]): Kubeconfig | undefined {
  const existing = files.filter((file) => fs.existsSync(file));
  if (existing.length === 0) return undefined;
  const config: Kubeconfig = { files: existing, contexts: new Map(), clusters: new Map(), users: new Map() };
  for (const file of existing) {
    const read = readYamlFile(file);
    if (!read.ok) throw new UnreadableKubeconfig(`kubeconfig ${file} ${read.message}`);
    const data = read.data ?? {};
    if (typeof data !== "object" || Array.isArray(data))
      throw new UnreadableKubeconfig(`kubeconfig ${file} is not a map of clusters, contexts and users`);
    const doc = data as Record<string, unknown>;
    const dir = path.dirname(path.resolve(file));
    if (
      config.currentContext === undefined &&
      typeof doc["current-context"] === "string" &&
      doc["current-context"]
    ) {
      config.currentContext = doc["current-context"];
    }
    for (const { name, value } of entries<{ cluster?: string; user?: string }>(doc.contexts, "context")) {
      if (!config.contexts.has(name)) config.contexts.set(name, { ...(value ?? {}), dir });
    }
    for (const { name, value } of entries<ClusterEntry>(doc.clusters, "cluster")) {
      if (!config.clusters.has(name)) config.clusters.set(name, { ...(value ?? {}), dir });
    }
    for (const { name, value } of entries<UserEntry>(doc.users, "user")) {
      if (!config.users.has(name)) config.users.set(name, { ...(value ?? {}), dir });
    }
  }
  return config;
}

export type NamespaceProbe =
  | { state: "exists" | "absent"; server: string }
  | { state: "unchecked"; reason: string }
  /** The kubeconfig cannot serve the context: the provider will fail the same way. */
  | { state: "broken"; reason: string };

/** What the request needs from the user entry: headers and a client certificate. */
interface Credentials {
  headers: Record<string, string>;
  cert?: string | Buffer;
  key?: string | Buffer;
}

const readRelative = (dir: string, file: string): Buffer => fs.readFileSync(path.resolve(dir, file));
/** A kubeconfig's `<name>-data` (base64) wins over `<name>` (a file, relative to the kubeconfig). */
function inlineOrFile(dir: string, data: string | undefined, file: string | undefined): Buffer | undefined {
  if (data) return Buffer.from(data, "base64");
  return file ? readRelative(dir, file) : undefined;
}

function runExec(
  exec: ExecConfig,
  timeoutMs: number,
): Promise<{ token?: string; cert?: string; key?: string }> {
  const env = { ...process.env };
  for (const { name, value } of exec.env ?? []) env[name] = value;
  env.KUBERNETES_EXEC_INFO = JSON.stringify({
    apiVersion: exec.apiVersion ?? "client.authentication.k8s.io/v1",
    kind: "ExecCredential",
    spec: { interactive: false },
  });
  return new Promise((resolve, reject) => {
    execFile(exec.command, exec.args ?? [], { env, timeout: timeoutMs }, (error, stdout) => {
      if (error)
        return reject(new Error(`its exec credential plugin \`${exec.command}\` failed: ${error.message}`));
      try {
        const status = (JSON.parse(stdout) as { status?: Record<string, string> }).status ?? {};
        resolve({ token: status.token, cert: status.clientCertificateData, key: status.clientKeyData });
      } catch {
        reject(new Error(`its exec credential plugin \`${exec.command}\` did not print an ExecCredential`));
      }
    });
  });
}

async function credentials(
  user: (UserEntry & { dir: string }) | undefined,
  timeoutMs: number,
): Promise<Credentials> {
  const headers: Record<string, string> = {};
  if (!user) return { headers };
  if (user["auth-provider"]) {
    throw new Error(
      `it uses the auth provider "${user["auth-provider"].name ?? "?"}", which only kubectl's plugins speak`,
    );
  }
  const fromExec = user.exec ? await runExec(user.exec, timeoutMs) : {};
  const token =
    fromExec.token ??
    user.token ??
    (user.tokenFile ? readRelative(user.dir, user.tokenFile).toString("utf8").trim() : undefined);
  if (token) headers.Authorization = `Bearer ${token}`;
  else if (user.username !== undefined && user.password !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;
  }
  const cert =
    fromExec.cert ?? inlineOrFile(user.dir, user["client-certificate-data"], user["client-certificate"]);
  const key = fromExec.key ?? inlineOrFile(user.dir, user["client-key-data"], user["client-key"]);
  return { headers, cert, key };
}

function get(
  url: URL,
  cluster: ClusterEntry & { dir: string },
  auth: Credentials,
  timeoutMs: number,
): Promise<number> {
  const ca = inlineOrFile(
    cluster.dir,
    cluster["certificate-authority-data"],
    cluster["certificate-authority"],
  );
  const options: https.RequestOptions = {
    method: "GET",
    headers: { Accept: "application/json", ...auth.headers },
    timeout: timeoutMs,
    ...(url.protocol === "https:"
      ? {
          ca,
          cert: auth.cert,
          key: auth.key,
          rejectUnauthorized: cluster["insecure-skip-tls-verify"] !== true,
        }
      : {}),
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, options, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on("error", reject);
    request.end();
  });
}

/** Asks the cluster of `context` (the kubeconfig's current one when undefined) for the namespace. */
export async function probeNamespace(
  config: Kubeconfig,
  context: string | undefined,
  namespace: string,
  timeoutMs = 5_000,
): Promise<NamespaceProbe> {
  const name = context ?? config.currentContext;
  if (name === undefined)
    return { state: "broken", reason: `${config.files.join(", ")} names no current context` };
  const entry = config.contexts.get(name);
  if (!entry) return { state: "broken", reason: `context "${name}" is not in ${config.files.join(", ")}` };
  const cluster = entry.cluster === undefined ? undefined : config.clusters.get(entry.cluster);
  if (!cluster?.server) {
    return {
      state: "broken",
      reason: `context "${name}" names cluster "${entry.cluster ?? ""}", which has no server`,
    };
  }
  let auth: Credentials;
  try {
    auth = await credentials(
      entry.user === undefined ? undefined : config.users.get(entry.user),
      timeoutMs * 4,
    );
  } catch (error) {
    return {
      state: "unchecked",
      reason: `user "${entry.user}": ${error instanceof Error ? error.message : error}`,
    };
  }
  const url = new URL(
    `${cluster.server.replace(/\/+$/, "")}/api/v1/namespaces/${encodeURIComponent(namespace)}`,
  );
  let status: number;
  try {
    status = await get(url, cluster, auth, timeoutMs);
  } catch (error) {
    return {
      state: "unchecked",
      reason: `${cluster.server} is not reachable (${error instanceof Error ? error.message : error})`,
    };
  }
  if (status === 200) return { state: "exists", server: cluster.server };
  if (status === 404) return { state: "absent", server: cluster.server };
  return {
    state: "unchecked",
    reason: `${cluster.server} answered HTTP ${status} to a read of namespace ${namespace}${status === 401 || status === 403 ? " (the credentials may not read namespaces)" : ""}`,
  };
}
