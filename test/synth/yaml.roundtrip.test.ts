/**
 * The emitter against generated input: fast-check documents (any Unicode,
 * control characters, lone surrogates, YAML-typed words, nesting) read back
 * by `yaml` (1.2 and 1.1) and js-yaml, and, when kubectl is on PATH, by
 * kubectl itself (Go's YAML reader, the one that applies our files).
 * Fixed seeds and bounded runs: the same cases every time, in a few seconds.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import * as jsYaml from 'js-yaml';
import { parse } from 'yaml';
import { toYaml, toYamlStream } from 'libk8s';
import { onPath } from '../support/path';

const SEED = 20_240_611;


const KUBECTL = onPath('kubectl');

/** `test` when `reason` is undefined, else a skipped test that says why in its name. */
function testUnless(reason: string | undefined, name: string, fn: () => void): void {
  if (reason === undefined) test(name, fn);
  else test.skip(`${name} (skipped: ${reason})`, fn);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Pieces a string is built from: any code point, the characters YAML treats specially, words YAML 1.1 types. */
const SPECIAL = [
  '\u0000', '\u0007', '\t', '\n', '\r', '\u001b', '\u007f', '\u0080', '\u0085', '\u009f', '\u00a0', '\u2028', '\u2029', '\ufeff',
  '\ufffe', '\uffff', '😀', 'é', ' ', '  ', ':', ': ', ' #', '#', '-', '- ', '---', '...', '"', "'", '\\', '{', '[', '&', '*', '!',
  '|', '>', '%', '@', '`', '?', ',', '~', '=', '<<',
];
const WORDS = [
  'e1', 'E0', 'E5', '1e3', '0x1F', '0o17', '0b1', '1_000', '1:20', '.inf', '.NaN', '2001-12-14', 'null', 'Null', 'yes', 'YES', 'y',
  'n', 'on', 'Off', 'true', 'False', '1', '0.5', '250m', '128Mi', 'app.kubernetes.io/name', 'ghcr.io/acme/app:1.4.2',
];
const unit = (surrogates: boolean) => fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 2, arbitrary: fc.constantFrom(...WORDS) },
  { weight: surrogates ? 1 : 0, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
);
const text = (surrogates = false) => fc.string({ unit: unit(surrogates), maxLength: 6 });
/** `__proto__` is left out: parsers differ on it as a key, which says nothing about the emitter. */
const keyText = (surrogates = false) => text(surrogates).filter((k) => k !== '__proto__');

type Tree = string | number | boolean | null | Tree[] | { [k: string]: Tree };

function tree(surrogates: boolean): fc.Arbitrary<{ [k: string]: Tree }> {
  return fc.letrec<{ node: Tree; mapping: { [k: string]: Tree } }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 8, arbitrary: text(surrogates) },
      { weight: 1, arbitrary: fc.boolean() },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.integer() },
      { weight: 2, arbitrary: fc.array(tie('node'), { maxLength: 4 }) },
      { weight: 2, arbitrary: tie('mapping') },
    ),
    mapping: fc.dictionary(keyText(surrogates), tie('node'), { maxKeys: 5 }),
  })).mapping;
}

function holdsLoneSurrogate(v: unknown): boolean {
  if (typeof v === 'string') return LONE_SURROGATE.test(v);
  if (Array.isArray(v)) return v.some(holdsLoneSurrogate);
  if (typeof v === 'object' && v !== null) return Object.entries(v).some(([k, x]) => LONE_SURROGATE.test(k) || holdsLoneSurrogate(x));
  return false;
}

test('parse(toYaml(x)) equals x for generated documents, in yaml 1.2, yaml 1.1 and js-yaml', () => {
  fc.assert(fc.property(tree(false), (doc) => {
    const out = toYaml(doc);
    expect(parse(out)).toEqual(doc);
    expect(parse(out, { version: '1.1' })).toEqual(doc);
    expect(jsYaml.load(out)).toEqual(doc);
  }), { seed: SEED, numRuns: 400 });
});

