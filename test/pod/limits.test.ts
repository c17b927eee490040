import { ProblemList, show } from '../../lib/core/errors';
import {
  annotationsBytes, checkCpu, checkEnvName, checkImage, checkMemory, compareQuantities, configMapKeyProblem, isConfigMapKey, isEnvName, parseImage, parseQuantity,
} from '../../lib/core/rules';

/** Runs one checker and returns whether it passed and the problem lines it added. */
function check(fn: (list: ProblemList) => boolean): { ok: boolean; messages: string[] } {
  const list = new ProblemList('WebService', 'web', 'shop/web');
  const ok = fn(list);
  return { ok, messages: list.all.map((p) => `${p.prop}: ${p.message}. Fix: ${p.fix}`) };
}

describe('show renders any value without throwing', () => {
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  test.each<[string, unknown, string]>([
    ['a string', 'web', '"web"'],
    ['undefined', undefined, 'undefined'],
    ['a BigInt', 8080n, '8080n'],
    ['NaN', NaN, 'NaN'],
    ['Infinity', -Infinity, '-Infinity'],
    ['a symbol', Symbol('x'), 'Symbol(x)'],
    ['a function', function handler() { return 1; }, '[Function handler]'],
    ['a circular object', circular, '{"a":1,"self":[Circular]}'],
    ['BigInt and NaN inside JSON', { port: 1n, list: [NaN, undefined] }, '{"port":1n,"list":[NaN,null]}'],
    ['a null-prototype object', Object.assign(Object.create(null), { a: 'b' }), '{"a":"b"}'],
    ['a Date (toJSON)', new Date(0), '"1970-01-01T00:00:00.000Z"'],
    ['a throwing getter', Object.defineProperty({}, 'x', { enumerable: true, get() { throw new Error('boom'); } }), '[unprintable]'],
  ])('%s', (_, value, expected) => {
    expect(show(value)).toBe(expected);
  });

  test('shows JSON data exactly as JSON.stringify does', () => {
    const data = { name: 'web', ports: [80, 443], nested: { ok: true, none: null }, skipped: undefined };
    expect(show(data)).toBe(JSON.stringify(data));
  });

  test('a structure nested deeper than it prints ends in […]', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(show(deep)).toMatch(/^\[{32}\[…\]\]{32}$/);
  });
});

describe('quantities: exactly the API server grammar', () => {
  test.each(['1e9', '1k', '500M', '0.5', '1.5Gi', '100m', '1.', '.5', '+2', '1E', '1e-3', '1E+3', '12n', '3u', '8Ei'])('%s is a quantity', (value) => {
    expect(parseQuantity(value)).toBeDefined();
  });

  test.each(['', '1K', '1gb', '1 Gi', '1e1.5', 'e3', '1e', '--1', '1.2.3', '0x10', 'Infinity'])('%j is not a quantity', (value) => {
    expect(parseQuantity(value)).toBeUndefined();
  });

  test('values are exact in nano units, rounding finer values up as the API server does', () => {
    expect(parseQuantity('1.5Gi')!.nanos).toBe(1610612736n * 10n ** 9n);
    expect(parseQuantity('100m')!.nanos).toBe(10n ** 8n);
    expect(parseQuantity('1e9')!.nanos).toBe(10n ** 18n);
    expect(parseQuantity('0.1n')!.nanos).toBe(1n);
    expect(parseQuantity('-1k')!.nanos).toBe(-(10n ** 12n));
    // a binary quantity is capped at 2^63-1, as ParseQuantity caps it
    expect(parseQuantity('9Ei')!.nanos).toBe((2n ** 63n - 1n) * 10n ** 9n);
  });

  test.each([
    ['1Gi', '1073741824', 0], ['1G', '1Gi', -1], ['1e9', '1G', 0], ['1000m', '1', 0], ['1k', '999', 1], ['1Mi', '1049k', -1], ['500M', '0.5G', 0],
    ['1.5Gi', '1536Mi', 0], ['100m', '1', -1], ['1000000000000000001', '1E', 1], ['2Ki', '2.048k', 0],
  ])('%s compared with %s is %d', (a, b, sign) => {
    expect(compareQuantities(a as string, b as string)).toBe(sign);
  });

  test('checkCpu takes every quantity above zero, checkMemory every whole number of bytes above zero; both reject zero and negative ones as before', () => {
    for (const v of ['1e9', '1k', '500M', '0.5', '1.5Gi', '100m', '+1']) expect(check((l) => checkCpu(l, 'cpu', v)).ok).toBe(true);
    // (memory in thousandths of a byte, `100m`, or half a byte, `0.5`, is a typo the container never starts with)
    for (const v of ['1e9', '1k', '500M', '1.5Gi', '+1']) expect(check((l) => checkMemory(l, 'memory', v)).ok).toBe(true);
    for (const v of ['100m', '0.5']) expect(check((l) => checkMemory(l, 'memory', v)).ok).toBe(false);
    expect(check((l) => checkMemory(l, 'memory', '-1Gi'))).toEqual({ ok: false, messages: ['memory: "-1Gi" is not a memory quantity. Fix: use a power-of-two suffix like "256Mi" or "1Gi".'] });
    expect(check((l) => checkCpu(l, 'cpu', '0e3'))).toEqual({ ok: false, messages: ['cpu: "0e3" is not a cpu quantity. Fix: use millicores like "250m" or cores like "0.5" or "2".'] });
    expect(check((l) => checkCpu(l, 'cpu', 2n as never))).toEqual({ ok: false, messages: ['cpu: 2n is not a cpu quantity. Fix: use millicores like "250m" or cores like "0.5" or "2".'] });
  });
});

