import { ApiObject, App as Cdk8sApp, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { App } from './app';
import { Component, RenderContext } from './component';
import { Environment } from './environment';
import { Libk8sError, Problem } from './errors';
import { fastToJson } from './fast-json';
import { applyPatch, describeOp, PatchError, PatchOp, toOp } from './json-patch';
import { IDENTITY_SCOPE } from './recipe';
import { formatLocation } from './source';

/** One synthesized Kubernetes object and where it came from. */
export interface RenderedObject {
  /** The construct that produced it. */
  readonly component: Component;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** The object as plain JSON, exactly as it is written. */
  readonly manifest: Record<string, any>;
  /** Its file, relative to the environment's app folder. */
  readonly file: string;
}

export interface RenderedEnvironment {
  readonly environment: Environment;
  readonly objects: readonly RenderedObject[];
  /** Milliseconds spent rendering this environment. */
  readonly millis: number;
}

/**
 * Renders every component once per environment into a cdk8s chart, then
 * turns each ApiObject into JSON exactly once. Unlike `cdk8s.App.synth()`,
 * nothing is re-resolved per chart, so the cost is linear in the objects.
 */
export function renderApp(app: App, environments: readonly Environment[]): RenderedEnvironment[] {
  const problems: Problem[] = [];
  const components = app.components;
  const result = environments.map((environment) => {
    const started = performance.now();
    const root = new Cdk8sApp({ outdir: '.' });
    const chart = new Chart(root, environment.name, { namespace: environment.namespace, disableResourceNameHashes: true });
    const objects: RenderedObject[] = [];
    for (const component of components) {
      const scope = new Construct(chart, component.node.path.replace(/\//g, '~'));
      const ctx: RenderContext = { app, environment, platform: app.platform, scope };
      try {
        component.renderInto(ctx);
      } catch (e) {
        // a problem found while rendering is reported with those of every other component and environment
        if (!(e instanceof Libk8sError)) throw e;
        problems.push(...e.problems);
        continue;
      }
      objects.push(...toManifests(component, scope, environment, problems));
    }
    problems.push(...findDuplicates(objects, environment));
    return { environment, objects, millis: performance.now() - started };
  });
  if (problems.length > 0) throw new Libk8sError(problems);
  return result;
}

function toManifests(component: Component, scope: Construct, env: Environment, problems: Problem[]): RenderedObject[] {
  const out: RenderedObject[] = [];
  const apiObjects = scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
  const usedPatches = new Set<number>();
  for (const obj of apiObjects) {
    // cdk8s would apply these leniently; take them over and apply them strictly.
    const ownPatches = ((obj as any).patches as unknown[]).splice(0).map((p) => toOp(p as any));
    const manifest = (fastToJson(obj) ?? obj.toJson()) as Record<string, any>;
    if (component.app.platform.argoCdAnnotations) addSyncAnnotations(manifest, 'resourceType' in component || obj.node.scopes.some((s) => s.node.id === IDENTITY_SCOPE && s.node.scope === scope));
    const name: string = manifest.metadata?.name ?? obj.name;
    const kind: string = manifest.kind;
    const fail = (op: PatchOp, e: unknown, where?: string) => problems.push({
      kind: component.kind, id: component.node.id, path: component.displayPath, environment: env.name,
      prop: 'addJsonPatch', message: `the patch "${describeOp(op)}" does not apply to ${kind} '${name}': ${(e as Error).message}${where ? ` (patch added at ${where})` : ''}`,
      fix: 'correct the JSON pointer (see the object in the output of a synth without the patch) or add the missing parent first.',
    });
    for (const op of ownPatches) {
      try { applyPatch(manifest, [op]); } catch (e) { if (e instanceof PatchError) fail(op, e); else throw e; }
    }
    component.patches.forEach((patch, i) => {
      const t = patch.target;
      if (t.kind !== kind || (t.name !== undefined && t.name !== name) || (t.environment !== undefined && t.environment !== env.name)) return;
      usedPatches.add(i);
      for (const op of patch.ops.map(toOp)) {
        try { applyPatch(manifest, [op]); } catch (e) { if (e instanceof PatchError) fail(op, e, formatLocation(patch.location)); else throw e; }
      }
    });
    out.push({
      component, apiVersion: manifest.apiVersion, kind, name, namespace: manifest.metadata?.namespace, manifest,
      file: fileName(component, kind, name),
    });
  }
  component.patches.forEach((patch, i) => {
    if (usedPatches.has(i) || (patch.target.environment !== undefined && patch.target.environment !== env.name)) return;
    const kinds = [...new Set(out.map((o) => o.kind))].join(', ');
    problems.push({
      kind: component.kind, id: component.node.id, path: component.displayPath, environment: env.name, prop: 'addJsonPatch',
      message: `targets ${patch.target.kind}${patch.target.name ? ` '${patch.target.name}'` : ''}, but this construct emits no such object here (it emits: ${kinds})`,
      fix: 'target one of the kinds it emits, or remove the patch.',
    });
  });
  return out;
}

/** API groups built into Kubernetes; anything else is a custom resource whose CRD may arrive in the same sync. */
const BUILTIN_GROUPS = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'scheduling.k8s.io',
  'coordination.k8s.io', 'discovery.k8s.io', 'node.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'certificates.k8s.io',
  'events.k8s.io', 'flowcontrol.apiserver.k8s.io', 'resource.k8s.io', 'storagemigration.k8s.io',
]);

/**
 * Argo CD ordering: cloud resources and identities in wave -1, before the
 * workloads (wave 0) that use them; custom resources skip the dry run when
 * their CRD is not there yet.
 */
function addSyncAnnotations(manifest: Record<string, any>, early: boolean): void {
  const apiVersion = String(manifest.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const custom = !BUILTIN_GROUPS.has(group);
  if (!early && !custom) return;
  const annotations: Record<string, string> = { ...manifest.metadata?.annotations };
  if (early) annotations['argocd.argoproj.io/sync-wave'] = '-1';
  if (custom) annotations[SYNC_OPTIONS] = withSyncOption(annotations[SYNC_OPTIONS], 'SkipDryRunOnMissingResource=true');
  // keys stay sorted, as everywhere else in the output
  manifest.metadata = sortKeys({ ...manifest.metadata, annotations: sortKeys(annotations) });
}

const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/** Adds `option` to a comma-separated sync-options value, keeping the options already there (e.g. the user's `Replace=true`). */
function withSyncOption(value: string | undefined, option: string): string {
  const options = (value ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  return (options.includes(option) ? options : [...options, option]).join(',');
}

function sortKeys<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]])) as T;
}

