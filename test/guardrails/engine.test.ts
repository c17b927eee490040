import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Construct } from 'constructs';
import { blocking, Guardrails, GuardrailsError, Libk8sError, Rule, Subject, WebService } from 'libk8s';
import { newApp } from '../support/apps';
import { build, noDockerHub } from './programs/flagged';

/** A rule for tests: flags objects whose name starts with "bad". */
const badName: Rule = {
  id: 'test/bad-name', pack: 'test', severity: 'error', description: 'no bad names', fix: 'rename it',
  aliases: { polaris: 'badNameSet' }, kinds: ['Deployment', 'Service'],
  check: (s) => (s.manifest.metadata.name.startsWith('bad') ? [{ message: `name ${s.manifest.metadata.name}`, field: 'metadata.name' }] : []),
};

const subject = (kind: string, name: string, extra: Partial<Subject['origin']> = {}): Subject => ({
  manifest: { apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind, metadata: { name, namespace: 'ns' } },
  origin: { ...extra },
});

const PROGRAM = path.join(__dirname, 'programs', 'flagged.ts');
/** The line of the program that creates the flagged construct, found by its text. */
const FLAGGED_LINE = fs.readFileSync(PROGRAM, 'utf8').split('\n').findIndex((l) => l.includes('// the flagged line')) + 1;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-guard-'));
}

describe('the engine', () => {
  test('runs a rule only on its kinds and reports every violation with its field', () => {
    const report = new Guardrails({ packs: [], rules: [badName] }).check([subject('Deployment', 'bad-a'), subject('Service', 'bad-b'), subject('ConfigMap', 'bad-c'), subject('Deployment', 'ok')]);
    expect(report.findings.map((f) => `${f.object.kind}/${f.object.name} ${f.rule} ${f.field}`)).toEqual([
      'Deployment/bad-a test/bad-name metadata.name',
      'Service/bad-b test/bad-name metadata.name',
    ]);
    expect(report.objects).toBe(4);
  });

  test('lists kinds no rule understands as unchecked, never as passed', () => {
    const report = new Guardrails({ packs: [], rules: [badName] }).check([subject('ConfigMap', 'a'), subject('ConfigMap', 'b'), subject('Widget', 'w'), subject('Service', 's')]);
    expect(report.unchecked).toEqual([{ kind: 'ConfigMap', count: 2 }, { kind: 'Widget', count: 1 }]);
  });

  test('a rule on every kind does not make a kind checked', () => {
    const everyKind: Rule = { ...badName, id: 'test/every', kinds: ['*'] };
    const report = new Guardrails({ packs: [], rules: [everyKind] }).check([subject('Widget', 'bad-w')]);
    expect(report.findings.map((f) => f.rule)).toEqual(['test/every']);
    expect(report.unchecked).toEqual([{ kind: 'Widget', count: 1 }]);
  });

  test('the platform sets severities by id or alias, and turns rules off', () => {
    const byId = new Guardrails({ packs: [], rules: [badName], severities: { 'test/bad-name': 'warning' } }).check([subject('Deployment', 'bad')]);
    expect(byId.findings[0].severity).toBe('warning');
    expect(blocking(byId)).toEqual([]);
    expect(byId.policy?.filter((p) => p.rule).map((p) => [p.rule, p.from, p.to, p.problem])).toEqual([['test/bad-name', 'error', 'warning', 'needs a reason']]);
    const byAlias = new Guardrails({ packs: [], rules: [badName], severities: { badNameSet: 'info' } }).check([subject('Deployment', 'bad')]);
    expect(byAlias.findings[0].severity).toBe('info');
    expect(byAlias.policy?.filter((p) => p.rule)).toEqual([{ rule: 'test/bad-name', pack: 'test', from: 'error', to: 'info', problem: 'needs a reason', setting: 'severities.badNameSet' }]);
    const off = new Guardrails({ packs: [], rules: [badName], severities: { 'test/bad-name': { severity: 'off', reason: 'names are checked by the registry' } } }).check([subject('Deployment', 'bad')]);
    expect(off.findings).toEqual([]);
    expect(off.policy?.filter((p) => p.rule)).toEqual([{ rule: 'test/bad-name', pack: 'test', from: 'error', to: 'off', reason: 'names are checked by the registry', setting: 'severities.test/bad-name' }]);
    // the old plain form still turns the rule off, and is reported as needing a reason
    const plainOff = new Guardrails({ packs: [], rules: [badName], severities: { 'test/bad-name': 'off' } }).check([subject('Deployment', 'bad')]);
    expect(plainOff.findings).toEqual([]);
    expect(plainOff.policy?.filter((p) => p.rule).map((p) => p.problem)).toEqual(['needs a reason']);
  });

  test('a waiver marks the finding as waived with its reason, and it no longer blocks', () => {
    const engine = new Guardrails({ packs: [], rules: [badName], waivers: [{ rule: 'badNameSet', kind: 'Service', reason: 'legacy name kept for clients' }] });
    const report = engine.check([subject('Deployment', 'bad-a'), subject('Service', 'bad-b')]);
    expect(report.findings.map((f) => [f.object.kind, f.waived?.reason])).toEqual([['Deployment', undefined], ['Service', 'legacy name kept for clients']]);
    expect(blocking(report).map((f) => f.object.kind)).toEqual(['Deployment']);
  });

  test('configuration mistakes are all reported at once', () => {
    let error: Libk8sError | undefined;
    try {
      new Guardrails({ packs: ['nope' as never], rules: [badName, badName], severities: { 'no-such-rule': 'error' }, waivers: [{ rule: 'test/bad-name', reason: ' ' }, { rule: 'ghost', reason: 'x' }] });
    } catch (e) {
      error = e as Libk8sError;
    }
    expect(error).toBeInstanceOf(Libk8sError);
    expect(error!.problems.map((p) => `${p.prop}: ${p.message}`)).toEqual([
      'packs: "nope" is not a built-in pack',
      'rules: two rules have the id "test/bad-name"',
      'severities.no-such-rule: names no rule',
      'waivers[0]: waives "test/bad-name" without a reason',
      'waivers[1]: waives "ghost", which names no rule',
    ]);
  });
});

