import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';

/**
 * The typed `@pulumi/kubernetes` class of each built-in kind libk8s (or a
 * customization) can emit, by `<apiVersion>/<kind>`. Any other object (a
 * custom resource: HTTPRoute, ScaledObject, TriggerAuthentication, Crossplane
 * managed resources) becomes a `k8s.apiextensions.CustomResource`, whose
 * type token is `kubernetes:<apiVersion>:<kind>`.
 */

/** The constructor of a typed Kubernetes resource. */
export type KubernetesClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

const TYPED: Readonly<Record<string, () => KubernetesClass>> = {
  'v1/Namespace': () => k8s.core.v1.Namespace,
  'v1/ServiceAccount': () => k8s.core.v1.ServiceAccount,
  'v1/Service': () => k8s.core.v1.Service,
  'v1/ConfigMap': () => k8s.core.v1.ConfigMap,
  'v1/Secret': () => k8s.core.v1.Secret,
  'v1/PersistentVolumeClaim': () => k8s.core.v1.PersistentVolumeClaim,
  'v1/LimitRange': () => k8s.core.v1.LimitRange,
  'v1/ResourceQuota': () => k8s.core.v1.ResourceQuota,
  'apps/v1/Deployment': () => k8s.apps.v1.Deployment,
  'apps/v1/StatefulSet': () => k8s.apps.v1.StatefulSet,
  'apps/v1/DaemonSet': () => k8s.apps.v1.DaemonSet,
  'batch/v1/Job': () => k8s.batch.v1.Job,
  'batch/v1/CronJob': () => k8s.batch.v1.CronJob,
  'policy/v1/PodDisruptionBudget': () => k8s.policy.v1.PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': () => k8s.autoscaling.v2.HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': () => k8s.networking.v1.NetworkPolicy,
  'networking.k8s.io/v1/Ingress': () => k8s.networking.v1.Ingress,
  'rbac.authorization.k8s.io/v1/Role': () => k8s.rbac.v1.Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': () => k8s.rbac.v1.RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': () => k8s.rbac.v1.ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': () => k8s.rbac.v1.ClusterRoleBinding,
};

/** The `<apiVersion>/<kind>` keys that get a typed class. */
export const TYPED_KINDS: readonly string[] = Object.keys(TYPED);

/** The Pulumi type token a manifest registers as: `kubernetes:apps/v1:Deployment`, `kubernetes:core/v1:Service`, `kubernetes:keda.sh/v1alpha1:ScaledObject`. */
export function typeToken(apiVersion: string, kind: string): string {
  return `kubernetes:${apiVersion.includes('/') ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

/**
 * Registers one manifest as its typed resource, its fields (metadata, spec,
 * data, stringData, type, …) as the typed args; a custom resource as
 * `CustomResource` with every field.
 */
export function registerManifest(name: string, manifest: Record<string, any>, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const { apiVersion, kind, ...fields } = manifest;
  const typed = TYPED[`${apiVersion}/${kind}`];
  if (typed) return new (typed())(name, fields, opts);
  return new k8s.apiextensions.CustomResource(name, { apiVersion, kind, ...fields }, opts);
}
