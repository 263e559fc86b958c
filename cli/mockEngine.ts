// Runs the real program (index.ts) under Pulumi's mock engine and records every declared resource,
// so the offline render shows exactly what `pulumi up` would declare.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, RESOURCE_TYPES } from "../core/conventions";
import { isSecretValue } from "../core/secretValues";
import { compileRouting } from "../pipeline/compile";
import { firstUpNeeds } from "../plan/firstUp";

export { isSecretValue };

export interface DeclaredResource {
  type: string;
  name: string;
  /** `type::name` of the parent resource, absent at the top level. */
  parent?: string;
  /** The inputs as the engine received them; a secret is `{ secret: true, value }`. */
  inputs: Record<string, unknown>;
  /** Set when the resource is protected from deletion. */
  protect?: boolean;
  /** The id of an existing object the resource adopts (`import`). */
  importId?: string;
  /** Set when `pulumi destroy` leaves the object in place. */
  retainOnDelete?: boolean;
}

export interface ProgramRun {
  resources: DeclaredResource[];
  outputs: Record<string, unknown>;
  /** Every data-source call (invoke) the program made, answered or not, in order. */
  lookups: { token: string; inputs: Record<string, unknown> }[];
}

// The marker the Pulumi runtime puts on a serialised secret.
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProtect(): boolean;
  getImportid(): string;
  getRetainondelete(): boolean;
}
interface MonitorWithRegister {
  registerResource(request: RegisterRequest, callback: (...args: unknown[]) => void): void;
}

/** The program stopped; `declared` is what it had declared by then (nothing, for bad input). */
export class ProgramFailure extends Error {
  readonly cause: unknown;
  readonly declared: readonly DeclaredResource[];
  /** True for the program's own clean errors (bad input), which carry a complete message. */
  readonly expected: boolean;

  constructor(cause: unknown, declared: readonly DeclaredResource[]) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "ProgramFailure";
    this.cause = cause;
    this.declared = declared;
    this.expected = (cause as { __pulumiRunError?: boolean } | undefined)?.__pulumiRunError === true;
  }
}

function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === SECRET_SIG) return { secret: true, value: unwrapSecrets(record.value) };
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** Replaces every secret with `mask`, for anything that leaves the process. */
export function maskSecrets(value: unknown, mask = "[secret]"): unknown {
  // A secret object keeps its keys (the Secret's file names are not secret); every leaf is masked.
  if (isSecretValue(value)) return maskLeaves(value.value, mask);
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, mask));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, mask)]));
  }
  return value;
}

/** `urn:pulumi:<stack>::<project>::<parent types $-joined>::<name>` → `<type>::<name>`. */
function maskLeaves(value: unknown, mask: string): unknown {
  if (isSecretValue(value)) return maskLeaves(value.value, mask);
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return Object.fromEntries(
      Object.keys(value).map((key) => [key, maskLeaves((value as Record<string, unknown>)[key], mask)]),
    );
  }
  return mask;
}

function urnTail(urn: string): string {
  const [, , typePath = "", ...name] = urn.split("::");
  return `${typePath.split("$").pop()}::${name.join("::")}`;
}

/** Outputs the providers would compute, as recognisable placeholders. */
export function mockOutputs(type: string, name: string): Record<string, unknown> {
  if (type === RESOURCE_TYPES.serviceIntegration) {
    return { integrationKey: `integration-key-of-${name}` };
  }
  if (type === RESOURCE_TYPES.dynamic) return { channelId: `C-${name}` };
  return {};
}

/**
 * A resource's state as its provider returns it. pulumi-kubernetes folds a Secret's `stringData` into
 * base64 `data`, and the API never returns `stringData`; everything else comes back as declared.
 */
export function providerState(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type !== RESOURCE_TYPES.secret || inputs.stringData === undefined) return inputs;
  const { stringData, ...rest } = inputs;
  const isSecret = (value: unknown): value is { value: unknown } =>
    value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
  const base64 = (value: unknown): unknown =>
    isSecret(value)
      ? { ...value, value: base64(value.value) }
      : Buffer.from(String(value), "utf8").toString("base64");
  // The whole map may be one secret, or hold secrets entry by entry; either stays secret.
  const entries = (map: unknown): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries((map ?? {}) as Record<string, unknown>).map(([key, value]) => [key, base64(value)]),
    );
  const data = isSecret(stringData)
    ? { ...stringData, value: entries(stringData.value) }
    : entries(stringData);
  return { ...rest, data };
}

const GET_USER = "pagerduty:index/getUser:getUser";

/** The e-mails the stack declares as people PagerDuty already knows, from the plan the program also builds. */
function declaredExistingUsers(stack: string, config: Record<string, unknown>): ReadonlySet<string> {
  const { plan } = compileRouting({ stack, stackFile: `Pulumi.${stack}.yaml`, config });
  return new Set(firstUpNeeds(plan).lookedUpUsers.map((email) => email.toLowerCase()));
}