describe('guardrails in synth', () => {
  test('a finding names the file and line of the program that created the construct', () => {
    const app = build();
    const [report] = app.check(app.render());
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0];
    expect(f.rule).toBe('acme/no-docker-hub');
    expect(f.origin.construct).toEqual({ kind: 'WebService', id: 'flagged', path: 'shop/flagged' });
    expect(FLAGGED_LINE).toBeGreaterThan(20);
    expect(f.origin.location?.file).toBe(PROGRAM);
    expect(f.origin.location?.line).toBe(FLAGGED_LINE);
  });

  test('synth refuses to write while an error-level finding remains, and says where', () => {
    const out = tmp();
    const app = build(); const BUILD_LINE = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split('\n')[1])![1]);
    let error: GuardrailsError | undefined;
    try {
      app.synth({ outdir: out });
    } catch (e) {
      error = e as GuardrailsError;
    }
    expect(error?.name).toBe('GuardrailsError');
    // the call chain in the user's files: this test built the app by calling into the program
    expect(error!.message).toContain(`error acme/no-docker-hub at ${path.relative(process.cwd(), __filename)}:${BUILD_LINE} > ${path.relative(process.cwd(), PROGRAM)}:${FLAGGED_LINE}: Deployment 'flagged' [prod] (WebService 'flagged', shop/flagged) spec.template.spec.containers[0].image: container 'flagged' pulls docker.io/library/nginx:1.27. Fix: push the image to ghcr.io/acme and use that reference.`);
    expect(fs.readdirSync(out).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  test('through the CLI (TypeScript run by tsx), the finding names the same file and line', () => {
    const root = path.resolve(__dirname, '..', '..');
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'libk8s.js'), 'synth', path.join(__dirname, 'programs', 'run-flagged.ts'), '--out', tmp()], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`acme/no-docker-hub`);
    expect(r.stderr).toContain(`${path.relative(root, PROGRAM)}:${FLAGGED_LINE}`);
  });

  test('warn writes and returns the findings; off skips the guardrails', () => {
    const warned = build().synth({ outdir: tmp(), guardrails: 'warn' });
    expect(warned.reports![0].findings.map((f) => f.object.name)).toEqual(['flagged']);
    const off = build().synth({ outdir: tmp(), guardrails: 'off' });
    expect(off.reports).toEqual([]);
  });

  test('construct.waive(rule, reason) waives the rule for that construct only', () => {
    const app = build();
    (app.node.findChild('flagged') as WebService).waive('acme/no-docker-hub', 'upstream nginx until the mirror exists');
    const result = app.synth({ outdir: tmp() });
    expect(result.reports![0].findings.map((f) => [f.object.name, f.waived?.reason])).toEqual([['flagged', 'upstream nginx until the mirror exists']]);
  });

  test('a waiver without a reason, or for a rule that does not exist, is a program error', () => {
    const app = newApp({ platform: { guardrails: { packs: [], rules: [noDockerHub] } } });
    const group = new Construct(app, 'group');
    new WebService(group, 'api', { image: 'ghcr.io/acme/api:1.0.0' }).waive('acme/no-docker-hub', '');
    new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' }).waive('no-such-rule', 'because');
    expect(() => app.render()).toThrow(Libk8sError);
    try {
      app.render();
    } catch (e) {
      expect((e as Error).message).toContain(`WebService 'api' (shop/group/api): 'waive("acme/no-docker-hub")' waives "acme/no-docker-hub" without a reason. Fix: say why the rule does not apply here; waivers are reviewed and reported.`);
      expect((e as Error).message).toContain(`WebService 'web' (shop/web): 'waive("no-such-rule")' waives "no-such-rule", which names no rule.`);
    }
  });
});
