import fc from 'fast-check';
import { Finding, Guardrails, Rule, Severity, Subject } from 'libk8s';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const cmp = (a: string | undefined, b: string | undefined) => (a ?? '').localeCompare(b ?? '');

/** The report order as the engine defined it before it sorted by object: one stable sort of every finding. */
function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.origin.environment, b.origin.environment)
    || cmp(a.origin.construct?.path ?? a.origin.file, b.origin.construct?.path ?? b.origin.file)
    || cmp(a.object.kind, b.object.kind) || cmp(a.object.name, b.object.name)
    || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || cmp(a.rule, b.rule) || cmp(a.field, b.field) || cmp(a.message, b.message);
}

// what a test rule reports: messages, fields, fixes drawn from few values (mixed case, punctuation), so that many tie
const word = fc.constantFrom('a', 'B', 'b', 'Ä', 'a-b', 'a.b', 'a_b', 'x[0]', '');
const drawn = fc.record({ message: word, field: fc.option(word, { nil: undefined }), fix: fc.option(fc.constantFrom('f1', 'f2'), { nil: undefined }) });
const origin = fc.oneof(
  fc.record({ file: fc.constantFrom('a.yaml', 'B.yaml', 'b.yaml'), line: fc.integer({ min: 1, max: 9 }) }),
  fc.record({
    environment: fc.constantFrom('dev', 'prod', 'Prod'),
    construct: fc.constantFrom(...['x', 'Y', 'y'].map((id) => ({ kind: 'WebService', id, path: `app/${id}` }))),
  }),
);
const subject = fc.record({
  kind: fc.constantFrom('Deployment', 'deployment', 'ConfigMap'),
  name: word,
  origin,
  // what each of the two rules reports about the object
  first: fc.array(drawn, { maxLength: 4 }),
  second: fc.array(drawn, { maxLength: 80 }),
});

describe('the order of findings', () => {
  test('is the order one stable sort of all the findings by environment, place, kind, name, severity, rule, field and message gives', () => {
    fc.assert(fc.property(fc.array(subject, { maxLength: 30 }), (drawnSubjects) => {
      const subjects: Subject[] = drawnSubjects.map((d, i) => ({
        manifest: { apiVersion: 'v1', kind: d.kind, metadata: { name: d.name, namespace: 'ns' }, index: i },
        origin: d.origin,
      }));
      const said = (s: Subject, which: 'first' | 'second') => drawnSubjects[s.manifest.index][which];
      // two rules of every kind, of different severities; 'second' reports up to 80 findings of one object (longer than a short sort)
      const rules: Rule[] = [
        { id: 'acme/z', pack: 'acme', severity: 'warning', description: 'd', fix: 'rule fix', kinds: ['*'], check: (s) => said(s, 'first') },
        { id: 'acme/a', pack: 'acme', severity: 'error', description: 'd', fix: 'rule fix', kinds: ['*'], check: (s) => said(s, 'second') },
      ];
      const report = new Guardrails({ packs: [], rules }, []).check(subjects);
      // the findings in the order they are made (subject by subject, rule by rule), then sorted once
      const made: Finding[] = [];
      for (const s of subjects) {
        for (const [rule, which] of [[rules[0], 'first'], [rules[1], 'second']] as const) {
          for (const v of said(s, which)) {
            made.push({
              rule: rule.id, pack: 'acme', severity: rule.severity, aliases: {}, message: v.message, fix: v.fix ?? rule.fix, field: v.field,
              object: { apiVersion: 'v1', kind: s.manifest.kind, name: s.manifest.metadata.name, namespace: 'ns' }, origin: s.origin,
            });
          }
        }
      }
      expect(report.findings).toEqual(made.sort(compareFindings));
    }), { numRuns: 200 });
  });

  test('the findings of one object share its object and origin; findings of rules without aliases share one empty object', () => {
    const rule: Rule = {
      id: 'acme/two', pack: 'acme', severity: 'error', description: 'd', fix: 'f', kinds: ['*'],
      check: (s) => [{ message: `container '${s.manifest.metadata.name.slice(0, 3)}' breaks it` }, { message: 'plain', field: 'spec' }],
    };
    const subjects: Subject[] = ['app-1', 'app-2'].map((name, i) => ({ manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }, origin: { file: 'a.yaml', line: 1 + i } }));
    const [a1, a2, b1] = new Guardrails({ packs: [], rules: [rule] }, []).check(subjects).findings;
    expect(a1.object).toBe(a2.object);
    expect(a1.origin).toBe(subjects[0].origin);
    expect(a1.object).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', name: 'app-1', namespace: undefined });
    expect(b1.object).not.toBe(a1.object);
    expect(a1.aliases).toEqual({});
    expect(a1.aliases).toBe(b1.aliases);
  });
});
