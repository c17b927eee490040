import fc from 'fast-check';
import { Finding, findingLocation, Report, Severity } from 'libk8s';
import { collapse, groupOf } from '../../../lib/guardrails/reporters/table-rows';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The rows as the table reporter made them with one object and one key text per finding: the reference. */
function referenceRows(reports: readonly Report[]): { finding: Finding; environments: string[] }[] {
  const rows = new Map<string, { group: string; object: string; finding: Finding; environments: string[] }>();
  for (const report of reports) {
    for (const f of report.findings) {
      const group = groupOf(f);
      const object = `${f.object.kind}/${f.object.name}`;
      const key = JSON.stringify([group, f.rule, object, findingLocation(f) ?? '', f.severity, f.field ?? null, f.message, f.fix, f.waived?.reason ?? null]);
      let row = rows.get(key);
      if (!row) rows.set(key, row = { group, object, finding: f, environments: [] });
      const env = f.origin.environment;
      if (env !== undefined && !row.environments.includes(env)) row.environments.push(env);
    }
  }
  const groups = new Map<string, typeof list>();
  const list = [...rows.values()];
  for (const r of list) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  return [...groups.keys()].sort(compareText).flatMap((g) => groups.get(g)!.sort((a, b) => {
    const fa = a.finding;
    const fb = b.finding;
    return (fa.origin.line ?? 0) - (fb.origin.line ?? 0) || compareText(a.object, b.object)
      || Number(!!fa.waived) - Number(!!fb.waived) || SEVERITY_ORDER[fa.severity] - SEVERITY_ORDER[fb.severity]
      || compareText(fa.rule, fb.rule) || compareText(fa.field ?? '', fb.field ?? '') || compareText(fa.message, fb.message);
  }).map(({ finding, environments }) => ({ finding, environments })));
}

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
/** Findings drawn from few values, so that rows repeat and tie: check's (a file and line) or synth's (environment, construct, program line). */
const finding = fc.record({
  rule: pick('a', 'B', 'b-c'),
  severity: pick<Severity>('error', 'warning', 'info'),
  message: pick('m', 'M', 'm.n', ''),
  fix: pick('f1', 'f2'),
  field: pick(undefined, '', 'spec', 'spec[0]'),
  waived: pick(undefined, { reason: 'r1' }, { reason: 'r2' }),
  kind: pick('Deployment', 'ConfigMap', 'a'),
  name: pick('x', 'y', 'X'),
  place: fc.oneof(
    fc.record({ file: pick('a.yaml', 'B.yaml'), line: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ environment: pick('dev', 'prod', 'Prod'), construct: pick('web', 'api'), line: fc.integer({ min: 1, max: 3 }) }),
  ),
}).map((d): Finding => ({
  rule: d.rule, pack: 'p', severity: d.severity, aliases: {}, message: d.message, fix: d.fix, field: d.field,
  object: { apiVersion: 'v1', kind: d.kind, name: d.name },
  origin: 'file' in d.place ? { file: d.place.file, line: d.place.line }
    : { environment: d.place.environment, construct: { kind: 'WebService', id: d.place.construct, path: `shop/${d.place.construct}` }, location: { file: 'infra/main.ts', line: d.place.line, column: 3 } },
  ...(d.waived ? { waived: d.waived } : {}),
}));

/** Runs of findings of one object, as the engine makes them (sharing the object and origin), or loose ones. */
const report = fc.array(fc.tuple(finding, fc.integer({ min: 1, max: 4 }), fc.array(finding, { maxLength: 3 })), { maxLength: 25 }).map((parts): Report => ({
  findings: parts.flatMap(([first, copies, others]) => [
    ...Array.from({ length: copies }, (_, k) => ({ ...first, rule: k % 2 ? first.rule : 'z', message: `${first.message}${k % 3}` })),
    ...others.map((o) => ({ ...o, object: first.object, origin: first.origin })),
  ]),
  unchecked: [],
  objects: parts.length,
}));

describe('the rows of the table', () => {
  test('are the rows of one key per finding: merged across environments, in group and row order, then report order', () => {
    fc.assert(fc.property(fc.array(report, { minLength: 1, maxLength: 3 }), (reports) => {
      const rows = collapse(reports);
      const got = Array.from(rows.order, (i, r) => ({ finding: rows.findings[i], environments: rows.environments?.[r] ?? [] }));
      const expected = referenceRows(reports);
      expect(got.length).toBe(expected.length);
      got.forEach((row, r) => {
        expect(row.finding).toBe(expected[r].finding);
        expect(row.environments).toEqual(expected[r].environments);
      });
    }), { numRuns: 300 });
  });
});
