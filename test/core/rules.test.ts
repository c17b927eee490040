import { ProblemList } from '../../lib/core/errors';
import {
  checkCpu, checkDnsLabel, checkDnsSubdomain, checkEnvName, checkImage, checkIntRange, checkKey, checkLabelValue, checkMemory, checkMetadataMaps, checkPort,
  parseCpu, parseImage, parseMemory,
  SECRET_LOOKING_NAME, suggestDnsLabel,
} from '../../lib/core/rules';

/** Runs one checker and returns whether it passed and the problem lines it added. */
function check(fn: (list: ProblemList) => boolean): { ok: boolean; messages: string[] } {
  const list = new ProblemList('WebService', 'web', 'shop/web');
  const ok = fn(list);
  return { ok, messages: list.all.map((p) => `${p.prop}: ${p.message}. Fix: ${p.fix}`) };
}

describe('parseCpu', () => {
  test.each([
    ['250m', 250], ['1m', 1], ['0.5', 500], ['.5', 500], ['2', 2000], ['1.25', 1250], ['1500m', 1500], ['0.5m', 0.5], ['0', 0],
    // every quantity the API server takes is a cpu quantity too, whatever its suffix
    ['250M', 250e9], ['1k', 1e6], ['1e3', 1e6], ['2.', 2000], ['+1', 1000], ['500u', 0.5], ['1Ki', 1024000],
  ])('%s is %d millicores', (value, millis) => {
    expect(parseCpu(value)).toBe(millis);
  });

  test.each(['', 'm', '1 core', '-1', '250mi', ' 250m', '2 ', '1e1.5', '1e', '1.2.3'])('%j is not a cpu quantity', (value) => {
    expect(parseCpu(value)).toBeUndefined();
  });
});

describe('parseMemory', () => {
  test.each([
    ['128Mi', 128 * 2 ** 20], ['1Gi', 2 ** 30], ['1.5Gi', 1.5 * 2 ** 30], ['500M', 500e6], ['1k', 1000], ['64Ki', 65536], ['2Ti', 2 * 2 ** 40],
    ['1Pi', 2 ** 50], ['1Ei', 2 ** 60], ['1E', 1e18], ['1048576', 1048576],
  ])('%s is %d bytes', (value, bytes) => {
    expect(parseMemory(value)).toBe(bytes);
  });

  test.each(['', 'Mi', '128MB', '128mi', '1K', '1gb', '-1Gi', '128 Mi'])('%j is not a memory quantity', (value) => {
    expect(parseMemory(value)).toBeUndefined();
  });

  test('compares across suffixes: 1Gi is more than 1000Mi and 1G is less than 1Gi', () => {
    expect(parseMemory('1Gi')!).toBeGreaterThan(parseMemory('1000Mi')!);
    expect(parseMemory('1G')!).toBeLessThan(parseMemory('1Gi')!);
  });
});

describe('parseImage', () => {
  const digest = `sha256:${'a'.repeat(64)}`;

  test.each([
    ['nginx:1.27', { repository: 'nginx', tag: '1.27' }],
    ['nginx', { repository: 'nginx' }],
    ['library/nginx:1.27-alpine', { repository: 'library/nginx', tag: '1.27-alpine' }],
    ['ghcr.io/acme/storefront:1.4.2', { repository: 'ghcr.io/acme/storefront', tag: '1.4.2' }],
    ['registry.acme.io:5000/team/app:v2', { repository: 'registry.acme.io:5000/team/app', tag: 'v2' }],
    ['localhost:5000/app', { repository: 'localhost:5000/app' }],
    ['gcr.io/project/group/sub/app:2024.01.02_build-7', { repository: 'gcr.io/project/group/sub/app', tag: '2024.01.02_build-7' }],
    ['quay.io/my_org/my-app__x:V1', { repository: 'quay.io/my_org/my-app__x', tag: 'V1' }],
    [`ghcr.io/acme/app@${digest}`, { repository: 'ghcr.io/acme/app', digest }],
    [`ghcr.io/acme/app:1.0@${digest}`, { repository: 'ghcr.io/acme/app', tag: '1.0', digest }],
    [`registry:5000/app:latest@${digest}`, { repository: 'registry:5000/app', tag: 'latest', digest }],
  ])('%s parses', (value, ref) => {
    expect(parseImage(value)).toEqual({ tag: undefined, digest: undefined, ...ref });
  });

  test.each([
    '', 'ghcr.io/Acme/app:1', 'app:', 'app:-1', ':1.0', 'ghcr.io/acme/app:1 0', '/app:1', 'app/:1', 'app@sha256:abc', `app@sha512:${'a'.repeat(64)}`,
    'app:1.0@', `app:${'x'.repeat(129)}`, 'https://ghcr.io/acme/app:1',
  ])('%j is not an image reference', (value) => {
    expect(parseImage(value)).toBeUndefined();
  });

  test('a 128-character tag is accepted', () => {
    expect(parseImage(`app:${'x'.repeat(128)}`)?.tag).toHaveLength(128);
  });

  test('a non-string is not an image reference', () => {
    expect(parseImage(undefined as any)).toBeUndefined();
  });
});

