import type { App } from '../core/app';
import type { Delivery, DeliverySource } from '../core/delivery';
import type { Environment } from '../core/environment';
import type { ObjectRole, OutputLayout, RenderedEnvironment } from '../core/pipeline';
import { toYaml } from './yaml';

/** The folder of an environment's folder that holds objects of `role`, as the first delivery that says so wants it. */
function folderOf(deliveries: readonly Delivery[], role: ObjectRole): string | undefined {
  for (const d of deliveries) {
    const f = d.folder?.(role);
    if (f) return f;
  }
  return undefined;
}

/**
 * The objects of an environment that no construct renders (its Namespace),
 * by file path in the environment's folder.
 */
export function environmentObjects(app: App, environment: Environment, deliveries: readonly Delivery[]): Map<string, Record<string, any>> {
  const out = new Map<string, Record<string, any>>();
  const folder = folderOf(deliveries, 'resource');
  for (const d of deliveries) {
    for (const [name, obj] of d.environmentObjects?.({ app, environment }) ?? []) out.set(folder ? `${folder}/${name}` : name, obj);
  }
  return out;
}

/**
 * The files of one environment: path relative to its app folder, and
 * content. Objects go to their role's folder when a delivery asks for one
 * (Flux); the deliveries' own objects (a Namespace) and files (e.g.
 * `kustomization.yaml`, made last, listing every file) are added after the
 * manifests.
 */
export function serializeEnvironment(app: App, rendered: RenderedEnvironment, layout: OutputLayout = 'construct', deliveries: readonly Delivery[] = []): Map<string, string> {
  const files = new Map<string, string>();
  const folders = new Map<ObjectRole, string | undefined>();
  for (const o of rendered.objects) {
    const text = toYaml(o.manifest);
    let folder = folders.get(o.role);
    if (!folders.has(o.role)) folders.set(o.role, folder = folderOf(deliveries, o.role));
    const name = layout === 'construct' ? `${o.component.name}.yaml` : o.file;
    const file = folder ? `${folder}/${name}` : name;
    const prev = files.get(file);
    files.set(file, prev === undefined ? text : `${prev}---\n${text}`);
  }
  for (const [file, obj] of environmentObjects(app, rendered.environment, deliveries)) files.set(file, toYaml(obj));
  const ctx = { app, environment: rendered.environment };
  for (const d of deliveries) {
    if (!d.environmentFiles) continue;
    for (const [name, doc] of d.environmentFiles([...files.keys()].sort(), ctx)) files.set(name, toYaml(doc));
  }
  return files;
}

/** Whether a built-in kind is namespaced (the few cluster-scoped kinds an app may emit); custom resources are taken as namespaced. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'StorageClass', 'CustomResourceDefinition', 'PersistentVolume', 'IngressClass']);

/**
 * The GitOps tool's own objects of the app (`<outdir>/_delivery/<app>/`),
 * by file name, for the environments synthesized: the Argo CD
 * Applications or Flux Kustomizations that point at their folders.
 */
export function deliveryObjects(app: App, rendered: readonly RenderedEnvironment[], deliveries: readonly Delivery[], source: DeliverySource): Map<string, readonly Record<string, any>[]> {
  const out = new Map<string, readonly Record<string, any>[]>();
  const kinds = new Map(rendered.map((r) => {
    const extra = [...environmentObjects(app, r.environment, deliveries).values()];
    const list = [...r.objects.map((o) => o.manifest), ...extra].map((m) => ({ apiVersion: String(m.apiVersion), kind: String(m.kind), namespaced: !CLUSTER_SCOPED.has(String(m.kind)) }));
    return [r.environment.name, list];
  }));
  const ctx = { app, environments: rendered.map((r) => r.environment), kinds, source };
  for (const d of deliveries) {
    for (const [name, objects] of d.deliveryObjects?.(ctx) ?? []) out.set(name, objects);
  }
  return out;
}

/** The files of `<outdir>/_delivery/<app>/`: each file's objects as a multi-document YAML stream. */
export function serializeDelivery(objects: ReadonlyMap<string, readonly Record<string, any>[]>): Map<string, string> {
  return new Map([...objects].map(([name, docs]) => [name, docs.map((d) => toYaml(d)).join('---\n')]));
}