function fileName(component: Component, kind: string, name: string): string {
  const k = kind.toLowerCase();
  const suffix = name === component.name ? '' : `-${name.startsWith(`${component.name}-`) ? name.slice(component.name.length + 1) : name}`;
  return `${component.name}/${k}${suffix}.yaml`;
}

function findDuplicates(objects: readonly RenderedObject[], env: Environment): Problem[] {
  const seen = new Map<string, RenderedObject>();
  const problems: Problem[] = [];
  for (const o of objects) {
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    const k = `${group}/${o.kind}/${o.namespace ?? ''}/${o.name}`;
    const other = seen.get(k);
    if (other && other.component !== o.component) {
      problems.push({
        kind: o.component.kind, id: o.component.node.id, path: o.component.displayPath, environment: env.name,
        message: `emits ${o.kind} '${o.name}', which ${other.component.kind} '${other.component.node.id}' (${other.component.displayPath}) emits too; names must be unique per kind in a namespace`,
        fix: 'rename one of the two constructs.',
      });
    } else if (other) {
      problems.push({
        kind: o.component.kind, id: o.component.node.id, path: o.component.displayPath, environment: env.name,
        message: `emits ${o.kind} '${o.name}' twice`, fix: 'give the objects added in customize() distinct names.',
      });
    } else {
      seen.set(k, o);
    }
  }
  return problems;
}