describe('image references: the distribution reference grammar', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  test.each([
    ['[::1]:5000/web:1.0', { repository: '[::1]:5000/web', tag: '1.0' }],
    ['[2001:db8::1]/team/web:2', { repository: '[2001:db8::1]/team/web', tag: '2' }],
    ['registry.local:5000/web:1.0', { repository: 'registry.local:5000/web', tag: '1.0' }],
    ['Registry.Example.COM/web:v1', { repository: 'Registry.Example.COM/web', tag: 'v1' }],
    [`web@sha512:${'b'.repeat(128)}`, { repository: 'web', digest: `sha512:${'b'.repeat(128)}` }],
    [`[::1]:5000/web@${digest}`, { repository: '[::1]:5000/web', digest }],
  ])('%s parses', (value, ref) => {
    expect(parseImage(value)).toEqual({ tag: undefined, digest: undefined, ...ref });
    expect(check((l) => checkImage(l, 'image', value)).ok).toBe(true);
  });

  test.each([
    '[::1/web:1.0', 'web:1.0@sha256:abc', `web@sha256:${'A'.repeat(64)}`, `web@md5:${'a'.repeat(32)}`, '-registry.io/web:1', 'Web:1.0', `${'a/'.repeat(130)}web:1`, 'web:-1', 'web:1 ',
  ])('%s is not an image reference', (value) => {
    expect(parseImage(value)).toBeUndefined();
  });

  test('still rejects a missing tag and :latest', () => {
    expect(check((l) => checkImage(l, 'image', '[::1]:5000/web'))).toEqual({ ok: false, messages: [
      'image: "[::1]:5000/web" has no tag, so the cluster runs whatever "latest" is at pull time. Fix: pin a version: "[::1]:5000/web:1.0.0" or a digest "@sha256:…".',
    ] });
    expect(check((l) => checkImage(l, 'image', 'registry.local:5000/web:latest'))).toEqual({ ok: false, messages: [
      'image: "registry.local:5000/web:latest" uses the mutable tag "latest". Fix: pin a version tag like ":1.4.2" or a digest "@sha256:…".',
    ] });
  });
});

describe('names and keys the API server takes', () => {
  test.each(['MY_VAR', 'my.env-name', '_x', '-x', '.x', 'a..b'])('%s is an environment variable name', (name) => {
    expect(isEnvName(name)).toBe(true);
  });

  test.each(['1X', '.', '..', '..x', 'A B', 'A=B', ''])('%j is not an environment variable name', (name) => {
    expect(isEnvName(name)).toBe(false);
  });

  test('an env var name "..x" gets the rule and the fix', () => {
    expect(check((l) => checkEnvName(l, 'env...x', '..x')).messages).toEqual([
      'env...x: "..x" is not a valid environment variable name. Fix: use letters, digits, "_", "-" and ".", not starting with a digit, and not ".", ".." or starting with "..".',
    ]);
  });

  test.each(['app.yaml', '.env', 'a..b', 'k'.repeat(253)])('%s is a ConfigMap key', (key) => {
    expect(isConfigMapKey(key)).toBe(true);
  });

  test.each([
    ['.', '"." is not a valid ConfigMap key: the API server rejects "." and ".." (the kubelet\'s names in a mounted volume)'],
    ['..', '".." is not a valid ConfigMap key: the API server rejects "." and ".." (the kubelet\'s names in a mounted volume)'],
    ['..data', '"..data" is not a valid ConfigMap key: the API server rejects a key starting with "..", which the kubelet reserves for its own entries in a mounted volume (..data)'],
    ['k'.repeat(254), `"${'k'.repeat(20)}…" is 254 characters long; a ConfigMap key may have at most 253`],
    ['a b', '"a b" is not a valid ConfigMap key: letters, digits, \'-\', \'_\' and \'.\' only'],
  ])('%j is not a ConfigMap key', (key, message) => {
    expect(isConfigMapKey(key)).toBe(false);
    expect(configMapKeyProblem(key)).toBe(message);
  });

  test('annotation bytes count keys and values in UTF-8', () => {
    expect(annotationsBytes({ ab: 'cd', 'é': 'ü' })).toBe(8);
  });
});
