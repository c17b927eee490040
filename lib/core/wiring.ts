import type { App } from './app';
import { AnyComponent } from './component';
import { ProblemList } from './errors';
import type { Access, ResourceRef } from './recipe';
import { CallSite, formatLocation, SourceLocation } from './source';

/**
 * The wiring of an app: who connects to what. `a.connect(b)` and
 * `a.sendTo(queue)` record a Wire; everything derived from it (environment
 * variables, NetworkPolicy rules both ways, cloud permissions, KEDA
 * authentication) is computed from the same list, so it stays consistent.
 */

const WIRES = Symbol.for('libk8s.wires');
/** Bumped by every new wire, so the index of wires by target is rebuilt only when the graph changed. */
let version = 0;
const RESOURCE = Symbol.for('libk8s.Resource');

/** One edge of the wiring graph. */
export interface Wire {
  /** The workload that uses `to`. */
  readonly from: AnyComponent;
  /** A resource, or another workload (which must serve a port). */
  readonly to: AnyComponent;
  /** What `from` may do with `to`. */
  readonly access: Access;
  /** The call that said it, for messages. */
  readonly via: 'connect' | 'sendTo' | 'queue';
  /** Where the user's program said it. @default - unknown (no user frame on the stack) */
  readonly location?: SourceLocation;
  /** The connect() options: variable prefix and formats. @default - none (the target's id and its default format) */
  readonly options?: ConnectOptions;
}

/**
 * The variables a connection to a workload gives, one per format:
 * `url` is `<PREFIX>_URL=http://<service>.<namespace>.svc:<port>`,
 * `hostport` is `<PREFIX>_ADDR=<service>.<namespace>.svc:<port>` (what a
 * gRPC client dials), `host` is `<PREFIX>_HOST` and `port` is
 * `<PREFIX>_PORT`. A resource always gives every key of its connection
 * Secret; `hostport` adds `<PREFIX>_ADDR=$(<PREFIX>_HOST):$(<PREFIX>_PORT)`.
 */
export type ConnectionFormat = 'url' | 'hostport' | 'host' | 'port';

/** The options of `connect(target, options)`. */
export interface ConnectOptions {
  /**
   * For a Bucket: `read` for read only.
   * @default 'readwrite'
   */
  readonly access?: 'read' | 'readwrite';
  /**
   * The prefix of the variables this connection gives, instead of the
   * target's id in upper snake case: `env: 'REDIS'` gives `REDIS_HOST`,
   * `REDIS_PORT`, ... (a letter or `_` first, then letters, digits and `_`).
   * @default - the target's id in upper snake case (`product-catalog` → `PRODUCT_CATALOG`)
   */
  readonly env?: string;
  /**
   * Which variables the connection gives (see ConnectionFormat); one or a
   * list, e.g. `['host', 'port']`. `[]` gives a workload peer no variable
   * (the network path only).
   * @default - 'hostport' for a workload whose main port speaks gRPC (`protocol: 'grpc'`), 'url' for another workload; for a resource, the keys of its connection Secret only
   */
  readonly format?: ConnectionFormat | readonly ConnectionFormat[];
}

const WIRED = Symbol.for('libk8s.WiredValue');

/**
 * A value the wiring gives a workload that connects to `target` (its host,
 * port, `host:port`, URL, or a key of a resource's connection Secret), to
 * compose a variable from with `Env.compose`. It renders as the value
 * itself where it is known at synth time, or as a `$(VAR)` reference to the
 * wired variable that holds it, ordered so Kubernetes expands it.
 */
export interface WiredValue {
  /** The construct the value comes from. */
  readonly target: AnyComponent;
  /** `host`, `port`, `hostport`, `url`, or a key of the target's connection Secret. */
  readonly part: string;
}

/** The text a WiredValue becomes outside Env.compose: a reference no container defines, reported by validation. */
export const WIRED_TEXT = /\$\(libk8s:([^)]*)\)/;