test('a document with a lone surrogate anywhere is refused, naming where; any other round-trips', () => {
  let refused = 0;
  fc.assert(fc.property(tree(true), (doc) => {
    if (holdsLoneSurrogate(doc)) {
      refused++;
      expect(() => toYaml(doc)).toThrow(/^cannot write the (key|value) at \S.* to YAML: it holds a lone UTF-16 surrogate, which UTF-8 cannot encode$/);
    } else {
      expect(parse(toYaml(doc), { version: '1.1' })).toEqual(doc);
    }
  }), { seed: SEED, numRuns: 300 });
  expect(refused).toBeGreaterThan(30);
});

// Strings each written a way that was wrong before: as annotation values, data keys and data values.
const REGRESSIONS = [
  'del\u007f', 'a\u0085b', 'a\u0085\nb', Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i)).join(''), 'x\ufffe', '\uffffy',
  'a \u2028 b', 'a\u2029 b', 'ls\u2028sep', 'e1', 'E0', 'E5', '1e3', '0x1F', '0o17', '1_000', '1:20', '.inf', '.NaN', '2001-12-14', '~', 'Null',
  'YES', 'yEs', 'n', 'oFF', '<<', '=', '', ' ', 'a: b', 'a #b', 'multi\nline\n', 'nul\u0000', 'bom\ufeff', '😀',
];

/** ConfigMaps holding the strings as data keys and values and annotation values (kubectl parses keys it would not accept from the API). */
function configMaps(batch: readonly { [k: string]: string }[]): Record<string, unknown>[] {
  return batch.map((data, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `roundtrip-${i}`, annotations: Object.fromEntries(Object.values(data).map((v, j) => [`roundtrip.libk8s.dev/v${j}`, v])) },
    data,
  }));
}

function kubectlLabel(file: string) {
  return spawnSync(KUBECTL!, ['label', '--local', '-f', file, 'libk8s-roundtrip=1', '-o', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** kubectl's reading of the documents, written as one multi-document file: one JSON object per document. */
function kubectlRead(dir: string, docs: readonly Record<string, unknown>[]): Record<string, any>[] {
  const file = path.join(dir, 'batch.yaml');
  fs.writeFileSync(file, toYamlStream(docs));
  const r = kubectlLabel(file);
  if (r.status !== 0) {
    // kubectl refuses the whole file for one bad document: find it by halving (a few more calls), and show it
    let bad = docs;
    while (bad.length > 1) {
      const half = bad.slice(0, Math.ceil(bad.length / 2));
      fs.writeFileSync(file, toYamlStream(half));
      bad = kubectlLabel(file).status !== 0 ? half : bad.slice(half.length);
    }
    throw new Error(`kubectl failed: ${r.stderr}\non this document:\n${JSON.stringify(toYaml(bad[0]))}`);
  }
  // the objects are printed one after another, each closed by a "}" line
  const objects = r.stdout.split(/^}$/m).filter((t) => t.trim() !== '').map((t) => JSON.parse(`${t}}`));
  return objects.flatMap((o) => (o.kind === 'List' ? o.items : [o]));
}

testUnless(KUBECTL ? undefined : 'kubectl is not on PATH', 'kubectl reads generated ConfigMaps back as written', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-yaml-'));
  try {
    const flat = fc.sample(fc.dictionary(keyText(), text(), { minKeys: 1, maxKeys: 8 }), { seed: SEED, numRuns: 600 });
    const nested = fc.sample(tree(false), { seed: SEED + 1, numRuns: 200 });
    const regressions = Object.fromEntries(REGRESSIONS.map((s, i) => [`r${i}`, s]));
    const keys = Object.fromEntries(REGRESSIONS.map((s) => [s, s]));
    const batches: Record<string, unknown>[][] = [
      configMaps([regressions, keys, ...flat]),
      // nested values in `data`: kubectl label --local does not check the ConfigMap schema
      nested.map((data, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `nested-${i}` }, data })),
    ];
    for (const docs of batches) {
      const back = new Map(kubectlRead(dir, docs).map((o) => [o.metadata.name, o]));
      expect(back.size).toBe(docs.length);
      for (const doc of docs as { metadata: { name: string; annotations?: unknown }; data: unknown }[]) {
        const got = back.get(doc.metadata.name)!;
        expect({ name: doc.metadata.name, data: got.data ?? {}, annotations: got.metadata.annotations })
          .toEqual({ name: doc.metadata.name, data: doc.data, annotations: doc.metadata.annotations });
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
