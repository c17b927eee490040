import { spawnSync } from 'child_process';
import * as path from 'path';

/**
 * The SVG is drawn by Graphviz (`@hpcc-js/wasm-graphviz`, ESM and
 * WebAssembly) in a child Node process run with tsx, as the CLI runs it:
 * jest's CommonJS module system cannot execute a real dynamic `import()`.
 * No XML parser is installed and xmllint is not on PATH, so well-formedness
 * is checked by the small tag matcher below.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(__dirname, 'fixtures', 'svg.ts');

function svgOf(env: string): { svg: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE, env], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return { svg: r.stdout, stderr: r.stderr, status: r.status };
}

const ENTITY = /&(?:#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);/g;

/**
 * Checks that `xml` is well-formed: one root element, every tag closed in
 * order, quoted attributes without a raw `<`, no stray `&`; comments,
 * processing instructions, a DOCTYPE and CDATA skipped. Returns the problem,
 * or undefined. Also collects the character data, for the text checks.
 */
export function checkXml(xml: string): { error?: string; root?: string; text: string[] } {
  const stack: string[] = [];
  const text: string[] = [];
  let root: string | undefined;
  let i = 0;
  const fail = (error: string) => ({ error: `${error} at offset ${i}`, root, text });
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const chunk = xml.slice(i, lt < 0 ? xml.length : lt);
    if (chunk.replace(ENTITY, '').includes('&')) return fail('a stray "&" in text');
    if (chunk.trim()) {
      if (stack.length === 0) return fail('text outside the root element');
      text.push(decode(chunk));
    }
    if (lt < 0) break;
    i = lt;
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) return fail('an unclosed comment');
      i = end + 3;
    } else if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i + 2);
      if (end < 0) return fail('an unclosed processing instruction');
      i = end + 2;
    } else if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i);
      if (end < 0) return fail('an unclosed CDATA section');
      text.push(xml.slice(i + 9, end));
      i = end + 3;
    } else if (xml.startsWith('<!DOCTYPE', i)) {
      if (root) return fail('a DOCTYPE after the root element');
      const end = xml.indexOf('>', i);
      if (end < 0) return fail('an unclosed DOCTYPE');
      i = end + 1;
    } else {
      const m = /^<(\/?)([A-Za-z_][-A-Za-z0-9_.:]*)((?:\s+[A-Za-z_][-A-Za-z0-9_.:]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(xml.slice(i));
      if (!m) return fail(`a malformed tag ${JSON.stringify(xml.slice(i, i + 40))}`);
      const [whole, closing, name, attrs, selfClosing] = m;
      const seen = new Set<string>();
      for (const a of attrs.matchAll(/([A-Za-z_][-A-Za-z0-9_.:]*)\s*=\s*("[^"]*"|'[^']*')/g)) {
        if (seen.has(a[1])) return fail(`attribute ${a[1]} twice on <${name}>`);
        seen.add(a[1]);
        if (a[2].replace(ENTITY, '').includes('&')) return fail(`a stray "&" in attribute ${a[1]}`);
      }
      if (closing) {
        if (attrs.trim() || selfClosing) return fail(`a malformed closing tag </${name}>`);
        const open = stack.pop();
        if (open !== name) return fail(`</${name}> closes <${open ?? 'nothing'}>`);
      } else {
        if (!root) root = name;
        else if (stack.length === 0) return fail(`a second root element <${name}>`);
        if (!selfClosing) stack.push(name);
      }
      i += whole.length;
    }
  }
  if (stack.length) return { error: `unclosed <${stack.join('>, <')}>`, root, text };
  if (!root) return { error: 'no root element', text };
  return { root, text };
}

function decode(s: string): string {
  return s.replace(ENTITY, (e) => {
    if (e.startsWith('&#x')) return String.fromCodePoint(parseInt(e.slice(3, -1), 16));
    if (e.startsWith('&#')) return String.fromCodePoint(parseInt(e.slice(2, -1), 10));
    return ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" } as Record<string, string>)[e];
  });
}

describe('the tag matcher', () => {
  test('accepts well-formed XML and rejects what is not', () => {
    expect(checkXml('<?xml version="1.0"?><!-- c --><a x="1"><b/>t &amp; u<c y=\'2\'>v</c></a>')).toEqual({ root: 'a', text: ['t & u', 'v'] });
    expect(checkXml('<a><b></a></b>').error).toMatch(/<\/a> closes <b>/);
    expect(checkXml('<a><b>').error).toMatch(/unclosed <a>, <b>/);
    expect(checkXml('<a/><b/>').error).toMatch(/second root/);
    expect(checkXml('<a>x & y</a>').error).toMatch(/stray "&"/);
    expect(checkXml('<a x="1" x="2"/>').error).toMatch(/twice/);
    expect(checkXml('<a x=1/>').error).toMatch(/malformed tag/);
  });
});

describe.each(['prod', 'dev'])('the SVG of examples/shop in %s', (env) => {
  let r: ReturnType<typeof svgOf>;
  beforeAll(() => { r = svgOf(env); });

  test('is drawn by Graphviz in a child process', () => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.svg).toMatch(/^<\?xml version="1\.0" encoding="UTF-8" standalone="no"\?>/);
    expect(r.svg).toContain('<!-- Generated by graphviz version');
  });

  test('is well-formed XML with an <svg> root, naming every workload and resource', () => {
    const xml = checkXml(r.svg);
    expect(xml.error).toBeUndefined();
    expect(xml.root).toBe('svg');
    for (const name of ['storefront', 'fulfilment', 'nightly-report', 'orders', 'db']) expect(xml.text).toContain(name);
    for (const label of ['connect', 'send', 'consume · KEDA 10 msg/replica · 0–20']) expect(xml.text).toContain(label);
    if (env === 'prod') expect(xml.text).toContain('Role/storefront');
  });
});