/** @internal a WiredValue of `target`. */
export function wiredValue(target: AnyComponent, part: string): WiredValue {
  const v = { target, part, toString: () => `$(libk8s:${target.node.id}.${part})` };
  Object.defineProperty(v, WIRED, { value: true });
  return v;
}

export function isWiredValue(x: unknown): x is WiredValue {
  return typeof x === 'object' && x !== null && WIRED in x;
}

/** An environment variable composed of text and wired values (see `Env.compose`). */
export interface ComposedEnv {
  readonly from: 'compose';
  /** Text and wired values, in order. */
  readonly parts: readonly (string | WiredValue)[];
}

/**
 * A value composed of text and wired values, as a tagged template:
 * `` Env.compose`redis://${cart.host}:${cart.port}/0` ``. Other
 * interpolated values become text.
 */
export function compose(strings: TemplateStringsArray, ...values: readonly (WiredValue | string | number | boolean)[]): ComposedEnv {
  const parts: (string | WiredValue)[] = [];
  strings.forEach((text, i) => {
    if (text !== '') parts.push(text);
    if (i >= values.length) return;
    const v = values[i];
    if (isWiredValue(v)) parts.push(v);
    else parts.push(String(v));
  });
  return { from: 'compose', parts };
}

/** Something that can be wired to: a resource, or a workload that serves a port. */
export interface Connectable extends AnyComponent {
  /** The access a plain `connect()` gives on it. */
  readonly defaultAccess: Access;
}

/** @internal marks a component as a resource (Queue, Postgres, ...). */
export function markResource(c: AnyComponent): void {
  Object.defineProperty(c, RESOURCE, { value: true });
}

export function isResource(c: unknown): c is ResourceRef {
  return typeof c === 'object' && c !== null && RESOURCE in c;
}

/** The wires a component declared (empty for resources). */
export function ownWires(c: AnyComponent): Wire[] {
  let list = (c as any)[WIRES] as Wire[] | undefined;
  if (!list) {
    list = [];
    Object.defineProperty(c, WIRES, { value: list });
  }
  return list;
}

/** @internal records a wire, keeping the caller's location. */
export function addWire(from: AnyComponent, to: AnyComponent, access: Access, via: Wire['via'], options?: ConnectOptions): void {
  version++;
  const site = new CallSite();
  ownWires(from).push({ from, to, access, via, options, get location() { return site.location; } });
}

/** The formats of a wire's options as a list; undefined when not given. */
export function wireFormats(w: Wire): readonly ConnectionFormat[] | undefined {
  const f = w.options?.format;
  return f === undefined ? undefined : Array.isArray(f) ? f : [f as ConnectionFormat];
}

/** The prefix of the variables a wire gives: its `env` option or the target's id in upper snake case. */
export function wirePrefix(w: Wire): string {
  return typeof w.options?.env === 'string' ? w.options.env : envPrefix(w.to.node.id);
}

/** Every wire of the app, in program order. */
export function wiresOf(app: App): Wire[] {
  return app.components.flatMap((c) => ((c as any)[WIRES] as Wire[] | undefined) ?? []);
}

/** The wires from `c`. */
export function wiresFrom(c: AnyComponent): readonly Wire[] {
  return ((c as any)[WIRES] as Wire[] | undefined) ?? [];
}

const indexes = new WeakMap<App, { readonly version: number; readonly byTarget: Map<AnyComponent, Wire[]> }>();

/** The wires to `c`. Indexed once per app (and again only after a new wire), so rendering stays linear. */
export function wiresTo(c: AnyComponent): Wire[] {
  let index = indexes.get(c.app);
  if (!index || index.version !== version) {
    const byTarget = new Map<AnyComponent, Wire[]>();
    for (const w of wiresOf(c.app)) {
      const list = byTarget.get(w.to) ?? [];
      list.push(w);
      byTarget.set(w.to, list);
    }
    index = { version, byTarget };
    indexes.set(c.app, index);
  }
  return index.byTarget.get(c) ?? [];
}

