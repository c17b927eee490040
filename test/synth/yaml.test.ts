import * as jsYaml from 'js-yaml';
import { parse, parseAllDocuments } from 'yaml';
import { toYaml, toYamlStream } from 'libk8s';

/** Parses with YAML 1.2 (core schema), YAML 1.1 (what go-yaml v2 and old tools read) and js-yaml. */
function parsers(text: string): unknown[] {
  return [parse(text), parse(text, { version: '1.1' }), jsYaml.load(text)];
}

function roundTrips(doc: Record<string, unknown>): void {
  const text = toYaml(doc);
  for (const back of parsers(text)) expect(back).toEqual(doc);
}

// strings that a naive emitter writes plain although a parser reads them as something else
const TRICKY = [
  '', ' ', 'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'true', 'False', 'NULL', 'null', '~', '-', '--', '---', '...',
  '1', '01', '0x1F', '0o17', '1e3', '1E3', '1.5', '.5', '-1', '+1', '.inf', '-.inf', '.nan', '1_000', '1:30', '12:30:45',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '1.4.2', '100m', '128Mi', '0.5', '1Gi', '25%', '50%',
  'a: b', 'a:b', 'a :b', 'key:', ':', 'a #b', 'a#b', '#comment', '&anchor', '*alias', '!tag', '%directive', '@at', '`tick',
  '|', '>', "'", '"', '[a]', '{a: 1}', '? q', '- item', ',', 'a, b', 'tab\there', 'trailing ', ' leading',
  'line1\nline2', 'line1\nline2\n', 'ends\n\n', '\n', '\nstarts', '  indented\nnext', 'crlf\r\nline', 'unicode é ✓ 漢字',
  'nul\u0000char', 'bell\u0007', 'del\u007f', 'ls\u2028sep', 'bom\ufeff', 'back\\slash', 'quote"inside', "single'inside",
  'http://catalog', 'ghcr.io/acme/storefront:1.4.2', 'app.kubernetes.io/name', '$(VAR)', '{{ template }}', '=', '<<',
];

test('every tricky string round-trips as a value, a key and a list item', () => {
  for (const s of TRICKY) {
    roundTrips({ value: s });
    roundTrips({ [s]: 'v' });
    roundTrips({ list: [s, { nested: s }] });
  }
});

test('numbers, booleans, null, empty collections and nesting round-trip', () => {
  roundTrips({
    int: 0, neg: -5, big: 9007199254740991, float: 1.25, tiny: 1e-7, t: true, f: false, nil: null,
    emptyObj: {}, emptyArr: [], nestedEmpty: [[], {}, [[]]],
    deep: { a: [{ b: [{ c: ['x', 1, true, null] }] }] },
    matrix: [[1, 2], [3, [4, 5]]],
  });
});

test('multi-line text is written as a readable literal block', () => {
  const text = toYaml({ data: { 'app.yaml': 'currency: EUR\npageSize: 50\n' } });
  expect(text).toBe('data:\n  app.yaml: |\n    currency: EUR\n    pageSize: 50\n');
});

test('plain-safe strings stay unquoted and risky ones are quoted', () => {
  expect(toYaml({ image: 'ghcr.io/acme/app:1.4.2', cpu: '250m', v: '1.4.2', b: 'yes', port: '8080' }))
    .toBe('image: ghcr.io/acme/app:1.4.2\ncpu: 250m\nv: "1.4.2"\nb: "yes"\nport: "8080"\n');
});

test('random documents round-trip through every parser', () => {
  let seed = 42;
  const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const alphabet = 'ab -:#\n\t"\'{}[],&*!|>%@`?~01.eE+xX_/\\é';
  const str = () => Array.from({ length: rand(8) }, () => alphabet[rand(alphabet.length)]).join('');
  const value = (depth: number): unknown => {
    switch (depth > 3 ? rand(4) : rand(7)) {
      case 0: return str();
      case 1: return rand(2) ? rand(1000) - 500 : rand(1000) / 8;
      case 2: return rand(2) === 1;
      case 3: return rand(5) === 0 ? null : TRICKY[rand(TRICKY.length)];
      case 4: return Array.from({ length: rand(4) }, () => value(depth + 1));
      default: return Object.fromEntries(Array.from({ length: rand(4) }, () => [str(), value(depth + 1)]));
    }
  };
  for (let i = 0; i < 500; i++) {
    const doc = Object.fromEntries(Array.from({ length: 1 + rand(5) }, () => [str(), value(0)]));
    roundTrips(doc);
  }
});

test('a stream holds one document per object', () => {
  const docs = parseAllDocuments(toYamlStream([{ a: 1 }, { b: 'x\n' }, { c: [] }])).map((d) => d.toJS());
  expect(docs).toEqual([{ a: 1 }, { b: 'x\n' }, { c: [] }]);
});

test('values YAML cannot hold are refused rather than written wrongly', () => {
  expect(() => toYaml({ n: Number.NaN })).toThrow('cannot write NaN to YAML');
  expect(() => toYaml({ f: (() => 1) as unknown as string })).toThrow('cannot write a function to YAML');
});
