import { Finding, formatJson, formatSarif, Report, Rule, WebService } from 'libk8s';
import { writeJson } from '../../../lib/guardrails/reporters/json';
import { writeSarif } from '../../../lib/guardrails/reporters/sarif';
import { LazyArray, writeJsonLines } from '../../../lib/guardrails/reporters/stream';
import { newApp } from '../../support/apps';
import { fileReport } from './support';

/** The text the blocks stand for: each block and its newline, in turn. */
function written(run: (write: (block: string) => void) => void): { text: string; blocks: string[] } {
  const blocks: string[] = [];
  run((b) => blocks.push(b));
  return { text: blocks.map((b) => `${b}\n`).join(''), blocks };
}

/** A value with every LazyArray made an array: what JSON.stringify is given. */
function eager(value: unknown): unknown {
  if (value instanceof LazyArray) return [...value.items()].map(eager);
  if (Array.isArray(value)) return value.map(eager);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, eager(v)]));
  return value;
}

const lazy = <T>(items: T[]) => new LazyArray(() => items);

describe('writeJsonLines', () => {
  const values: Record<string, unknown> = {
    'a lazy array at the top': lazy([1, 'two', { three: [3, { deep: true }] }, null]),
    'an empty lazy array and an empty object': { a: lazy([]), b: {}, c: [], d: lazy([{}]) },
    'lazy arrays at several depths, beside plain values': {
      version: 1, text: 'quotes " and \\ and\nnewlines, ünïcödé, 😀', list: [1, { x: lazy([{ y: lazy(['z']) }]) }],
      runs: [{ results: lazy([{ a: 1, b: [1, 2] }, { a: 2, b: [] }]), after: { n: -1.5e-7 } }],
    },
    'what JSON leaves out or writes as null': { u: undefined, f: () => 1, n: NaN, list: lazy([undefined, () => 2, Infinity, 'kept']), plain: [undefined] },
    'no lazy array at all': { a: [1, 2, { b: 'c' }], e: [] },
  };

  test.each(Object.entries(values))('writes JSON.stringify(value, null, 2) and a newline: %s', (_name, value) => {
    const expected = `${JSON.stringify(eager(value), null, 2)}\n`;
    for (const size of [1, 2, 7, 64, 1 << 20]) {
      const { text, blocks } = written((w) => writeJsonLines(value, w, size));
      expect(text).toBe(expected);
      // the blocks are the text's lines, in groups: joined by newlines, they are the text without its last newline
      expect(blocks.join('\n')).toBe(expected.slice(0, -1));
    }
  });

  test('a lazy array is made only as it is written, item by item', () => {
    const made: number[] = [];
    const items = new LazyArray(function* () {
      for (let i = 0; i < 5; i++) {
        made.push(i);
        yield { i };
      }
    });
    const seen: number[] = [];
    writeJsonLines({ items }, () => seen.push(made.length), 1);
    // blocks were written while the items were still being made
    expect(seen[0]).toBeLessThan(5);
    expect(made).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('writeJson and writeSarif', () => {
  /** Reports of every shape the reporters see: check, synth's environments (with waivers and policy), none. */
  function reports(): Record<string, Report | Report[]> {
    const rule: Rule = {
      id: 'acme/deploy-note', pack: 'acme', severity: 'error', description: 'Every Deployment is noted.', fix: 'nothing.', kinds: ['Deployment'],
      check: (s) => [{ message: 'noted' }, { message: `in ${s.manifest.metadata.namespace}`, field: 'metadata.namespace' }],
    };
    const app = newApp({ platform: { guardrails: { packs: [], rules: [rule] } } });
    new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront:1.4.2' });
    new WebService(app, 'api', { image: 'ghcr.io/acme/api:2.0.0' }).waive('acme/deploy-note', 'the API is noted elsewhere');
    return { check: fileReport(), synth: app.check(app.render()), none: [] };
  }
  const errors = [{ file: 'bad.yaml', line: 3, column: 5, message: 'malformed YAML: oops' }, { file: 'gone.yaml', message: 'cannot be read' }];

  test.each(Object.entries(reports()))('write the same bytes as formatJson and formatSarif, in blocks of any size: %s', (_name, report) => {
    for (const size of [1, 100, 1 << 20]) {
      expect(written((w) => writeJson(report, w, { errors, cwd: '/repo' }, size)).text).toBe(formatJson(report, { errors, cwd: '/repo' }));
      expect(written((w) => writeJson(report, w, {}, size)).text).toBe(formatJson(report));
      expect(written((w) => writeSarif(report, w, { errors, cwd: '/repo' }, size)).text).toBe(formatSarif(report, { errors, cwd: '/repo' }));
    }
  });

  /** A check report of `objects` Deployments in one file, `perObject` findings each, built directly. */
  function bigReport(objects: number, perObject: number): Report {
    const findings: Finding[] = [];
    for (let i = 0; i < objects; i++) {
      const origin = { file: 'all.yaml', line: 1 + 30 * i };
      const object = { apiVersion: 'apps/v1', kind: 'Deployment', name: `app-${i}`, namespace: 'shop' };
      for (let k = 0; k < perObject; k++) {
        findings.push({
          rule: `acme/rule-${k}`, pack: 'acme', severity: k % 2 ? 'warning' : 'error', aliases: { polaris: `acmeRule${k}` },
          message: `breaks rule ${k}: "quoted" \\ text`, fix: 'fix it.', field: 'spec.template.spec', object, origin,
        });
      }
    }
    return { findings, unchecked: [], objects };
  }

  test('200,000 findings are written as valid JSON in blocks of about the size asked, none of them the whole report', () => {
    const report = bigReport(40_000, 5);
    const { text, blocks } = written((w) => writeJson(report, w, {}, 1 << 20));
    expect(blocks.length).toBeGreaterThan(50);
    // a block ends at the first line end after the size asked: no line of this report is longer than 1 KB
    expect(Math.max(...blocks.map((b) => b.length))).toBeLessThan((1 << 20) + 1024);
    const json = JSON.parse(text);
    expect(json.summary).toEqual({ errors: 120_000, warnings: 80_000, info: 0, waived: 0, objects: 40_000 });
    expect(json.findings).toHaveLength(200_000);
    expect(json.findings[199_999]).toEqual({
      rule: 'acme/rule-4', pack: 'acme', severity: 'error', aliases: { polaris: 'acmeRule4' }, message: 'breaks rule 4: "quoted" \\ text', fix: 'fix it.',
      field: 'spec.template.spec', object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'app-39999', namespace: 'shop' }, location: { file: 'all.yaml', line: 1199971 },
    });
  });

  test('50,000 SARIF results are written as one log that parses, with the rules of the run and a fingerprint each', () => {
    const report = bigReport(10_000, 5);
    const log = JSON.parse(written((w) => writeSarif(report, w, { cwd: '/repo' }, 1 << 16)).text);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r: any) => r.id)).toEqual([0, 1, 2, 3, 4].map((k) => `acme/rule-${k}`));
    expect(run.results).toHaveLength(50_000);
    expect(run.results[49_999]).toMatchObject({
      ruleId: 'acme/rule-4', ruleIndex: 4, level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'all.yaml' }, region: { startLine: 299971 } } }],
    });
    expect(new Set(run.results.map((r: any) => r.partialFingerprints['libk8sFinding/v1'])).size).toBe(50_000);
  });
});