/**
 * The problems of the wires from `c`: wired to itself, the same target
 * twice, a target from another app, and two workloads that connect to each
 * other (a cycle: neither can start first, and each one's NetworkPolicy
 * depends on the other). A cycle is reported once, by the construct whose
 * path sorts first.
 */
export function checkWires(c: AnyComponent, problems: ProblemList): void {
  const prop = wireProp;
  const seen = new Map<AnyComponent, Wire>();
  for (const w of wiresFrom(c)) {
    if (w.to === c) {
      problems.add(prop(w), `wires ${c.kind} '${c.node.id}' to itself${at(w)}`, 'remove the call; a workload reaches itself without wiring.');
      continue;
    }
    if (w.to.app !== c.app) {
      problems.add(prop(w), `targets ${w.to.kind} '${w.to.node.id}' of another app ('${w.to.app.name}')${at(w)}`, 'create both constructs in the same App.');
      continue;
    }
    const before = seen.get(w.to);
    if (before) {
      const same = before.access === w.access;
      problems.add(prop(w), same
        ? `wires ${w.to.kind} '${w.to.node.id}' a second time (first by ${before.via}())${at(w)}`
        : `wires ${w.to.kind} '${w.to.node.id}' with '${w.access}' access, but ${before.via}() already gave it '${before.access}' access${at(w)}`,
      same ? 'remove the second call.' : 'wire each resource once, with the call that gives the access the workload needs.');
      continue;
    }
    seen.set(w.to, w);
    checkPlacedPeer(c, w, problems);
    if (isResource(w.to)) continue;
    const back = wiresFrom(w.to).find((x) => x.to === c);
    if (back && c.node.path < w.to.node.path) {
      problems.add(prop(w), `makes a cycle: ${c.kind} '${c.node.id}' connects to '${w.to.node.id}'${at(w)} and '${w.to.node.id}' connects back${at(back)}`,
        'let one side call the other and reply on the same connection, or put a Queue between them.');
    }
  }
}

/**
 * A wire from a construct that exists in an environment to a peer that does
 * not (see PlacementProps): one problem per such environment.
 */
function checkPlacedPeer(c: AnyComponent, w: Wire, problems: ProblemList): void {
  const peer = w.to;
  const list = (names: readonly string[]) => `[${names.map((n) => `'${n}'`).join(', ')}]`;
  const where = (x: AnyComponent) => x.placedEnvironments === undefined ? 'every environment' : `environments: ${list(x.placedEnvironments)}`;
  const both = c.app.environmentNames.filter((e) => c.placedIn(e) && peer.placedIn(e));
  for (const env of c.app.environments) {
    if (!c.placedIn(env) || peer.placedIn(env)) continue;
    problems.add(wireProp(w), `wires ${peer.kind} '${peer.node.id}', which does not exist in environment '${env.name}' (${where(peer)}), while ${c.kind} '${c.node.id}' does (${where(c)})${at(w)}`,
      `add '${env.name}' to the environments of '${peer.node.id}'${both.length ? `, or limit '${c.node.id}' to where both exist: environments: ${list(both)}` : ''}.`, env.name);
  }
}

/** The prop a wire's problems name: the call that made it, `connect(db)` or `sendTo(orders)`, or a QueueWorker's `queue`. */
export function wireProp(w: Wire): string {
  return w.via === 'queue' ? 'queue' : `${w.via}(${w.to.node.id})`;
}

/** A wire in a sentence: `connect(db)`, `sendTo(orders)`, or `its queue 'orders'`. */
export function wireLabel(w: Wire): string {
  return w.via === 'queue' ? `its queue '${w.to.node.id}'` : wireProp(w);
}

/** ` (at infra/main.ts:12)`: where the program said a wire, for messages; empty when unknown. */
export function at(w: Wire): string {
  return w.location ? ` (at ${formatLocation(w.location)})` : '';
}

/** `orders` → `ORDERS`, `nightly-report` → `NIGHTLY_REPORT`: the prefix of a peer's environment variables. */
export function envPrefix(id: string): string {
  return id.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^([0-9])/, '_$1');
}