describe('checkImage', () => {
  const digest = `sha256:${'b'.repeat(64)}`;

  test('accepts a tag, a digest, or latest pinned by a digest', () => {
    expect(check((l) => checkImage(l, 'image', 'ghcr.io/acme/app:1.0')).ok).toBe(true);
    expect(check((l) => checkImage(l, 'image', `ghcr.io/acme/app@${digest}`)).ok).toBe(true);
    expect(check((l) => checkImage(l, 'image', `ghcr.io/acme/app:latest@${digest}`)).ok).toBe(true);
  });

  test('a registry port is not a tag', () => {
    expect(check((l) => checkImage(l, 'image', 'registry:5000/app'))).toEqual({
      ok: false,
      messages: ['image: "registry:5000/app" has no tag, so the cluster runs whatever "latest" is at pull time. Fix: pin a version: "registry:5000/app:1.0.0" or a digest "@sha256:…".'],
    });
  });

  test('latest is rejected, and a malformed reference says what the form is', () => {
    expect(check((l) => checkImage(l, 'image', 'app:latest')).messages).toEqual([
      'image: "app:latest" uses the mutable tag "latest". Fix: pin a version tag like ":1.4.2" or a digest "@sha256:…".',
    ]);
    expect(check((l) => checkImage(l, 'image', 'App:1')).messages).toEqual([
      'image: "App:1" is not an image reference. Fix: use "registry/repository:tag", e.g. "ghcr.io/acme/app:1.4.2".',
    ]);
  });
});

describe('checkCpu and checkMemory', () => {
  test('accept quantities and reject zero and malformed ones', () => {
    expect(check((l) => checkCpu(l, 'cpu', '250m')).ok).toBe(true);
    expect(check((l) => checkCpu(l, 'cpu', '0m'))).toEqual({ ok: false, messages: ['cpu: "0m" is not a cpu quantity. Fix: use millicores like "250m" or cores like "0.5" or "2".'] });
    expect(check((l) => checkCpu(l, 'cpu', 1 as any)).ok).toBe(false);
    expect(check((l) => checkMemory(l, 'memory', '256Mi')).ok).toBe(true);
    expect(check((l) => checkMemory(l, 'memory', '0Gi'))).toEqual({ ok: false, messages: ['memory: "0Gi" is not a memory quantity. Fix: use a power-of-two suffix like "256Mi" or "1Gi".'] });
  });

  test('memory and storage reject the fractional suffixes m, u, n and non-whole byte counts; cpu keeps them', () => {
    expect(check((l) => checkMemory(l, 'memory', '256m'))).toEqual({
      ok: false, messages: ['memory: "256m" is not a memory quantity: "m" means thousandths of a byte. Fix: use a power-of-two suffix like "256Mi" (mebibytes) or "1Gi".'],
    });
    expect(check((l) => checkMemory(l, 'ephemeralStorage', '1000m')).ok).toBe(false);
    expect(check((l) => checkMemory(l, 'memory', '5u')).messages).toEqual(['memory: "5u" is not a memory quantity: "u" means millionths of a byte. Fix: use a power-of-two suffix like "5Mi" (mebibytes) or "1Gi".']);
    expect(check((l) => checkMemory(l, 'memory', '7n')).ok).toBe(false);
    expect(check((l) => checkMemory(l, 'memory', '0.5')).messages).toEqual(['memory: "0.5" is not a memory quantity: it is not a whole number of bytes. Fix: use a power-of-two suffix like "256Mi" (mebibytes) or "1Gi".']);
    expect(check((l) => checkMemory(l, 'memory', '1e-3')).ok).toBe(false);
    for (const v of ['256Mi', '0.5Ki', '1.5Gi', '500M', '1e9', '1k', '+1', '1048576']) expect(check((l) => checkMemory(l, 'memory', v)).ok).toBe(true);
    for (const v of ['256m', '100m', '0.5', '5u']) expect(check((l) => checkCpu(l, 'cpu', v)).ok).toBe(true);
  });
});

