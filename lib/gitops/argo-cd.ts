import type { Delivery } from '../core/delivery';
import type { ObjectRole } from '../core/pipeline';

/** API groups built into Kubernetes; anything else is a custom resource whose CRD may arrive in the same sync. */
const BUILTIN_GROUPS = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'scheduling.k8s.io',
  'coordination.k8s.io', 'discovery.k8s.io', 'node.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'certificates.k8s.io',
  'events.k8s.io', 'flowcontrol.apiserver.k8s.io', 'resource.k8s.io', 'storagemigration.k8s.io',
]);

const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/**
 * Argo CD ordering: cloud resources and identities in sync wave -1, before
 * the workloads (wave 0) that use them; custom resources skip the dry run
 * when their CRD is not there yet. Other GitOps tools ignore the annotations.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 */
export function argoCdOrdering(): Delivery {
  return { name: 'argo-cd-ordering', annotate: (manifest, role) => addSyncAnnotations(manifest, role) };
}

function addSyncAnnotations(manifest: Record<string, any>, role: ObjectRole): void {
  const early = role !== 'workload';
  const apiVersion = String(manifest.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const custom = !BUILTIN_GROUPS.has(group);
  if (!early && !custom) return;
  const annotations: Record<string, string> = { ...manifest.metadata?.annotations };
  if (early) annotations[SYNC_WAVE] = '-1';
  if (custom) annotations[SYNC_OPTIONS] = withSyncOption(annotations[SYNC_OPTIONS], 'SkipDryRunOnMissingResource=true');
  // keys stay sorted, as everywhere else in the output
  manifest.metadata = sortKeys({ ...manifest.metadata, annotations: sortKeys(annotations) });
}

/** Adds `option` to a comma-separated sync-options value, keeping the options already there (e.g. the user's `Replace=true`). */
function withSyncOption(value: string | undefined, option: string): string {
  const options = (value ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  return (options.includes(option) ? options : [...options, option]).join(',');
}

function sortKeys<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]])) as T;
}
