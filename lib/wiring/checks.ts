import * as k8s from '../core/kube';
import type { AnyComponent } from '../core/component';
import type { Environment } from '../core/environment';
import { ProblemList, show } from '../core/errors';
import { at, checkWires, ComposedEnv, envPrefix, isResource, Wire, wireFormats, wireLabel, wirePrefix, wireProp, wiresFrom } from '../core/wiring';
import { checkWorkloadWiring, grantsByRecipe, ServingWorkload, wiredEnvNames } from './derive';
import { addReferenceProblems, checkComposed, composedText, envReferences, orderEnv } from './env';
import { CONNECTION_FORMATS, wireEnv } from './formats';

type EnvRecord = Readonly<Record<string, unknown>>;

/** The variables a workload's own props set: `env`, each environment's override `env`, and its other containers'. */
export interface OwnEnv {
  readonly env?: EnvRecord;
  readonly overrides?: Readonly<Record<string, { readonly env?: EnvRecord } | undefined>>;
  /** Env.compose is for the main container only. @default - none */
  readonly sidecars?: readonly { readonly env?: EnvRecord }[];
  /** @default - none */
  readonly initContainers?: readonly { readonly env?: EnvRecord }[];
  /** The main container's command and args: Kubernetes expands `$(VAR)` in them from its env too. @default - none */
  readonly command?: unknown;
  /** @default - none */
  readonly args?: unknown;
}

const PREFIX = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isComposed(v: unknown): v is ComposedEnv {
  return typeof v === 'object' && v !== null && (v as { from?: unknown }).from === 'compose';
}

/**
 * The wiring problems only this workload can see: wires to itself, twice or
 * in a cycle; targets it cannot use as it says (a Queue by connect(), a
 * non-Queue by sendTo(), a workload that serves no port); variables the
 * wiring would give twice or over its own `env`; grants no recipe's
 * identity can give.
 */
export function checkWorkloadWires(workload: AnyComponent, own: OwnEnv, problems: ProblemList): void {
  checkWires(workload, problems);
  for (const w of wiresFrom(workload)) {
    const prop = `${w.via}(${w.to.node.id})`;
    const type = isResource(w.to) ? w.to.resourceType : undefined;
    if (w.via === 'connect' && type === 'queue') {
      problems.add(prop, `connects to Queue '${w.to.node.id}'${at(w)}, which says neither sending nor consuming`,
        `use ${workload.node.id}.sendTo(${w.to.node.id}) to send, or a QueueWorker with queue: ${w.to.node.id} to consume.`);
    } else if (w.via === 'sendTo' && type !== 'queue') {
      problems.add(prop, `sends to ${w.to.kind} '${w.to.node.id}'${at(w)}, which is not a Queue`, `use connect(${w.to.node.id}).`);
    } else if (!isResource(w.to) && typeof (w.to as unknown as Partial<ServingWorkload>).served !== 'function' && w.to !== workload) {
      problems.add(prop, `connects to ${w.to.kind} '${w.to.node.id}'${at(w)}, which serves no port to connect to`,
        'connect to a WebService (it has a Service), a resource, or put a Queue between the two.');
    }
  }
  for (const w of wiresFrom(workload)) if (w.via === 'connect' && w.options !== undefined) checkConnectOptions(w, problems);
  checkWiredEnv(workload, own, problems);
  checkWorkloadWiring(workload, problems);
  checkEnvReferences(workload, own, problems);
  checkPlacedOverrides(workload, own, problems);
}

