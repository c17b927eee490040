import { JsonPatch } from 'cdk8s';

/** A JSON-Patch operation as RFC 6902 writes it. */
export interface PatchOp {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
}

export function toOp(p: JsonPatch | PatchOp): PatchOp {
  return p instanceof JsonPatch ? ((p as any)._toJson() as PatchOp) : p;
}

/** Thrown when an operation does not apply; the message says why. */
export class PatchError extends Error {}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(pointer: string): string[] {
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
  else parent[key] = value;
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

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/**
 * Applies operations strictly, in place: every step of every path must
 * exist (except the last token of `add`), `test` must match. The first
 * operation that does not apply throws a PatchError naming it.
 */
export function applyPatch(doc: Record<string, unknown>, ops: readonly PatchOp[]): void {
  for (const op of ops) {
    switch (op.op) {
      case 'add': add(doc, op.path, clone(op.value)); break;
      case 'remove': remove(doc, op.path); break;
      case 'replace': remove(doc, op.path); add(doc, op.path, clone(op.value)); break;
      case 'move': { const v = remove(doc, op.from!); add(doc, op.path, v); break; }
      case 'copy': add(doc, op.path, clone(get(doc, op.from!))); break;
      case 'test': {
        const actual = get(doc, op.path);
        if (!deepEqual(actual, op.value)) {
          throw new PatchError(`test of ${JSON.stringify(op.path)} failed: expected ${JSON.stringify(op.value)}, found ${JSON.stringify(actual)}`);
        }
        break;
      }
      default: throw new PatchError(`unknown operation ${JSON.stringify((op as PatchOp).op)}`);
    }
  }
}

export function describeOp(op: PatchOp): string {
  return op.from ? `${op.op} ${op.from} -> ${op.path}` : `${op.op} ${op.path}`;
}
