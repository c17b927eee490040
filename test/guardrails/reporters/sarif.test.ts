import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { BUILTIN_RULES, formatSarif, Report, Rule, SarifLog, toSarif, WebService } from 'libk8s';
import { newApp } from '../../support/apps';
import { fileReport, TEST_RULES } from './support';

/**
 * The OASIS SARIF 2.1.0 schema (draft-07), vendored: see test/fixtures/README.md.
 */
const SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const validateSarif = ajv.compile(SCHEMA);

function expectValid(log: unknown): void {
  const ok = validateSarif(log);
  expect(validateSarif.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

const ROOT = path.join(__dirname, '..', '..', '..');

describe('the SARIF log', () => {
  test('the vendored schema is the official SARIF 2.1.0 schema, and rejects a broken log', () => {
    expect(SCHEMA.$id).toBe('https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json');
    expect(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: { name: 'libk8s' } }, results: [{ ruleId: 'x', level: 'fatal', message: { text: 'm' } }] }] })).toBe(false);
  });

  test('validates against the SARIF 2.1.0 schema (check findings, input errors, an empty run)', () => {
    expectValid(JSON.parse(formatSarif(fileReport(), { rules: TEST_RULES })));
    expectValid(toSarif(fileReport(), { errors: [{ file: 'bad.yaml', line: 2, column: 3, message: 'malformed YAML: x' }, { file: 'odd file.yml', message: 'cannot be read' }] }));
    expectValid(toSarif({ findings: [], unchecked: [], objects: 0 }));
    expectValid(toSarif([]));
  });

  test('one run; the driver lists the rules that fired with description, help and level', () => {
    const log: SarifLog = toSarif(fileReport(), { rules: TEST_RULES });
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('libk8s');
    expect(driver.rules.map((r) => r.id)).toEqual(['acme/min-replicas', 'acme/cost-center', 'acme/cluster-ip']);
    expect(driver.rules[0]).toMatchObject({
      shortDescription: { text: 'Deployments run at least two replicas.' },
      help: { text: 'set spec.replicas to 2 or more.' },
      defaultConfiguration: { level: 'error' },
      properties: { pack: 'acme', aliases: { polaris: 'acmeReplicas', kubeLinter: 'acme-replicas' } },
    });
    expect(driver.rules.map((r) => r.defaultConfiguration.level)).toEqual(['error', 'warning', 'note']);
  });

  test('results carry ruleId, level, message, the file and line, and the object as a logical location', () => {
    const { results } = toSarif(fileReport(), { rules: TEST_RULES }).runs[0];
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([
      ['acme/min-replicas', 'error'], ['acme/cost-center', 'warning'], ['acme/cluster-ip', 'note'], ['acme/min-replicas', 'error'],
    ]);
    const first = results[0];
    expect(first.ruleIndex).toBe(0);
    expect(first.message.text).toBe("Deployment 'web' spec.replicas: runs 1 replica. Fix: set spec.replicas to 2 or more.");
    expect(first.locations).toEqual([{
      physicalLocation: { artifactLocation: { uri: 'deploy/web.yaml' }, region: { startLine: 1 } },
      logicalLocations: [{ name: 'Deployment/web', fullyQualifiedName: 'shop/Deployment/web', kind: 'resource' }],
    }]);
    expect(results[2].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'deploy/web.yaml' }, region: { startLine: 12 } });
    expect(first.suppressions).toBeUndefined();
    expect(first.partialFingerprints['libk8sFinding/v1']).toMatch(/^[0-9a-f]{32}$/);
  });

  test('a waived finding carries a suppression with the reason as justification (external for YAML files)', () => {
    const { results } = toSarif(fileReport()).runs[0];
    const waived = results.filter((r) => r.suppressions);
    expect(waived).toHaveLength(1);
    expect(waived[0].suppressions).toEqual([{ kind: 'external', justification: 'a batch runner, one at a time' }]);
    expect(waived[0].locations[0].physicalLocation!.region).toEqual({ startLine: 20 });
  });

  test('unchecked kinds and input errors are notifications of the invocation', () => {
    const { invocations } = toSarif(fileReport(), { errors: [{ file: 'bad.yaml', line: 2, column: 3, message: 'malformed YAML: x' }] }).runs[0];
    expect(invocations[0].executionSuccessful).toBe(false);
    expect(invocations[0].toolExecutionNotifications).toEqual([
      {
        level: 'error', message: { text: 'bad.yaml:2: malformed YAML: x' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'bad.yaml' }, region: { startLine: 2, startColumn: 3 } } }],
      },
      { level: 'note', message: { text: 'unchecked kind ConfigMap (1 object): no enabled rule looks at it' } },
    ]);
    expect(toSarif(fileReport()).runs[0].invocations[0].executionSuccessful).toBe(true);
    expect(toSarif(fileReport()).runs[0].properties).toEqual({ objects: 5, unchecked: [{ kind: 'ConfigMap', count: 1 }] });
  });

  test('uris are relative to the working directory with forward slashes and escapes; outside it, file: uris', () => {
    const base = fileReport().findings[0];
    const report = (file: string): Report => ({ findings: [{ ...base, origin: { file, line: 4 } }], unchecked: [], objects: 1 });
    const uri = (file: string) => toSarif(report(file), { cwd: '/repo' }).runs[0].results[0].locations[0].physicalLocation!.artifactLocation.uri;
    expect(uri('/repo/deploy/my app.yaml')).toBe('deploy/my%20app.yaml');
    expect(uri('deploy/web.yaml')).toBe('deploy/web.yaml');
    expect(uri('/elsewhere/web.yaml')).toBe('file:///elsewhere/web.yaml');
    expectValid(toSarif(report('/elsewhere/web.yaml'), { cwd: '/repo' }));
  });

  test('synth findings point at the program line, name the construct and environment; construct waivers are in source', () => {
    const rule: Rule = {
      id: 'acme/deploy-note', pack: 'acme', severity: 'info', description: 'Every Deployment is noted.', fix: 'nothing.', kinds: ['Deployment'],
      check: () => [{ message: 'noted', field: 'spec' }],
    };
    const app = newApp({ platform: { guardrails: { packs: [], rules: [rule] } } });
    new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront:1.4.2' }).waive('acme/deploy-note', 'noted in the runbook', { environment: 'dev' });
    const reports = app.check(app.render());
    const log = toSarif(reports, { rules: [rule], cwd: ROOT });
    expectValid(log);
    const [dev, prod] = log.runs[0].results;
    expect(prod.level).toBe('note');
    expect(prod.message.text).toBe("Deployment 'storefront' [prod] spec: noted. Fix: nothing.");
    const loc = prod.locations[0];
    expect(loc.physicalLocation!.artifactLocation.uri).toBe('test/guardrails/reporters/sarif.test.ts');
    expect(loc.physicalLocation!.region!.startLine).toBeGreaterThan(0);
    expect(loc.physicalLocation!.region!.startColumn).toBeGreaterThan(0);
    expect(loc.logicalLocations).toEqual([
      { name: 'storefront', fullyQualifiedName: 'shop/storefront', kind: 'construct' },
      { name: 'Deployment/storefront', fullyQualifiedName: 'prod/shop/Deployment/storefront', kind: 'resource' },
    ]);
    expect(prod.properties).toMatchObject({ environment: 'prod', construct: { kind: 'WebService', id: 'storefront', path: 'shop/storefront' } });
    expect(prod.suppressions).toBeUndefined();
    expect(dev.suppressions).toEqual([{ kind: 'inSource', justification: 'noted in the runbook' }]);
    expect(dev.partialFingerprints).not.toEqual(prod.partialFingerprints);
  });

  test('built-in rules are described without being passed; unknown ones fall back to their id', () => {
    const base = fileReport().findings[0];
    const builtin = BUILTIN_RULES[0];
    const findings = [{ ...base, rule: 'acme/unknown' }, ...(builtin ? [{ ...base, rule: builtin.id }] : [])];
    const rules = toSarif({ findings, unchecked: [], objects: 1 }).runs[0].tool.driver.rules;
    expect(rules[0].shortDescription.text).toBe('acme/unknown');
    if (builtin) expect(rules[1].shortDescription.text).toBe(builtin.description);
  });
});