/** The `env` and `format` options of connect(): a variable prefix, known formats each once, and formats the target can give. */
function checkConnectOptions(w: Wire, problems: ProblemList): void {
  const prop = wireProp(w);
  const { env, format } = w.options!;
  if (env !== undefined && (typeof env !== 'string' || !PREFIX.test(env))) {
    problems.add(`${prop}.env`, `${show(env)} is not a variable prefix`,
      `use letters, digits and '_', not starting with a digit, e.g. ${show(typeof env === 'string' && env ? envPrefix(env) : 'REDIS')}.`);
  }
  if (format === undefined) return;
  const list = wireFormats(w)!;
  list.forEach((f, i) => {
    if (!CONNECTION_FORMATS.includes(f)) problems.add(`${prop}.format`, `${show(f)} is not a connection format`, `use one or a list of: ${CONNECTION_FORMATS.join(', ')}.`);
    else if (list.indexOf(f) !== i) problems.add(`${prop}.format`, `lists ${show(f)} twice`, 'name each format once.');
  });
  if (!isResource(w.to)) return;
  const keys = w.to.connectionKeys;
  const want = (f: string) => list.includes(f as never);
  const missing = want('url') && !keys.includes('url') ? 'url' : ['hostport', 'host', 'port'].find((f) => want(f) && !(keys.includes('host') && keys.includes('port')));
  if (missing) {
    problems.add(`${prop}.format`, `${show(missing)} asks ${w.to.kind} '${w.to.node.id}' for ${missing === 'url' ? 'a URL' : 'a host and port'}, which its connection does not have (it gives ${keys.join(', ')})`,
      `leave '${missing}' out (the connection gives ${keys.map((k) => `${wirePrefix(w)}_${k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`).join(', ')}), or build the value with Env.compose from those.`);
  }
}

/** One environment's own variables of the main container: name to value and the prop that sets it. */
function ownVars(own: OwnEnv, env: Environment): Map<string, { readonly value: unknown; readonly prop: string }> {
  const out = new Map<string, { value: unknown; prop: string }>();
  for (const [name, value] of Object.entries(own.env ?? {})) out.set(name, { value, prop: `env.${name}` });
  const o = own.overrides && Object.hasOwn(own.overrides, env.name) ? own.overrides[env.name]?.env : undefined;
  for (const [name, value] of Object.entries(o ?? {})) out.set(name, { value, prop: `overrides.${env.name}.env.${name}` });
  return out;
}

/**
 * In each environment the workload exists in: its Env.compose values (only
 * of what it is wired to, only in the main container), and every `$(VAR)`
 * of its env referring to a variable it defines, without a cycle. A
 * problem found in every environment is reported once.
 */
function checkEnvReferences(workload: AnyComponent, own: OwnEnv, problems: ProblemList): void {
  for (const [field, list] of [['sidecars', own.sidecars], ['initContainers', own.initContainers]] as const) {
    (Array.isArray(list) ? list : []).forEach((c, i) => Object.entries(c?.env ?? {}).forEach(([name, v]) => {
      if (isComposed(v)) problems.add(`${field}[${i}].env.${name}`, 'is an Env.compose value, which only the main container\'s env can hold', 'set it in the workload\'s env, or give the container a literal.');
    }));
  }
  const found = new Map<string, { readonly prop?: string; readonly message: string; readonly fix?: string; readonly envs: string[] }>();
  const placed = workload.app.environments.filter((e) => workload.placedIn(e));
  for (const env of placed) {
    const list = new ProblemList(workload.kind, workload.node.id, workload.displayPath);
    const mine = ownVars(own, env);
    const vars: k8s.EnvVar[] = [];
    for (const [name, { value, prop }] of mine) {
      if (typeof value === 'string') vars.push({ name, value });
      else if (isComposed(value)) {
        checkComposed(workload, prop, value, env, list);
        vars.push({ name, value: Array.isArray(value.parts) ? composedText(workload, value, env) : '' });
      } else vars.push({ name, valueFrom: {} });
    }
    const byWire = new Map<string, Wire>();
    for (const w of wiresFrom(workload)) {
      for (const v of wireEnv(w, env)) {
        if (mine.has(v.name) || byWire.has(v.name)) continue;
        byWire.set(v.name, w);
        vars.push(v);
      }
    }
    // a recipe's identity may add variables only rendering knows: a reference to an unknown name is checked then
    const identity = [...grantsByRecipe(workload, env).keys()].some((r) => r.identity);
    const refs = orderEnv(vars).problems.filter((p) => p.kind === 'cycle' || !identity);
    addReferenceProblems(list, refs, (name) => mine.get(name)?.prop ?? (byWire.has(name) ? wireProp(byWire.get(name)!) : `env.${name}`), vars.map((v) => v.name));
    if (!identity) checkArgReferences(own, new Set(vars.map((v) => v.name)), list);
    for (const p of list.all) {
      const key = JSON.stringify([p.prop, p.message, p.fix]);
      const entry = found.get(key) ?? { prop: p.prop, message: p.message, fix: p.fix, envs: [] };
      entry.envs.push(env.name);
      found.set(key, entry);
    }
  }
  for (const p of found.values()) {
    if (p.envs.length === placed.length && !p.prop?.startsWith('overrides.')) problems.add(p.prop, p.message, p.fix);
    else for (const env of p.envs) problems.add(p.prop, p.message, p.fix, env);
  }
}

/** `$(VAR)` in the main container's command and args: the kubelet expands it from the container's env, and leaves an unknown name as text. */
function checkArgReferences(own: OwnEnv, defined: ReadonlySet<string>, problems: ProblemList): void {
  for (const field of ['command', 'args'] as const) {
    const list: unknown[] = Array.isArray(own[field]) ? own[field] as unknown[] : [];
    list.forEach((arg, i) => {
      if (typeof arg !== 'string') return;
      for (const ref of new Set(envReferences(arg))) {
        if (defined.has(ref)) continue;
        problems.add(`${field}[${i}]`, `${show(arg)} refers to $(${ref}), which the container does not define, so Kubernetes would pass on the text "$(${ref})"`,
          `define ${ref} in 'env' or through connect(), or write $$(${ref}) for the literal text.`);
      }
    });
  }
}

/** Overrides for an environment the construct does not exist in would never apply. */
function checkPlacedOverrides(workload: AnyComponent, own: OwnEnv, problems: ProblemList): void {
  const placed = workload.placedEnvironments;
  if (!placed || typeof own.overrides !== 'object' || own.overrides === null) return;
  for (const env of Object.keys(own.overrides)) {
    if (!workload.app.environmentNames.includes(env) || workload.placedIn(env)) continue;
    problems.add(`overrides.${env}`, `sets values for environment '${env}', which 'environments' leaves out (${placed.join(', ')}), so they would never apply`,
      `remove overrides.${env}, or add '${env}' to 'environments'.`, env);
  }
}

/**
 * Variables the wiring would give twice, in any environment: two wires
 * that give one name (ids like `orders-db` and `orders--db` make one
 * prefix), and a name of the props' `env` or an override's `env` that a
 * wire gives too. Each is reported once.
 */
function checkWiredEnv(workload: AnyComponent, own: OwnEnv, problems: ProblemList): void {
  const reported = new Set<string>();
  const once = (prop: string, message: string, fix: string, env?: string) => {
    const key = JSON.stringify([prop, message, env]);
    if (reported.has(key)) return;
    reported.add(key);
    problems.add(prop, message, fix, env);
  };
  for (const env of workload.app.environments) {
    if (!workload.placedIn(env)) continue;
    const { names, clashes } = wiredEnvNames(workload, env);
    for (const { first, second, names: both } of clashes) {
      const [a, b] = [first.to.node.id, second.to.node.id];
      const prefix = wirePrefix(first);
      const given = first.options?.env !== undefined || second.options?.env !== undefined;
      once(wireProp(second), `gives ${both.join(', ')}, which ${wireLabel(first)} gives too, so one would overwrite the other`,
        given ? `give the two connections different prefixes: connect(${b}, { env: '...' }).`
          : prefix === wirePrefix(second) ? `rename '${a}' or '${b}': both ids make the prefix ${prefix}_.` : `rename '${a}' or '${b}' so their variables differ.`);
    }
    const sources: [Readonly<Record<string, unknown>> | undefined, string, string | undefined][] = [
      [own.env, 'env', undefined],
      [own.overrides?.[env.name]?.env, `overrides.${env.name}.env`, env.name],
    ];
    for (const [vars, prop, only] of sources) {
      for (const name of Object.keys(vars ?? {})) {
        const w = names.get(name);
        if (!w) continue;
        const by = wireLabel(w);
        once(`${prop}.${name}`, `is also set by ${by}, which would overwrite it`, `rename the variable, or drop it and use the one ${by} provides.`, only);
      }
    }
  }
}
