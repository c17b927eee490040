import { diffFields, renamer } from '../../lib/diff';

describe('diffFields', () => {
  test('paths: keys, quoted keys, named items, indices', () => {
    const a = { metadata: { labels: { 'app.kubernetes.io/name': 'a' } }, spec: { containers: [{ name: 'web', image: 'i:1', args: ['x', 'y'] }], ports: [{ port: 80 }] } };
    const b = { metadata: { labels: { 'app.kubernetes.io/name': 'b' } }, spec: { containers: [{ name: 'web', image: 'i:2', args: ['x', 'z'] }], ports: [{ port: 81 }] } };
    expect(diffFields(a, b).fields).toEqual([
      { path: 'metadata.labels["app.kubernetes.io/name"]', change: 'changed', old: 'a', new: 'b' },
      { path: 'spec.containers[name=web].args[1]', change: 'changed', old: 'y', new: 'z' },
      { path: 'spec.containers[name=web].image', change: 'changed', old: 'i:1', new: 'i:2' },
      { path: 'spec.ports[0].port', change: 'changed', old: 80, new: 81 },
    ]);
  });

  test('named items are matched by name whatever their order; added and removed items', () => {
    const a = { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] };
    const b = { env: [{ name: 'C', value: '3' }, { name: 'A', value: '1' }] };
    expect(diffFields(a, b).fields).toEqual([
      { path: 'env[name=B]', change: 'removed', old: { name: 'B', value: '2' } },
      { path: 'env[name=C]', change: 'added', new: { name: 'C', value: '3' } },
    ]);
  });

  test('a list of scalars that grows is one change; added and removed keys; a type change', () => {
    expect(diffFields({ a: ['x'], b: 1, c: { d: 1 } }, { a: ['x', 'y'], c: 'now a string', e: null }).fields).toEqual([
      { path: 'a', change: 'changed', old: ['x'], new: ['x', 'y'] },
      { path: 'b', change: 'removed', old: 1 },
      { path: 'c', change: 'changed', old: { d: 1 }, new: 'now a string' },
      { path: 'e', change: 'added', new: null },
    ]);
  });

  test('a Secret: data and stringData values are never carried; other fields are', () => {
    const a = { kind: 'Secret', type: 'Opaque', data: { p: 'czE=' }, stringData: 'odd' };
    const b = { kind: 'Secret', type: 'kubernetes.io/basic-auth', data: { p: 'czI=', q: 'czM=' } };
    const d = diffFields(a, b, { secret: true });
    expect(d.fields).toEqual([
      { path: 'data.p', change: 'changed', masked: true },
      { path: 'data.q', change: 'added', masked: true },
      { path: 'stringData', change: 'removed', masked: true },
      { path: 'type', change: 'changed', old: 'Opaque', new: 'kubernetes.io/basic-auth' },
    ]);
    expect(JSON.stringify(d)).not.toMatch(/czE|czI|czM|odd/);
    // only Secret objects are masked, and only at the top level
    expect(diffFields({ data: { p: 'x' } }, { data: { p: 'y' } }).fields).toEqual([{ path: 'data.p', change: 'changed', old: 'x', new: 'y' }]);
  });

  test('a rename discounts name-derived values, keys and item names', () => {
    const r = renamer([['api', 'api-v2']]);
    expect(r('api')).toBe('api-v2');
    expect(r('api-config')).toBe('api-v2-config');
    expect(r('http://api.shop.svc:80')).toBe('http://api-v2.shop.svc:80');
    expect(r('rapid')).toBe('rapid');
    const a = { metadata: { name: 'api' }, spec: { containers: [{ name: 'api', image: 'x:1' }], selector: { 'api.yaml': 'api' } } };
    const b = { metadata: { name: 'api-v2' }, spec: { containers: [{ name: 'api-v2', image: 'x:2' }], selector: { 'api-v2.yaml': 'api-v2' } } };
    const d = diffFields(a, b, { rename: r });
    expect(d.fields).toEqual([{ path: 'spec.containers[name=api-v2].image', change: 'changed', old: 'x:1', new: 'x:2' }]);
    expect(d.equal).toBe(3);
    expect(d.differing).toBe(1);
  });
});

describe('markdown limits', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { diffEnvironments, formatDiffMarkdown } = require('../../lib/diff') as typeof import('../../lib/diff');
  const cm = (name: string, n: number, v: string) => ({
    file: `x/${name}.yaml`,
    manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'x' }, data: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, v])) },
  });
  test('fields per object and the comment length are capped, and say so', () => {
    const before = [{ environment: 'prod', objects: Array.from({ length: 40 }, (_, i) => cm(`c${i}`, 60, 'a')) }];
    const after = [{ environment: 'prod', objects: Array.from({ length: 40 }, (_, i) => cm(`c${i}`, 60, 'b')) }];
    const md = formatDiffMarkdown(diffEnvironments(before, after), { maxLength: 20000 });
    expect(md.length).toBeLessThan(21000);
    expect(md).toContain('# … and 10 more fields');
    expect(md).toMatch(/_\d+ objects' field changes left out to keep this comment short/);
    expect(md).toContain('</details>');
  });
});
