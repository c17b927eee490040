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

/** The text each string is written as, value and key alike (unless `keyText` says otherwise), and that it reads back as itself everywhere. */
function expectWritten(s: string, text: string, keyText = text): void {
  expect(toYaml({ v: s })).toBe(`v: ${text}\n`);
  expect(toYaml({ [s]: 'v' })).toBe(`${keyText}: v\n`);
  expect(toYaml({ list: [s] })).toBe(`list:\n  - ${text}\n`);
  roundTrips({ v: s });
  roundTrips({ [s]: 'v' });
  roundTrips({ list: [s, { [s]: s }] });
}

describe('characters YAML readers (and kubectl) reject or fold are escaped', () => {
  const C1 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i)).join('');
  test.each([
    ['U+007F (DEL)', 'del\u007f', '"del\\x7f"'],
    ['U+0085 (NEL), which kubectl would read as a space', 'a\u0085b', '"a\\x85b"'],
    ['U+0085 in multi-line text (no literal block)', 'a\u0085\nb', '"a\\x85\\nb"'],
    ['U+0080-U+009F, every one', C1, `"${Array.from(C1, (c) => `\\x${c.charCodeAt(0).toString(16)}`).join('')}"`],
    ['U+FFFE', 'x\ufffe', '"x\\ufffe"'],
    ['U+FFFF', '\uffffy', '"\\uffffy"'],
    ['U+2028 beside a space (kubectl drops the spaces around a raw one)', 'a \u2028 b', '"a \\u2028 b"'],
    ['U+2029 beside a space', 'a\u2029 b\u2029', '"a\\u2029 b\\u2029"'],
    ['U+2028 before a document marker', 'a\u2028--- b', '"a\\u2028--- b"'],
    ['U+2029 before a document-end marker', 'a\u2029... b', '"a\\u2029... b"'],
  ])('%s', (_name, s, text) => expectWritten(s, text));

  test('U+2028/U+2029 in a key are escaped: raw, they make the key multi-line for kubectl', () => {
    expectWritten('ls\u2028sep\u2029', '"ls\u2028sep\u2029"', '"ls\\u2028sep\\u2029"');
  });

  test('what was already right is written as before', () => {
    expectWritten('nbsp\u00a0é ✓ 😀', '"nbsp\u00a0é ✓ 😀"');
    expectWritten('bom\ufeff', '"bom\ufeff"');
    expectWritten('nul\u0000bell\u0007', '"nul\\u0000bell\\u0007"');
    expect(toYaml({ v: 'emoji 😀\nline\n' })).toBe('v: |\n  emoji 😀\n  line\n');
  });
});

describe('plain scalars a YAML 1.1 or 1.2 reader would type are quoted', () => {
  test.each([
    'e1', 'E0', 'E5', 'e+5', '1e3', '0x1F', '0o17', '0b101', '017', '1_000', '1:20', '190:20:30.15', '.inf', '-.Inf', '.NaN',
    '2001-12-14', '2001-12-14t21:59:43.10-05:00', '~', 'Null', 'NULL', 'nuLL', 'YES', 'yEs', 'y', 'N', 'On', 'oFF', 'True', '<<', '=',
  ])('%s', (s) => expectWritten(s, JSON.stringify(s)));

  test('look-alikes that every reader keeps as strings stay plain', () => {
    for (const s of ['e', 'eE1', 'E_1', 'e1x', 'yess', 'nulls', 'online', 'NaN', 'Inf', '250m', '128Mi', '1Gi', 'x1', 'a=b', 'a<<b']) expectWritten(s, s);
  });
});

describe('a lone UTF-16 surrogate (UTF-8 cannot hold it) is refused with the path that holds it', () => {
  test('in a value', () => {
    expect(() => toYaml({ v: '\uD800' })).toThrow('cannot write the value at v to YAML: it holds a lone UTF-16 surrogate, which UTF-8 cannot encode');
  });
  test('deep in a document', () => {
    const doc = { spec: { containers: [{ name: 'app', env: [{ name: 'A', value: 'ok' }, { name: 'B', value: 'half \uDE00 emoji' }] }] } };
    expect(() => toYaml(doc)).toThrow('cannot write the value at spec.containers[0].env[1].value to YAML');
  });
  test('in a key, and in a value under keys that need quoting', () => {
    expect(() => toYaml({ metadata: { annotations: { 'acme.io/x': 'a', ['b\uDBFF']: 'c' } } }))
      .toThrow('cannot write the key at metadata.annotations["b\\udbff"] to YAML');
    expect(() => toYaml({ 'a b': [{ 'c.d/e': ['x', 'multi\nline\uDC00'] }] }))
      .toThrow('cannot write the value at ["a b"][0]["c.d/e"][1] to YAML');
  });
  test('a surrogate pair (an emoji) is fine, and the stream fails like the document', () => {
    expectWritten('\uD83D\uDE00', '"\uD83D\uDE00"');
    expect(() => toYamlStream([{ a: 1 }, { b: ['\uDFFF'] }])).toThrow('cannot write the value at b[0] to YAML');
  });
});
