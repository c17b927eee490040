import { ApiObject, App as Cdk8sApp, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { App } from '../core/app';
import { Component, RenderContext } from '../core/component';
import type { Delivery } from '../core/delivery';
import { Environment } from '../core/environment';
import { Libk8sError, Problem } from '../core/errors';
import type { ObjectRole, RenderedEnvironment, RenderedObject } from '../core/pipeline';
import { IDENTITY_SCOPE } from '../core/recipe';
import { formatLocation } from '../core/source';
import { fastToJson } from './fast-json';
import { applyPatch, describeOp, PatchError, PatchOp, toOp } from './json-patch';

/**
 * Renders every component once per environment into a cdk8s chart, then
 * turns each ApiObject into JSON exactly once. Unlike `cdk8s.App.synth()`,
 * nothing is re-resolved per chart, so the cost is linear in the objects.
 */
export function renderApp(app: App, environments: readonly Environment[], deliveries: readonly Delivery[] = []): RenderedEnvironment[] {
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
      objects.push(...toManifests(component, scope, { app, environment }, deliveries, problems));
    }
    problems.push(...findDuplicates(objects, environment));
    return { environment, objects, millis: performance.now() - started };
  });
  if (problems.length > 0) throw new Libk8sError(problems);
  return result;
}

function toManifests(component: Component, scope: Construct, ctx: { readonly app: App; readonly environment: Environment }, deliveries: readonly Delivery[], problems: Problem[]): RenderedObject[] {
  const env = ctx.environment;
  const out: RenderedObject[] = [];
  const apiObjects = scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
  const usedPatches = new Set<number>();
  for (const obj of apiObjects) {
    // cdk8s would apply these leniently; take them over and apply them strictly.
    const ownPatches = ((obj as any).patches as unknown[]).splice(0).map((p) => toOp(p as any));
    const manifest = (fastToJson(obj) ?? obj.toJson()) as Record<string, any>;
    const role = roleOf(component, obj, scope);
    // delivery annotations first, so the construct's own patches can still change them
    for (const d of deliveries) d.annotate?.(manifest, role, ctx);
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
      file: fileName(component, kind, name), role,
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

/** A resource's objects, a workload's cloud identity (made by recipes in its identity scope), or the workload itself. */
function roleOf(component: Component, obj: ApiObject, scope: Construct): ObjectRole {
  if (component.role === 'resource') return 'resource';
  return obj.node.scopes.some((s) => s.node.id === IDENTITY_SCOPE && s.node.scope === scope) ? 'identity' : 'workload';
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
