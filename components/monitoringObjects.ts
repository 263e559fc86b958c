// The Kubernetes objects that carry the plan into the cluster, for the configured delivery mode:
// rule ConfigMaps and/or PrometheusRule objects (sharded), the Alertmanager config as a ConfigMap
// and/or the operator's config Secret, and the Secret with the key files. It declares exactly the
// objects `render/kubernetes.ts` built and the checks passed.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../core/conventions";
import type { KubernetesPlan } from "../plan/plan";
import type { KubernetesObjects } from "../render/kubernetes";

export interface MonitoringObjectsArgs {
  objects: KubernetesObjects;
  cluster: KubernetesPlan;
  /** The key Secret's files, each value a secret. */
  secretFiles: Record<string, pulumi.Output<string>>;
}

export class MonitoringObjects extends pulumi.ComponentResource {
  public readonly provider: k8s.Provider;
  public readonly ruleConfigMaps: k8s.core.v1.ConfigMap[] = [];
  public readonly prometheusRules: k8s.apiextensions.CustomResource[] = [];
  public readonly alertmanagerConfigMap?: k8s.core.v1.ConfigMap;
  public readonly alertmanagerConfigSecret?: k8s.core.v1.Secret;
  public readonly keySecret: k8s.core.v1.Secret;
  public readonly namespace: k8s.core.v1.Namespace;

  constructor(name: string, args: MonitoringObjectsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${PROJECT}:kubernetes:MonitoringObjects`, name, {}, opts);
    const { objects, cluster } = args;
    this.provider = new k8s.Provider(
      `${name}-cluster`,
      { kubeconfig: cluster.kubeconfigPath, context: cluster.context, namespace: cluster.namespace },
      { parent: this },
    );
    // An existing namespace is adopted into the stack and left in place on destroy: it was not ours.
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: cluster.namespace } },
      {
        parent: this,
        provider: this.provider,
        ...(cluster.namespaceExists ? { import: cluster.namespace, retainOnDelete: true } : {}),
      },
    );
    const namespace = this.namespace;
    const child = { parent: this, provider: this.provider, dependsOn: [namespace] };
    const inNamespace = <T extends object>(metadata: T) => ({ ...metadata, namespace: cluster.namespace });

    for (const map of objects.ruleConfigMaps) {
      this.ruleConfigMaps.push(
        new k8s.core.v1.ConfigMap(
          `${name}-rules-${map.vertical}-${map.shard}`,
          { metadata: inNamespace(map.metadata), data: map.data },
          child,
        ),
      );
    }
    for (const rule of objects.prometheusRules) {
      this.prometheusRules.push(
        new k8s.apiextensions.CustomResource(
          `${name}-prometheusrule-${rule.vertical}-${rule.shard}`,
          {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PrometheusRule",
            metadata: inNamespace(rule.metadata),
            spec: rule.spec,
          },
          child,
        ),
      );
    }
    if (objects.alertmanagerConfigMap) {
      this.alertmanagerConfigMap = new k8s.core.v1.ConfigMap(
        `${name}-alertmanager`,
        {
          metadata: inNamespace(objects.alertmanagerConfigMap.metadata),
          data: objects.alertmanagerConfigMap.data,
        },
        child,
      );
    }
    if (objects.alertmanagerConfigSecret) {
      this.alertmanagerConfigSecret = new k8s.core.v1.Secret(
        `${name}-alertmanager-config`,
        {
          metadata: inNamespace(objects.alertmanagerConfigSecret.metadata),
          type: "Opaque",
          stringData: objects.alertmanagerConfigSecret.data,
        },
        child,
      );
    }
    this.keySecret = new k8s.core.v1.Secret(
      `${name}-alertmanager-secrets`,
      { metadata: inNamespace(objects.keySecret.metadata), type: "Opaque", stringData: args.secretFiles },
      child,
    );
    this.registerOutputs({ keySecretName: this.keySecret.metadata.name });
  }
}
