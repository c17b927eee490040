import type { Delivery, DeliveryAppContext } from '../core/delivery';
import type { ObjectRole } from '../core/pipeline';
import { deliveryLabels } from './labels';
import { podSecurityLabels } from './namespace';
import type { ResolvedDelivery } from './source';

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

const ARGO = 'argoproj.io/v1alpha1';

/**
 * Argo CD delivery: an Application per environment (`<env>.yaml`), or one
 * ApplicationSet (`applicationset.yaml`) whose git directory generator finds
 * every environment's folder, and an AppProject (`project.yaml`) when the
 * platform asks for one. Automated sync with prune and selfHeal,
 * `CreateNamespace=true` and `ServerSideApply=true`; the objects' sync
 * waves order resources and identities before workloads.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/
 */
export function argoCd(d: ResolvedDelivery): Delivery {
  const o = d.props.argoCd ?? {};
  const namespace = o.namespace ?? 'argocd';
  const server = o.server ?? 'https://kubernetes.default.svc';
  return {
    name: 'argo-cd',
    deliveryObjects(ctx) {
      const { app } = ctx;
      const project = typeof o.project === 'object' ? app.name : o.project ?? 'default';
      const labels = deliveryLabels(app);
      const syncPolicy = {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
        ...(d.props.namespaces ? { managedNamespaceMetadata: { labels: podSecurityLabels(d.props.podSecurityVersion ?? 'latest') } } : {}),
      };
      const folder = (env: string) => `${d.path}/${env}/${app.name}`;
      const files = new Map<string, Record<string, any>[]>();
      if (typeof o.project === 'object') files.set('project.yaml', [appProject(ctx, { name: project, namespace, server, repo: d.repo! })]);
      const metadata = (name: string) => ({ name, namespace, labels, finalizers: ['resources-finalizer.argocd.argoproj.io'] });
      if (o.applicationSet) {
        files.set('applicationset.yaml', [{
          apiVersion: ARGO,
          kind: 'ApplicationSet',
          metadata: { name: app.name, namespace, labels },
          spec: {
            // the list names the environments synthesized (with their namespaces) and is the base; the git
            // directory generator over the same folders is merged in by path, so a folder in git that is no
            // environment of the app (another app's, _delivery/) makes no Application
            generators: [{
              merge: {
                mergeKeys: ['path'],
                generators: [
                  { list: { elements: ctx.environments.map((e) => ({ path: folder(e.name), environment: e.name, namespace: e.namespace })) } },
                  { git: { repoURL: d.repo, revision: d.revision, directories: [{ path: `${d.path}/*/${app.name}` }, { path: `${d.path}/_delivery/*`, exclude: true }] } },
                ],
              },
            }],
            template: {
              metadata: { name: `${app.name}-{{environment}}`, labels, finalizers: ['resources-finalizer.argocd.argoproj.io'] },
              spec: {
                project,
                source: { repoURL: d.repo, targetRevision: d.revision, path: '{{path}}' },
                destination: { server, namespace: '{{namespace}}' },
                syncPolicy,
              },
            },
          },
        }]);
      } else {
        for (const e of ctx.environments) {
          files.set(`${e.name}.yaml`, [{
            apiVersion: ARGO,
            kind: 'Application',
            metadata: metadata(`${app.name}-${e.name}`),
            spec: {
              project,
              source: { repoURL: d.repo, targetRevision: d.revision, path: folder(e.name) },
              destination: { server, namespace: e.namespace },
              syncPolicy,
            },
          }]);
        }
      }
      return files;
    },
  };
}

/** An AppProject limited to the app's repository, its environments' namespaces and the kinds it emits. */
function appProject(ctx: DeliveryAppContext, p: { name: string; namespace: string; server: string; repo: string }): Record<string, any> {
  const groupKind = (k: { apiVersion: string; kind: string }) => ({ group: k.apiVersion.includes('/') ? k.apiVersion.split('/')[0] : '', kind: k.kind });
  const unique = (list: { group: string; kind: string }[]) => [...new Map(list.map((x) => [`${x.group}/${x.kind}`, x])).values()]
    .sort((a, b) => (a.group + '/' + a.kind < b.group + '/' + b.kind ? -1 : 1));
  const all = [...ctx.kinds.values()].flat();
  return {
    apiVersion: ARGO,
    kind: 'AppProject',
    metadata: { name: p.name, namespace: p.namespace, labels: deliveryLabels(ctx.app) },
    spec: {
      description: `libk8s app '${ctx.app.name}' of team '${ctx.app.team}': its namespaces and the kinds it emits, from its repository only`,
      sourceRepos: [p.repo],
      destinations: ctx.environments.map((e) => ({ server: p.server, namespace: e.namespace })),
      namespaceResourceWhitelist: unique(all.filter((k) => k.namespaced).map(groupKind)),
      // every Application syncs with CreateNamespace=true, which a project must allow
      clusterResourceWhitelist: unique([...all.filter((k) => !k.namespaced).map(groupKind), { group: '', kind: 'Namespace' }]),
    },
  };
}
