import * as fs from 'fs';
import * as path from 'path';
import { formatJson, Rule, toJsonReport, WebService } from 'libk8s';
import { newApp } from '../../support/apps';
import { fileReport } from './support';

const VERSION = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).version;

describe('the JSON report', () => {
  test('has the documented shape: version, tool, ok, summary, objects, unchecked, findings, policy, errors', () => {
    const json = JSON.parse(formatJson(fileReport()));
    expect(Object.keys(json)).toEqual(['version', 'tool', 'ok', 'summary', 'objects', 'unchecked', 'findings', 'policy', 'errors']);
    expect(json.policy).toEqual([]);
    expect(json.version).toBe(1);
    expect(json.tool).toEqual({ name: 'libk8s', version: VERSION });
    expect(json.ok).toBe(false);
    expect(json.summary).toEqual({ errors: 1, warnings: 1, info: 1, waived: 1, objects: 5 });
    expect(json.objects).toBe(5);
    expect(json.unchecked).toEqual([{ kind: 'ConfigMap', count: 1 }]);
    expect(json.errors).toEqual([]);
    expect(json.findings).toHaveLength(4);
  });

  test('a finding carries rule, severity, aliases, message, fix, field, object and location; optional fields are left out', () => {
    const json = JSON.parse(formatJson(fileReport()));
    expect(json.findings[0]).toEqual({
      rule: 'acme/min-replicas',
      pack: 'acme',
      severity: 'error',
      aliases: { polaris: 'acmeReplicas', kubeLinter: 'acme-replicas' },
      message: 'runs 1 replica',
      fix: 'set spec.replicas to 2 or more.',
      field: 'spec.replicas',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' },
      location: { file: 'deploy/web.yaml', line: 1 },
    });
    const service = json.findings.find((f: any) => f.object.kind === 'Service');
    expect(service).not.toHaveProperty('field');
    expect(service).not.toHaveProperty('waived');
    expect(service).not.toHaveProperty('environment');
    expect(service.object).not.toHaveProperty('namespace');
    const waived = json.findings.find((f: any) => f.waived);
    expect(waived).toMatchObject({ rule: 'acme/min-replicas', severity: 'error', waived: { reason: 'a batch runner, one at a time' }, object: { name: 'batch' } });
  });

  test('input errors make it not ok, and are listed', () => {
    const report = { findings: [], unchecked: [], objects: 0 };
    expect(toJsonReport(report).ok).toBe(true);
    const json = toJsonReport(report, { errors: [{ file: 'bad.yaml', line: 3, column: 5, message: 'malformed YAML: oops' }] });
    expect(json.ok).toBe(false);
    expect(json.errors).toEqual([{ file: 'bad.yaml', line: 3, column: 5, message: 'malformed YAML: oops' }]);
  });

  test('waived errors alone leave it ok', () => {
    const r = fileReport();
    expect(toJsonReport({ ...r, findings: r.findings.filter((f) => f.waived) }).ok).toBe(true);
  });

  test('synth findings name the environment, the construct and the program line, relative to the working directory', () => {
    const rule: Rule = { id: 'acme/deploy-note', pack: 'acme', severity: 'warning', description: 'd', fix: 'f', kinds: ['Deployment'], check: () => [{ message: 'noted' }] };
    const app = newApp({ platform: { guardrails: { packs: [], rules: [rule] } } });
    new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront:1.4.2' });
    const json = toJsonReport(app.check(app.render()), { cwd: path.join(__dirname, '..', '..', '..') });
    expect(json.ok).toBe(true);
    expect(json.findings.map((f) => f.environment)).toEqual(['dev', 'prod']);
    expect(json.findings[1]).toMatchObject({
      rule: 'acme/deploy-note',
      severity: 'warning',
      environment: 'prod',
      construct: { kind: 'WebService', id: 'storefront', path: 'shop/storefront' },
      object: { kind: 'Deployment', name: 'storefront', namespace: 'shop' },
      location: { file: path.join('test', 'guardrails', 'reporters', 'json.test.ts') },
    });
    expect(json.findings[1].location!.line).toBeGreaterThan(0);
    expect(json.findings[1].location!.column).toBeGreaterThan(0);
  });

  test('is indented JSON ending in a newline', () => {
    const text = formatJson(fileReport());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "version": 1,');
  });
});
