// The bridge for LLM-observability alerts in the cluster: its settings in a ConfigMap, its webhook
// secret in a Secret (mounted as a file, never an environment variable), a Deployment of
// `replicas` pods and the Service Langfuse and LangSmith post to. It declares the plan's
// settings as they are; what they mean is decided in plan/bridge.ts.
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  BRIDGE_PORT,
  BRIDGE_SECRET_FILE,
  BRIDGE_SETTINGS_FILE,
  OBJECT_NAMES,
  objectLabels,
  PROJECT,
} from "../core/conventions";
import type { BridgePlan } from "../plan/plan";

export interface BridgeServiceArgs {
  plan: BridgePlan;
  namespace: string;
  /** The webhook secret, a Pulumi secret. */
  webhookSecret: pulumi.Output<string>;
  provider: k8s.Provider;
  dependsOn: pulumi.Resource[];
}

const SETTINGS_DIR = "/etc/bridge";
const SECRET_DIR = "/etc/bridge-secret";

/** The pod template's container: settings and secret as files, probes on /healthz, no root. */
export function bridgeContainer(plan: BridgePlan) {
  return {
    name: "bridge",
    image: plan.image,
    ports: [{ name: "http", containerPort: BRIDGE_PORT }],
    env: [
      { name: "BRIDGE_SETTINGS", value: `${SETTINGS_DIR}/${BRIDGE_SETTINGS_FILE}` },
      { name: "BRIDGE_SECRET_FILE", value: `${SECRET_DIR}/${BRIDGE_SECRET_FILE}` },
      { name: "BRIDGE_PORT", value: String(BRIDGE_PORT) },
    ],
    volumeMounts: [
      { name: "settings", mountPath: SETTINGS_DIR, readOnly: true },
      { name: "secret", mountPath: SECRET_DIR, readOnly: true },
    ],
    readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 },
    livenessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 20 },
    resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "256Mi" } },
    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
  };
}

export class BridgeService extends pulumi.ComponentResource {
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly service: k8s.core.v1.Service;
  public readonly settings: k8s.core.v1.ConfigMap;
  public readonly secret: k8s.core.v1.Secret;

  constructor(name: string, args: BridgeServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${PROJECT}:bridge:BridgeService`, name, {}, opts);
    const { plan, namespace } = args;
    const child = { parent: this, provider: args.provider, dependsOn: args.dependsOn };
    const labels = objectLabels("bridge");
    const selector = { "app.kubernetes.io/name": OBJECT_NAMES.bridge };
    const metadata = { name: OBJECT_NAMES.bridge, namespace, labels: { ...labels, ...selector } };
    const settingsText = `${JSON.stringify(plan.settings, null, 2)}\n`;

    this.settings = new k8s.core.v1.ConfigMap(
      `${name}-settings`,
      { metadata, data: { [BRIDGE_SETTINGS_FILE]: settingsText } },
      child,
    );
    this.secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      { metadata, type: "Opaque", stringData: { [BRIDGE_SECRET_FILE]: pulumi.secret(args.webhookSecret) } },
      child,
    );
    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata,
        spec: {
          replicas: plan.replicas,
          selector: { matchLabels: selector },
          template: {
            metadata: {
              labels: { ...labels, ...selector },
              // A change of settings rolls the pods, which read them once at start.
              annotations: {
                [`${PROJECT}/settings-sha256`]: createHash("sha256").update(settingsText).digest("hex"),
              },
            },
            spec: {
              securityContext: { runAsNonRoot: true, runAsUser: 10001 },
              containers: [bridgeContainer(plan)],
              volumes: [
                { name: "settings", configMap: { name: this.settings.metadata.name } },
                { name: "secret", secret: { secretName: this.secret.metadata.name } },
              ],
            },
          },
        },
      },
      child,
    );
    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: {
          ...metadata,
          // Prometheus scrapes the bridge's metrics for the alert on failed forwarding.
          annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": String(BRIDGE_PORT) },
        },
        spec: { selector, ports: [{ name: "http", port: 80, targetPort: "http" }] },
      },
      child,
    );
    this.registerOutputs({ serviceName: this.service.metadata.name });
  }
}