describe('checkDnsLabel and checkDnsSubdomain', () => {
  test.each(['a', 'web', 'web-2', '2fa', 'a'.repeat(63)])('%s is a DNS-1123 label', (value) => {
    expect(check((l) => checkDnsLabel(l, 'id', value)).ok).toBe(true);
  });

  test.each(['', 'Web', 'web_2', '-web', 'web-', 'web.api', 'wéb'])('%j is not a DNS-1123 label', (value) => {
    expect(check((l) => checkDnsLabel(l, 'id', value)).messages[0]).toContain('is not a DNS-1123 label');
  });

  test('a label that is too long reports its length, and only that', () => {
    expect(check((l) => checkDnsLabel(l, 'id', 'A'.repeat(64))).messages).toEqual([
      `id: "${'A'.repeat(64)}" is 64 characters long; the limit is 63 (DNS-1123 label). Fix: use a shorter name of at most 63 characters.`,
    ]);
    expect(check((l) => checkDnsLabel(l, 'volume', 'abcdef', 5)).messages[0]).toContain('the limit is 5');
  });

  test('suggests a valid label', () => {
    expect(suggestDnsLabel('My_Web Service!')).toBe('my-web-service');
    expect(suggestDnsLabel('--Api--')).toBe('api');
    expect(suggestDnsLabel('___')).toBe('my-service');
    expect(suggestDnsLabel(`${'a'.repeat(62)}_b`)).toBe('a'.repeat(62));
  });

  test.each(['shop.example.com', 'localhost', 'a-b.c-d.io'])('%s is a DNS subdomain', (value) => {
    expect(check((l) => checkDnsSubdomain(l, 'host', value)).ok).toBe(true);
  });

  test.each(['Shop.example.com', 'shop..example.com', '.shop.com', 'shop.com.', '*.shop.com', `${'a.'.repeat(127)}ab`])('%j is not a DNS subdomain', (value) => {
    expect(check((l) => checkDnsSubdomain(l, 'host', value)).messages[0]).toContain('is not a valid DNS name');
  });
});

describe('checkPort and checkIntRange', () => {
  test.each([1, 80, 65535])('%d is a port', (value) => {
    expect(check((l) => checkPort(l, 'port', value)).ok).toBe(true);
  });

  test.each([0, -1, 65536, 80.5, NaN])('%d is not a port', (value) => {
    expect(check((l) => checkPort(l, 'port', value)).messages[0]).toMatch(/^port: .* is out of range 1-65535\. Fix: use a whole number between 1 and 65535\.$/);
  });

  test('an open-ended range says so', () => {
    expect(check((l) => checkIntRange(l, 'n', -1, 0, Number.MAX_SAFE_INTEGER)).messages).toEqual(['n: -1 is not a whole number in the range 0-∞. Fix: use a whole number from 0 up.']);
  });
});

describe('environment variable names', () => {
  test.each(['LOG_LEVEL', 'log.level', '_X', 'a-b'])('%s is a valid name', (name) => {
    expect(check((l) => checkEnvName(l, 'env', name)).ok).toBe(true);
  });

  test.each(['1X', 'A B', 'A=B', ''])('%j is not a valid name', (name) => {
    expect(check((l) => checkEnvName(l, 'env', name)).ok).toBe(false);
  });

  test.each(['PASSWORD', 'db_passwd', 'CLIENT_SECRET', 'GITHUB_TOKEN', 'ACCESS_TOKENS', 'APIKEY', 'API_KEY', 'SSH_PRIVATE_KEY', 'AWS_ACCESS_KEY_ID', 'CREDENTIALS', 'AUTH', 'BASIC_AUTH_PASS', 'X_AUTH'])(
    '%s looks secret', (name) => {
      expect(SECRET_LOOKING_NAME.test(name)).toBe(true);
    });

  test.each(['LOG_LEVEL', 'AUTHOR', 'AUTHORS_FILE', 'OAUTH_ISSUER_URL', 'TOKENIZER', 'KEYCLOAK_URL', 'PORT'])('%s does not look secret', (name) => {
    expect(SECRET_LOOKING_NAME.test(name)).toBe(false);
  });
});

describe('labels and annotations', () => {
  test.each(['tier', 'example.com/tier', 'app.kubernetes.io/name', 'a_b.c-d'])('%s is a valid key', (key) => {
    expect(check((l) => checkKey(l, 'labels', key)).ok).toBe(true);
  });

  test.each(['', '-tier', 'Example.com/tier', 'example.com/', 'a/b/c', 'x'.repeat(64), 'tier!'])('%j is not a valid key', (key) => {
    expect(check((l) => checkKey(l, 'labels', key)).messages[0]).toContain('is not a valid key');
  });

  test.each(['', 'commerce', 'v1.4.2', 'a_b-c.d'])('%j is a valid label value', (value) => {
    expect(check((l) => checkLabelValue(l, 'labels.tier', value)).ok).toBe(true);
  });

  test.each(['-x', 'x-', 'a b', 'x'.repeat(64), 'a/b'])('%j is not a valid label value', (value) => {
    expect(check((l) => checkLabelValue(l, 'labels.tier', value)).messages[0]).toMatch(/^labels\.tier: .* is not a valid label value/);
  });

  test('a label map reports each bad key and value, and annotation values must be strings', () => {
    const list = new ProblemList('WebService', 'web', 'shop/web');
    checkMetadataMaps(list, 'labels', { 'ok': 'fine', 'bad key': 'x', 'tier': 'not ok' }, { 'note': 5 as unknown as string });
    expect(list.all.map((p) => `${p.prop}: ${p.message}`)).toEqual([
      'labels: "bad key" is not a valid key (an optional DNS prefix and "/", then at most 63 letters, digits, \'-\', \'_\' or \'.\')',
      'labels.tier: "not ok" is not a valid label value (at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit)',
      'annotations.note: 5 is not a string',
    ]);
  });
});
