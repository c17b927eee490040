import type { Delivery } from '../core/delivery';
import { deliveryLabels } from './labels';
import type { ResolvedDelivery } from './source';

/** The folders of an environment under Flux: provisioned first, then what uses it. */
export const FLUX_FOLDERS = { early: 'resources', late: 'workloads' } as const;

/**
 * Flux delivery: a GitRepository (or an OCIRepository for an `oci://` repo)
 * named after the app (`source.yaml`), and per environment two
 * Kustomizations (`<env>.yaml`): `<app>-<env>-resources` applies the
 * resources, cloud identities and Namespace, `<app>-<env>-workloads`
 * `dependsOn` it, so workloads start once what they use is ready (`wait`).
 * Each environment's objects are written in two folders to match, with a
 * kustomization.yaml each (and the environment's own kustomization.yaml
 * still lists every file, for `kubectl kustomize`).
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/
 */
export function flux(d: ResolvedDelivery): Delivery {
  const o = d.props.flux ?? {};
  const namespace = o.namespace ?? 'flux-system';
  const interval = o.interval ?? '5m';
  const timeout = o.timeout ?? '5m';
  const oci = d.repo?.startsWith('oci://') ?? false;
  return {
    name: 'flux',
    folder: (role) => (role === 'workload' ? FLUX_FOLDERS.late : FLUX_FOLDERS.early),
    environmentFiles(files) {
      const out = new Map<string, Record<string, unknown>>();
      for (const folder of [FLUX_FOLDERS.early, FLUX_FOLDERS.late]) {
        const mine = files.filter((f) => f.startsWith(`${folder}/`) && !f.endsWith('kustomization.yaml')).map((f) => f.slice(folder.length + 1));
        out.set(`${folder}/kustomization.yaml`, { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: mine });
      }
      return out;
    },
    deliveryObjects({ app, environments }) {
      const labels = deliveryLabels(app);
      const ref = fluxRef(d.revision, oci);
      const source = oci
        ? { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: app.name, namespace, labels }, spec: { interval, url: d.repo, ref } }
        : { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: app.name, namespace, labels }, spec: { interval, url: d.repo, ref } };
      const files = new Map<string, Record<string, any>[]>([['source.yaml', [source]]]);
      for (const e of environments) {
        const base = `${app.name}-${e.name}`;
        const kustomization = (folder: string, dependsOn?: string) => ({
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: `${base}-${folder}`, namespace, labels },
          spec: {
            interval,
            path: `./${d.path}/${e.name}/${app.name}/${folder}`,
            prune: true,
            wait: true,
            timeout,
            targetNamespace: e.namespace,
            sourceRef: { kind: source.kind, name: app.name },
            ...(dependsOn ? { dependsOn: [{ name: dependsOn }] } : {}),
          },
        });
        files.set(`${e.name}.yaml`, [kustomization(FLUX_FOLDERS.early), kustomization(FLUX_FOLDERS.late, `${base}-${FLUX_FOLDERS.early}`)]);
      }
      return files;
    },
  };
}

/**
 * The `ref` of a Flux source for a revision: a 40-hex commit, `refs/heads/x`
 * (a branch), `refs/tags/x` or a semver-like `v1.4.2` (a tag), any other
 * name a branch. An OCI artifact has tags (or a `sha256:` digest) only.
 */
export function fluxRef(revision: string, oci: boolean): Record<string, string> {
  if (oci) return revision.startsWith('sha256:') ? { digest: revision } : { tag: revision.replace(/^refs\/tags\//, '') };
  if (/^[0-9a-f]{40}$/.test(revision)) return { commit: revision };
  if (revision.startsWith('refs/heads/')) return { branch: revision.slice('refs/heads/'.length) };
  if (revision.startsWith('refs/tags/')) return { tag: revision.slice('refs/tags/'.length) };
  if (revision.startsWith('refs/')) return { name: revision };
  return /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(revision) ? { tag: revision } : { branch: revision };
}
