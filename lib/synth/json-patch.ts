import { JsonPatch } from 'cdk8s';
import { show } from '../core/errors';
import { isRecord } from '../core/rules';

/** A JSON-Patch operation as RFC 6902 writes it. */
export interface PatchOp {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
}

export function toOp(p: JsonPatch | PatchOp): PatchOp {
  if (p instanceof JsonPatch) return (p as any)._toJson() as PatchOp;
  // not an operation at all (from JavaScript): applyPatch reports it as an unknown operation
  return typeof p === 'object' && p !== null ? p : { op: show(p) as PatchOp['op'], path: '' };
}

/** Thrown when an operation does not apply; the message says why, `fix` (when set) how to correct it. */
export class PatchError extends Error {
  constructor(message: string, public readonly fix?: string) {
    super(message);
  }
}

/** The fix of an operation whose value is not JSON data. */
const VALUE_FIX = 'give the operation a JSON value: plain objects, arrays, strings, finite numbers, booleans or null.';

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(pointer: string): string[] {
  if (typeof pointer !== 'string') throw new PatchError(`path ${show(pointer)} is not a JSON pointer (a string starting with "/")`);
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`path ${JSON.stringify(pointer)} is not a JSON pointer (it must start with "/")`);
  return pointer.slice(1).split('/').map(unescape);
}

function isContainer(x: unknown): x is Record<string, unknown> | unknown[] {
  return typeof x === 'object' && x !== null;
}

function arrayIndex(arr: unknown[], token: string, forAdd: boolean, pointer: string): number {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(`${JSON.stringify(pointer)}: "${token}" is not an array index`);
  const i = Number(token);
  const max = forAdd ? arr.length : arr.length - 1;
  if (i > max) throw new PatchError(`${JSON.stringify(pointer)}: index ${i} is past the end of an array of ${arr.length}`);
  return i;
}

/** Walks to the parent of the pointer's last token, failing when any step is missing. */
function parentOf(doc: unknown, pointer: string): { parent: Record<string, unknown> | unknown[]; key: string } {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new PatchError('the root of the object cannot be the target of this operation');
  let cur: unknown = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i];
    if (!isContainer(cur)) throw new PatchError(`${JSON.stringify(pointer)}: "/${tokens.slice(0, i).join('/')}" is not an object or array`);
    const next: unknown = Array.isArray(cur) ? cur[arrayIndex(cur, t, false, pointer)] : Object.prototype.hasOwnProperty.call(cur, t) ? cur[t] : undefined;
    if (next === undefined) throw new PatchError(`${JSON.stringify(pointer)}: "/${tokens.slice(0, i + 1).join('/')}" does not exist`);
    cur = next;
  }
  if (!isContainer(cur)) throw new PatchError(`${JSON.stringify(pointer)}: the parent is not an object or array`);
  return { parent: cur, key: tokens[tokens.length - 1] };
}

function get(doc: unknown, pointer: string): unknown {
  let cur = doc;
  for (const t of parsePointer(pointer)) {
    if (!isContainer(cur)) throw new PatchError(`${JSON.stringify(pointer)} does not exist`);
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false, pointer)];
    else if (Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else throw new PatchError(`${JSON.stringify(pointer)} does not exist`);
  }
  return cur;
}

function add(doc: unknown, pointer: string, value: unknown): void {
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, pointer), 0, value);
  else if (key === '__proto__') {
    throw new PatchError(`${JSON.stringify(pointer)}: "__proto__" cannot be a key here: on a JavaScript object it sets the prototype instead of adding a field, so the value would silently vanish`,
      'patch a field the object can hold; no Kubernetes object has a "__proto__" field.');
  } else parent[key] = value;
}

function remove(doc: unknown, pointer: string): unknown {
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, false, pointer), 1)[0];
  if (!Object.prototype.hasOwnProperty.call(parent, key)) throw new PatchError(`${JSON.stringify(pointer)} does not exist, so it cannot be removed or replaced`);
  const old = parent[key];
  delete parent[key];
  return old;
}

/** RFC 6902 equality: objects are equal whatever the order of their members. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * A deep copy of an operation's value, which must be JSON data: what it is
 * not (undefined, a BigInt, NaN or Infinity, a function or symbol, a
 * circular reference, a class instance) is a PatchError naming where in the
 * value it is, not a TypeError or a value that is silently changed.
 */
function clone(value: unknown, op: string): unknown {
  const copy = (v: unknown, at: string, ancestors: readonly object[]): unknown => {
    const where = at ? ` at ${JSON.stringify(at)} of the value` : '';
    switch (typeof v) {
      case 'string': case 'boolean': return v;
      case 'number':
        if (!Number.isFinite(v)) throw new PatchError(`the value${where} is ${show(v)}, which JSON cannot hold`, VALUE_FIX);
        return v;
      case 'undefined': throw new PatchError(at ? `the value${where} is undefined, which JSON cannot hold` : `${op} needs a value, and it has none (undefined)`, VALUE_FIX);
      case 'bigint': throw new PatchError(`the value${where} is the BigInt ${show(v)}, which JSON cannot hold; use a number or a string`, VALUE_FIX);
      case 'symbol': case 'function': throw new PatchError(`the value${where} is ${show(v)}, which JSON cannot hold`, VALUE_FIX);
    }
    if (v === null) return null;
    if (ancestors.includes(v as object)) throw new PatchError(`the value${where} refers back to itself (a circular structure), which JSON cannot hold`, VALUE_FIX);
    const inner = [...ancestors, v as object];
    if (Array.isArray(v)) return v.map((x, i) => copy(x, `${at}/${i}`, inner));
    if (!isRecord(v)) {
      throw new PatchError(`the value${where} is a ${Object.getPrototypeOf(v)?.constructor?.name || 'class'} object, not JSON data; pass plain objects, arrays, strings, numbers, booleans and null`, VALUE_FIX);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      // a member set to undefined is left out, as JSON leaves it out
      if (x === undefined) continue;
      if (k === '__proto__') throw new PatchError(`the value has the key "__proto__"${where}, which a JavaScript object cannot keep as a field`, VALUE_FIX);
      out[k] = copy(x, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, inner);
    }
    return out;
  };
  return copy(value, '', []);
}

/**
 * Applies operations strictly, in place: every step of every path must
 * exist (except the last token of `add`), `test` must match. The first
 * operation that does not apply throws a PatchError naming it.
 */
export function applyPatch(doc: Record<string, unknown>, ops: readonly PatchOp[]): void {
  for (const op of ops) {
    switch (op.op) {
      case 'add': add(doc, op.path, clone(op.value, 'add')); break;
      case 'remove': remove(doc, op.path); break;
      case 'replace': { const v = clone(op.value, 'replace'); remove(doc, op.path); add(doc, op.path, v); break; }
      case 'move': { const v = remove(doc, op.from!); add(doc, op.path, v); break; }
      case 'copy': add(doc, op.path, clone(get(doc, op.from!), 'copy')); break;
      case 'test': {
        const expected = clone(op.value, 'test');
        const actual = get(doc, op.path);
        if (!deepEqual(actual, expected)) {
          throw new PatchError(`test of ${JSON.stringify(op.path)} failed: expected ${show(op.value)}, found ${show(actual)}`);
        }
        break;
      }
      default: throw new PatchError(`unknown operation ${show((op as PatchOp).op)}`, "use add, remove, replace, move, copy or test (JsonPatch.add(...) and the like).");
    }
  }
}

export function describeOp(op: PatchOp): string {
  return op.from !== undefined ? `${op.op} ${op.from} -> ${op.path}` : `${op.op} ${op.path}`;
}
