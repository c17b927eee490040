/**
 * The production pack, part 4: every object of a built-in API group is a
 * kind that group serves. A kind spelled wrong (`kind: deployment`), a kind
 * in the wrong group (`apiVersion: v1, kind: Deployment`) or an API version
 * the cluster no longer serves (`policy/v1beta1`) is rejected by the API
 * server at apply time, or worse, read by tools as an unknown custom
 * resource that nothing checks. Groups that are not built in (CRDs such as
 * argoproj.io or gateway.networking.k8s.io) are not looked at.
 */
import { Rule } from '../../core/policy';
import { productionRule } from './production-support';

/**
 * The kinds each built-in group/version serves in Kubernetes 1.27 to 1.33
 * (a kind counts when some release of that range serves it there). Groups
 * with no version listed here (`extensions`) are served by none of them.
 * Versions first served in 1.34 are not listed: storage.k8s.io/v1
 * VolumeAttributesClass and admissionregistration.k8s.io/v1beta1
 * MutatingAdmissionPolicy(Binding) (1.33 serves them at v1beta1 and
 * v1alpha1 respectively).
 */
export const BUILTIN_KINDS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  '': {
    v1: [
      'Binding', 'ComponentStatus', 'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'List', 'Namespace', 'Node', 'PersistentVolume',
      'PersistentVolumeClaim', 'Pod', 'PodTemplate', 'ReplicationController', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount',
    ],
  },
  'admissionregistration.k8s.io': {
    v1: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
    v1beta1: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
    v1alpha1: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding'],
  },
  'apiextensions.k8s.io': { v1: ['CustomResourceDefinition'] },
  'apiregistration.k8s.io': { v1: ['APIService'] },
  apps: { v1: ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'] },
  'authentication.k8s.io': { v1: ['SelfSubjectReview', 'TokenRequest', 'TokenReview'], v1beta1: ['SelfSubjectReview'], v1alpha1: ['SelfSubjectReview'] },
  'authorization.k8s.io': { v1: ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'] },
  autoscaling: { v1: ['HorizontalPodAutoscaler', 'Scale'], v2: ['HorizontalPodAutoscaler'] },
  batch: { v1: ['CronJob', 'Job'] },
  'certificates.k8s.io': { v1: ['CertificateSigningRequest'], v1beta1: ['ClusterTrustBundle'], v1alpha1: ['ClusterTrustBundle'] },
  'coordination.k8s.io': { v1: ['Lease'], v1beta1: ['LeaseCandidate'], v1alpha1: ['LeaseCandidate'], v1alpha2: ['LeaseCandidate'] },
  'discovery.k8s.io': { v1: ['EndpointSlice'] },
  'events.k8s.io': { v1: ['Event'] },
  extensions: {},
  'flowcontrol.apiserver.k8s.io': {
    v1: ['FlowSchema', 'PriorityLevelConfiguration'], v1beta3: ['FlowSchema', 'PriorityLevelConfiguration'], v1beta2: ['FlowSchema', 'PriorityLevelConfiguration'],
  },
  'internal.apiserver.k8s.io': { v1alpha1: ['StorageVersion'] },
  'networking.k8s.io': {
    v1: ['Ingress', 'IngressClass', 'NetworkPolicy', 'IPAddress', 'ServiceCIDR'],
    v1beta1: ['IPAddress', 'ServiceCIDR'],
    v1alpha1: ['ClusterCIDR', 'IPAddress', 'ServiceCIDR'],
  },
  'node.k8s.io': { v1: ['RuntimeClass'] },
  policy: { v1: ['Eviction', 'PodDisruptionBudget'] },
  'rbac.authorization.k8s.io': { v1: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'] },
  'resource.k8s.io': {
    v1beta2: ['DeviceClass', 'ResourceClaim', 'ResourceClaimTemplate', 'ResourceSlice'],
    v1beta1: ['DeviceClass', 'ResourceClaim', 'ResourceClaimTemplate', 'ResourceSlice'],
    v1alpha3: ['DeviceClass', 'DeviceTaintRule', 'PodSchedulingContext', 'ResourceClaim', 'ResourceClaimTemplate', 'ResourceSlice'],
    v1alpha2: ['PodSchedulingContext', 'ResourceClaim', 'ResourceClaimParameters', 'ResourceClaimTemplate', 'ResourceClass', 'ResourceClassParameters', 'ResourceSlice'],
  },
  'scheduling.k8s.io': { v1: ['PriorityClass'] },
  'storage.k8s.io': {
    v1: ['CSIDriver', 'CSINode', 'CSIStorageCapacity', 'StorageClass', 'VolumeAttachment'],
    v1beta1: ['CSIStorageCapacity', 'VolumeAttributesClass'],
    v1alpha1: ['VolumeAttributesClass'],
  },
  'storagemigration.k8s.io': { v1alpha1: ['StorageVersionMigration'] },
};

/** Where a kind is served: `apps/v1`, preferring v1, then the newest beta. */
function servedAt(kind: string): string[] {
  const out: string[] = [];
  for (const [group, versions] of Object.entries(BUILTIN_KINDS)) {
    for (const [version, kinds] of Object.entries(versions)) if (kinds.includes(kind)) out.push(group ? `${group}/${version}` : version);
  }
  return out;
}

/** The built-in kind (any group) that differs from `kind` only in case. */
function respelled(kind: string): string | undefined {
  const lower = kind.toLowerCase();
  for (const versions of Object.values(BUILTIN_KINDS)) {
    for (const kinds of Object.values(versions)) {
      const hit = kinds.find((k) => k.toLowerCase() === lower);
      if (hit) return hit;
    }
  }
  return undefined;
}

export const knownKind: Rule = productionRule({
  id: 'known-kind',
  severity: 'error',
  description: 'Every object of a built-in API group (core, apps, batch, networking.k8s.io, …) is a kind that its apiVersion serves in Kubernetes 1.27–1.33, spelled exactly.',
  fix: 'libk8s writes the kinds itself; an ApiObject or addJsonPatch that sets kind or apiVersion by hand must spell them as the API does. In YAML: set kind to the exact, case-sensitive kind (Deployment, not deployment) and apiVersion to a version the cluster serves (apps/v1, policy/v1, batch/v1).',
  kinds: ['*'],
  check(s) {
    const { apiVersion, kind } = s.manifest;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return [];
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const versions = BUILTIN_KINDS[group];
    if (!versions) return [];
    const served = versions[version];
    if (served?.includes(kind)) return [];
    const right = respelled(kind);
    if (right && right !== kind) {
      const where = servedAt(right);
      const at = where.includes(apiVersion) ? '' : ` with apiVersion: ${where[0]}`;
      return [{ message: `kind ${JSON.stringify(kind)} is not a Kubernetes kind; the API spells it ${right}`, field: 'kind', fix: `set kind: ${right}${at} (kinds are case-sensitive).` }];
    }
    const where = servedAt(kind);
    if (!served) {
      return [{
        message: `apiVersion ${apiVersion} is not served by Kubernetes 1.27–1.33`,
        field: 'apiVersion',
        fix: where.length ? `use apiVersion: ${where[0]} for ${kind}.` : `use an apiVersion the cluster serves for ${kind}.`,
      }];
    }
    return [{
      message: `${apiVersion} serves no kind ${JSON.stringify(kind)}${where.length ? ` (${kind} is served by ${where.join(', ')})` : ''}`,
      field: where.length ? 'apiVersion' : 'kind',
      fix: where.length ? `set apiVersion: ${where[0]}.` : `use one of the kinds ${apiVersion} serves: ${served.join(', ')}; or, for a custom resource, its CRD's group.`,
    }];
  },
});
