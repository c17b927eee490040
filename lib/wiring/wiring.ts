import type { App } from '../core/app';
import { AnyComponent } from '../core/component';
import { Problem } from '../core/errors';
import type { Access, ResourceRef } from '../core/recipe';
import { CallSite, formatLocation, SourceLocation } from '../core/source';

/**
 * The wiring of an app: who connects to what. `a.connect(b)` and
 * `a.sendTo(queue)` record a Wire; everything derived from it (environment
 * variables, NetworkPolicy rules both ways, cloud permissions, KEDA
 * authentication) is computed from the same list, so it stays consistent.
 */

const WIRES = Symbol.for('libk8s.wires');
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
  /** Where the user's program said it. */
  readonly location?: SourceLocation;
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
export function addWire(from: AnyComponent, to: AnyComponent, access: Access, via: Wire['via']): void {
  const site = new CallSite();
  ownWires(from).push({ from, to, access, via, get location() { return site.location; } });
}

/** Every wire of the app, in program order. */
export function wiresOf(app: App): Wire[] {
  return app.components.flatMap((c) => ((c as any)[WIRES] as Wire[] | undefined) ?? []);
}

/** The wires from `c`. */
export function wiresFrom(c: AnyComponent): readonly Wire[] {
  return ((c as any)[WIRES] as Wire[] | undefined) ?? [];
}

/** The wires to `c`, indexed once per app and list of wires. */
export function wiresTo(c: AnyComponent): Wire[] {
  return wiresOf(c.app).filter((w) => w.to === c);
}

/**
 * The problems of the whole graph: a component wired to itself, the same
 * wire twice, a target from another app, and two workloads that connect to
 * each other (a cycle: neither can start first, and their NetworkPolicies
 * would each depend on the other).
 */
export function checkWiring(app: App): Problem[] {
  const problems: Problem[] = [];
  const wires = wiresOf(app);
  const add = (w: Wire, message: string, fix: string) => problems.push({
    kind: w.from.kind, id: w.from.node.id, path: w.from.displayPath, prop: w.via === 'queue' ? 'queue' : `${w.via}(${w.to.node.id})`,
    message: w.location ? `${message} (at ${formatLocation(w.location)})` : message, fix,
  });
  const seen = new Map<string, Wire>();
  for (const w of wires) {
    if (w.to === w.from) {
      add(w, `wires ${w.from.kind} '${w.from.node.id}' to itself`, 'remove the call; a workload reaches itself without wiring.');
      continue;
    }
    if (w.to.app !== app) {
      add(w, `targets ${w.to.kind} '${w.to.node.id}' of another app ('${w.to.app.name}')`, 'create both constructs in the same App.');
      continue;
    }
    const key = `${w.from.node.path}\u0000${w.to.node.path}`;
    const before = seen.get(key);
    if (before) {
      const same = before.access === w.access;
      add(w, same
        ? `wires ${w.to.kind} '${w.to.node.id}' a second time (first by ${before.via}())`
        : `wires ${w.to.kind} '${w.to.node.id}' with '${w.access}' access, but ${before.via}() already gave it '${before.access}' access`,
      same ? 'remove the second call.' : 'wire each resource once; use the call that gives the access the workload needs.');
      continue;
    }
    seen.set(key, w);
  }
  const done = new Set<string>();
  for (const w of wires) {
    if (isResource(w.to) || w.to === w.from) continue;
    const back = wires.find((x) => x.from === w.to && x.to === w.from);
    const pair = [w.from.node.path, w.to.node.path].sort().join('\u0000');
    if (back && !done.has(pair)) {
      done.add(pair);
      add(back, `makes a cycle: ${w.from.kind} '${w.from.node.id}' connects to '${w.to.node.id}' and '${w.to.node.id}' connects back to '${w.from.node.id}'`,
        'let one side call the other and reply on the same connection, or put a Queue between them.');
    }
  }
  return problems;
}

/** `orders` → `ORDERS`, `nightly-report` → `NIGHTLY_REPORT`: the prefix of a peer's environment variables. */
export function envPrefix(id: string): string {
  return id.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^([0-9])/, '_$1');
}
