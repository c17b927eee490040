import { JsonPatch } from 'libk8s';
import { applyPatch, describeOp, PatchError, PatchOp, toOp } from '../../lib/synth/json-patch';

/** Applies ops to a deep copy of doc and returns the copy. */
function patched(doc: Record<string, unknown>, ...ops: PatchOp[]): Record<string, unknown> {
  const copy = structuredClone(doc);
  applyPatch(copy, ops);
  return copy;
}

/** The message of a patch that must fail. */
function failure(doc: Record<string, unknown>, ...ops: PatchOp[]): string {
  try {
    applyPatch(structuredClone(doc), ops);
  } catch (e) {
    expect(e).toBeInstanceOf(PatchError);
    return (e as Error).message;
  }
  throw new Error('expected the patch to fail, but it applied');
}

const doc = { metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' } }, spec: { ports: [80, 443], selector: null } };

describe('add', () => {
  test('adds a member to an object, or replaces it when it exists', () => {
    expect(patched(doc, { op: 'add', path: '/metadata/namespace', value: 'shop' }).metadata).toMatchObject({ name: 'web', namespace: 'shop' });
    expect(patched(doc, { op: 'add', path: '/metadata/name', value: 'api' }).metadata).toMatchObject({ name: 'api' });
  });

  test('inserts into an array at an index, shifting the rest, and appends with "-"', () => {
    expect(patched(doc, { op: 'add', path: '/spec/ports/0', value: 8080 }).spec).toMatchObject({ ports: [8080, 80, 443] });
    expect(patched(doc, { op: 'add', path: '/spec/ports/2', value: 8443 }).spec).toMatchObject({ ports: [80, 443, 8443] });
    expect(patched(doc, { op: 'add', path: '/spec/ports/-', value: 9090 }).spec).toMatchObject({ ports: [80, 443, 9090] });
  });

  test('unescapes ~1 to "/" and ~0 to "~" in pointer tokens', () => {
    const out = patched(doc, { op: 'add', path: '/metadata/labels/acme.io~1team', value: 'web' }, { op: 'add', path: '/metadata/labels/a~0b', value: 'x' });
    expect((out.metadata as any).labels).toEqual({ 'app.kubernetes.io/name': 'web', 'acme.io/team': 'web', 'a~b': 'x' });
    expect(patched({ '~1': 1 }, { op: 'add', path: '/~01', value: 2 })).toEqual({ '~1': 2 });
  });

  test('stores a copy of the value, so later changes to it do not leak into the document', () => {
    const value = { a: [1] };
    const target: Record<string, unknown> = {};
    applyPatch(target, [{ op: 'add', path: '/v', value }]);
    value.a.push(2);
    expect(target).toEqual({ v: { a: [1] } });
  });

  test('fails when a parent is missing, and says which one', () => {
    expect(failure(doc, { op: 'add', path: '/spec/template/spec/hostAliases', value: [] }))
      .toBe('"/spec/template/spec/hostAliases": "/spec/template" does not exist');
  });

  test('fails past the end of an array, on a non-index token and on the root', () => {
    expect(failure(doc, { op: 'add', path: '/spec/ports/3', value: 1 })).toBe('"/spec/ports/3": index 3 is past the end of an array of 2');
    expect(failure(doc, { op: 'add', path: '/spec/ports/01', value: 1 })).toBe('"/spec/ports/01": "01" is not an array index');
    expect(failure(doc, { op: 'add', path: '/spec/ports/first', value: 1 })).toBe('"/spec/ports/first": "first" is not an array index');
    expect(failure(doc, { op: 'add', path: '', value: {} })).toBe('the root of the object cannot be the target of this operation');
  });

  test('fails when the parent is a scalar or null', () => {
    expect(failure(doc, { op: 'add', path: '/metadata/name/first', value: 1 })).toBe('"/metadata/name/first": the parent is not an object or array');
    expect(failure(doc, { op: 'add', path: '/spec/selector/app', value: 'web' })).toBe('"/spec/selector/app": the parent is not an object or array');
  });

  test('fails on a pointer that does not start with "/"', () => {
    expect(failure(doc, { op: 'add', path: 'metadata/name', value: 'x' })).toBe('path "metadata/name" is not a JSON pointer (it must start with "/")');
  });
});

describe('remove', () => {
  test('removes a member or an array element, shifting the rest', () => {
    expect(patched(doc, { op: 'remove', path: '/metadata/labels' }).metadata).toEqual({ name: 'web' });
    expect(patched(doc, { op: 'remove', path: '/spec/ports/0' }).spec).toMatchObject({ ports: [443] });
  });

  test('fails on a missing member, an index past the end and "-"', () => {
    expect(failure(doc, { op: 'remove', path: '/metadata/namespace' })).toBe('"/metadata/namespace" does not exist, so it cannot be removed or replaced');
    expect(failure(doc, { op: 'remove', path: '/spec/ports/2' })).toBe('"/spec/ports/2": index 2 is past the end of an array of 2');
    expect(failure(doc, { op: 'remove', path: '/spec/ports/-' })).toBe('"/spec/ports/-": "-" is not an array index');
  });
});

describe('replace', () => {
  test('replaces a member or an array element in place', () => {
    expect(patched(doc, { op: 'replace', path: '/metadata/name', value: 'api' }).metadata).toMatchObject({ name: 'api' });
    expect(patched(doc, { op: 'replace', path: '/spec/ports/1', value: 8443 }).spec).toMatchObject({ ports: [80, 8443] });
    expect(patched(doc, { op: 'replace', path: '/spec/selector', value: { app: 'web' } }).spec).toMatchObject({ selector: { app: 'web' } });
  });

  test('fails when the target does not exist, rather than adding it', () => {
    expect(failure(doc, { op: 'replace', path: '/spec/replicas', value: 3 })).toBe('"/spec/replicas" does not exist, so it cannot be removed or replaced');
    expect(failure(doc, { op: 'replace', path: '/spec/ports/2', value: 1 })).toBe('"/spec/ports/2": index 2 is past the end of an array of 2');
  });
});

describe('move', () => {
  test('moves a value to a new place and removes it from the old one', () => {
    const out = patched(doc, { op: 'move', from: '/metadata/labels', path: '/spec/labels' });
    expect(out.metadata).toEqual({ name: 'web' });
    expect((out.spec as any).labels).toEqual({ 'app.kubernetes.io/name': 'web' });
  });

  test('moves array elements', () => {
    expect(patched(doc, { op: 'move', from: '/spec/ports/0', path: '/spec/ports/-' }).spec).toMatchObject({ ports: [443, 80] });
  });

  test('fails when the source does not exist', () => {
    expect(failure(doc, { op: 'move', from: '/spec/replicas', path: '/spec/count' })).toBe('"/spec/replicas" does not exist, so it cannot be removed or replaced');
  });

  test('fails when moving a value into its own child', () => {
    expect(failure(doc, { op: 'move', from: '/metadata', path: '/metadata/inner' })).toBe('"/metadata/inner": "/metadata" does not exist');
  });
});

describe('copy', () => {
  test('copies a value, leaving the source and the copy independent', () => {
    const out = patched(doc, { op: 'copy', from: '/metadata/labels', path: '/spec/selector' }, { op: 'add', path: '/spec/selector/extra', value: '1' });
    expect((out.spec as any).selector).toEqual({ 'app.kubernetes.io/name': 'web', 'extra': '1' });
    expect((out.metadata as any).labels).toEqual({ 'app.kubernetes.io/name': 'web' });
  });

  test('copies into arrays', () => {
    expect(patched(doc, { op: 'copy', from: '/spec/ports/1', path: '/spec/ports/0' }).spec).toMatchObject({ ports: [443, 80, 443] });
  });

  test('fails when the source does not exist', () => {
    expect(failure(doc, { op: 'copy', from: '/spec/template', path: '/spec/copy' })).toBe('"/spec/template" does not exist');
    expect(failure(doc, { op: 'copy', from: '/spec/ports/5', path: '/spec/copy' })).toBe('"/spec/ports/5": index 5 is past the end of an array of 2');
  });
});

describe('test', () => {
  test('passes when the value is equal, including null, arrays and nested objects', () => {
    expect(() => applyPatch(structuredClone(doc), [
      { op: 'test', path: '/metadata/name', value: 'web' },
      { op: 'test', path: '/spec/ports', value: [80, 443] },
      { op: 'test', path: '/spec/ports/1', value: 443 },
      { op: 'test', path: '/spec/selector', value: null },
      { op: 'test', path: '', value: doc },
    ])).not.toThrow();
  });

  test('compares objects whatever the order of their members', () => {
    expect(() => applyPatch(structuredClone(doc), [
      { op: 'test', path: '/metadata', value: { labels: { 'app.kubernetes.io/name': 'web' }, name: 'web' } },
    ])).not.toThrow();
  });

  test('fails on a different value and says what it found', () => {
    expect(failure(doc, { op: 'test', path: '/metadata/name', value: 'api' })).toBe('test of "/metadata/name" failed: expected "api", found "web"');
    expect(failure(doc, { op: 'test', path: '/spec/ports', value: [443, 80] })).toBe('test of "/spec/ports" failed: expected [443,80], found [80,443]');
    expect(failure(doc, { op: 'test', path: '/spec/ports/0', value: '80' })).toBe('test of "/spec/ports/0" failed: expected "80", found 80');
    expect(failure(doc, { op: 'test', path: '/metadata', value: { name: 'web' } })).toContain('test of "/metadata" failed');
    expect(failure(doc, { op: 'test', path: '/spec/ports', value: { 0: 80, 1: 443 } })).toContain('test of "/spec/ports" failed');
  });

  test('fails when the path does not exist', () => {
    expect(failure(doc, { op: 'test', path: '/spec/replicas', value: 1 })).toBe('"/spec/replicas" does not exist');
  });

  test('a failed test stops the operations after it', () => {
    const target = structuredClone(doc);
    expect(() => applyPatch(target, [{ op: 'test', path: '/metadata/name', value: 'api' }, { op: 'replace', path: '/metadata/name', value: 'x' }])).toThrow(PatchError);
    expect(target.metadata.name).toBe('web');
  });
});

describe('operations', () => {
  test('an unknown operation fails', () => {
    expect(failure(doc, { op: 'merge' as any, path: '/metadata' })).toBe('unknown operation "merge"');
  });

  test('cdk8s JsonPatch values convert to RFC 6902 operations', () => {
    expect(toOp(JsonPatch.add('/a', 1))).toEqual({ op: 'add', path: '/a', value: 1 });
    expect(toOp(JsonPatch.move('/a', '/b'))).toEqual({ op: 'move', from: '/a', path: '/b' });
    expect(toOp({ op: 'remove', path: '/a' })).toEqual({ op: 'remove', path: '/a' });
  });

  test('describeOp names the operation and its paths', () => {
    expect(describeOp({ op: 'replace', path: '/spec/replicas', value: 3 })).toBe('replace /spec/replicas');
    expect(describeOp({ op: 'copy', from: '/a', path: '/b' })).toBe('copy /a -> /b');
  });
});