/**
 * What a data source answers, as the provider would: `getUser` finds only the people the stack
 * declares as existing; the real lookup fails for anyone else, so the mock answers nothing else.
 */
export function answerLookup(
  token: string,
  inputs: Record<string, unknown>,
  existingUsers: () => ReadonlySet<string>,
): Record<string, unknown> | undefined {
  if (token !== GET_USER || typeof inputs.email !== "string") return undefined;
  if (!existingUsers().has(inputs.email.toLowerCase())) return undefined;
  return { ...inputs, id: `${token.split(":").pop()}-${JSON.stringify(inputs)}` };
}

/**
 * Sets the stack config, installs recording mocks, imports the program and waits until every
 * resource is registered. One run per process: the Pulumi runtime keeps global state.
 */
export async function runProgram(
  stack: string,
  config: Record<string, unknown>,
  secretKeys: Iterable<string>,
  /** Other namespaces' config by full key (`pagerduty:token`), and which of it is secret. */
  providers: { config?: Record<string, unknown>; secretKeys?: Iterable<string> } = {},
): Promise<ProgramRun> {
  const flat: Record<string, string> = {};
  const entries = [
    ...Object.entries(config).map(([key, value]) => [`${PROJECT}:${key}`, value] as const),
    ...Object.entries(providers.config ?? {}),
  ];
  for (const [key, value] of entries) flat[key] = typeof value === "string" ? value : JSON.stringify(value);
  pulumi.runtime.setAllConfig(flat, [
    ...[...secretKeys].map((key) => `${PROJECT}:${key}`),
    ...(providers.secretKeys ?? []),
  ]);

  const resources: DeclaredResource[] = [];
  const parents = new Map<string, string>();
  const protectedResources = new Set<string>();
  const options = new Map<string, Pick<DeclaredResource, "importId" | "retainOnDelete">>();
  const unanswered: string[] = [];
  const lookups: ProgramRun["lookups"] = [];
  let existingUsers: ReadonlySet<string> | undefined;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources.push({
          type: args.type,
          name: args.name,
          inputs: unwrapSecrets(args.inputs) as Record<string, unknown>,
        });
        const state = providerState(args.type, args.inputs);
        return { id: `${args.name}-id`, state: { ...state, ...mockOutputs(args.type, args.name) } };
      },
      call: (args) => {
        lookups.push({ token: args.token, inputs: args.inputs });
        const answer = answerLookup(args.token, args.inputs, () => {
          existingUsers ??= declaredExistingUsers(stack, config);
          return existingUsers;
        });
        if (answer) return answer;
        // The run goes on so that the render can say every lookup at once, then it fails.
        unanswered.push(`${args.token}(${JSON.stringify(args.inputs)})`);
        return { ...args.inputs, id: "unanswered" };
      },
    },
    PROJECT,
    stack,
    false,
  );
  // The mocks are not told a resource's parent, but the monitor's request carries its URN.
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegister;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const key = `${request.getType()}::${request.getName()}`;
    if (request.getParent()) parents.set(key, request.getParent());
    if (request.getProtect()) protectedResources.add(key);
    options.set(key, {
      importId: request.getImportid() || undefined,
      retainOnDelete: request.getRetainondelete() || undefined,
    });
    register(request, callback);
  };

  let program: Record<string, unknown>;
  try {
    // The program exports a function that Pulumi awaits for the stack outputs; do the same.
    // `require`, not `import()`: the program is CommonJS from its TypeScript (tsx) and from dist/.
    const loaded = require(path.resolve(__dirname, "..", "index")) as { default?: unknown };
    const entry = loaded.default ?? loaded;
    program = (await (typeof entry === "function" ? entry() : entry)) as Record<string, unknown>;
  } catch (error) {
    await pulumi.runtime.disconnect();
    throw new ProgramFailure(error, resources);
  }
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    if (!pulumi.Output.isInstance(value)) {
      outputs[key] = value;
      continue;
    }
    const output = value as pulumi.Output<unknown>;
    const plain = await new Promise((resolve) => output.apply(resolve));
    outputs[key] = (await pulumi.isSecret(output)) ? { secret: true, value: plain } : plain;
  }
  await pulumi.runtime.disconnect();
  if (unanswered.length > 0) {
    const error = new Error(
      `the program looked up what the stack does not declare as existing, and a real \`pulumi up\` would fail there: ${unanswered.join(", ")}`,
    );
    throw new ProgramFailure(error, resources);
  }

  for (const resource of resources) {
    const parentUrn = parents.get(`${resource.type}::${resource.name}`);
    if (parentUrn) resource.parent = urnTail(parentUrn);
    const key = `${resource.type}::${resource.name}`;
    if (protectedResources.has(key)) resource.protect = true;
    const adopted = options.get(key);
    if (adopted?.importId) resource.importId = adopted.importId;
    if (adopted?.retainOnDelete) resource.retainOnDelete = true;
  }
  return { resources, outputs, lookups };
}
