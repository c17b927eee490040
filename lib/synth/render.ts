import { ApiObject, App as Cdk8sApp, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { App } from '../core/app';
import { Component, RenderContext } from '../core/component';
import type { Delivery } from '../core/delivery';
import { Environment } from '../core/environment';
import { Libk8sError, Problem } from '../core/errors';
import type { ObjectRole, RenderedEnvironment, RenderedObject } from '../core/pipeline';
import { IDENTITY_SCOPE } from '../core/recipe';
import { isDnsLabel, isDnsSubdomain, suggestDnsLabel } from '../core/rules';
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
      fix: (e as PatchError).fix ?? 'correct the JSON pointer (see the object in the output of a synth without the patch) or add the missing parent first.',
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

/** A kind as Kubernetes spells one (`ConfigMap`, `HTTPRoute`): it names the object's file, so nothing else may pass. */
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
/** The longest file name (one path segment) common file systems take, in bytes. */
const MAX_FILE_NAME = 255;

/**
 * The object's file, relative to its environment's app folder. It is built
 * only from parts that `findDuplicates` proves safe (the construct name a
 * DNS-1123 label, the kind letters and digits, the object name a DNS-1123
 * subdomain); anything else yields a problem there, so it is never written.
 */
function fileName(component: Component, kind: string, name: string): string {
  // a kind or name set to a non-string in customize() is reported by pathProblems, not a TypeError here
  const k = String(kind).toLowerCase();
  name = String(name);
  const suffix = name === component.name ? '' : `-${name.startsWith(`${component.name}-`) ? name.slice(component.name.length + 1) : name}`;
  return `${component.name}/${k}${suffix}.yaml`;
}

/** Whether a relative file path climbs out of its folder. */
function escapes(file: string): boolean {
  let depth = 0;
  for (const seg of file.split(/[\\/]/)) {
    if (seg === '..') depth--;
    else if (seg !== '' && seg !== '.') depth++;
    if (depth < 0) return true;
  }
  return file.startsWith('/') || file.startsWith('\\');
}

/** The problems of an object whose kind, name or file could not be written safely: each names the construct, the object, the value, the rule and the fix. */
function pathProblems(o: RenderedObject, env: Environment): Problem[] {
  const c = o.component;
  const at = { kind: c.kind, id: c.node.id, path: c.displayPath, environment: env.name };
  const problems: Problem[] = [];
  const kind = typeof o.kind === 'string' ? o.kind : String(o.kind);
  const name = typeof o.name === 'string' ? o.name : String(o.name);
  if (typeof o.kind !== 'string' || !KIND.test(kind)) {
    problems.push({
      ...at, prop: 'kind',
      message: `emits an object (metadata.name ${JSON.stringify(name)}) whose kind ${JSON.stringify(o.kind)} is not a Kubernetes kind: letters and digits, starting with a letter; it names the object's file, so the object is not written`,
      fix: 'set kind to the type of the object, e.g. "ConfigMap", where it is added (customize() or a patch).',
    });
  }
  if (typeof o.name !== 'string' || !isDnsSubdomain(name)) {
    problems.push({
      ...at, prop: 'metadata.name',
      message: `emits ${kind} ${JSON.stringify(o.name)}, whose name is not a DNS-1123 subdomain as the API server requires (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters); it names the object's file${escapes(o.file) ? `, which would lie outside the output folder (${JSON.stringify(o.file)})` : ''}, so the object is not written`,
      fix: `name it like ${JSON.stringify(suggestDnsLabel(name))} where it is added (customize() or a patch).`,
    });
  }
  if (problems.length === 0 && !isDnsLabel(c.name)) {
    problems.push({
      ...at, prop: 'name',
      message: `${JSON.stringify(c.name)} is not a DNS-1123 label; it names the construct's output folder, so nothing of it is written`,
      fix: `use a name like ${JSON.stringify(suggestDnsLabel(c.name))}.`,
    });
  }
  const base = o.file.slice(o.file.lastIndexOf('/') + 1);
  if (problems.length === 0 && Buffer.byteLength(base) > MAX_FILE_NAME) {
    problems.push({
      ...at, prop: 'metadata.name',
      message: `emits ${kind} ${JSON.stringify(name)}, whose file name ${JSON.stringify(base)} is ${Buffer.byteLength(base)} bytes long; file systems take at most ${MAX_FILE_NAME}`,
      fix: `use a name of at most ${MAX_FILE_NAME - (Buffer.byteLength(base) - Buffer.byteLength(name))} characters.`,
    });
  }
  return problems;
}

function findDuplicates(objects: readonly RenderedObject[], env: Environment): Problem[] {
  const seen = new Map<string, RenderedObject>();
  const problems: Problem[] = [];
  for (const o of objects) {
    const unsafe = pathProblems(o, env);
    if (unsafe.length > 0) { problems.push(...unsafe); continue; }
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
