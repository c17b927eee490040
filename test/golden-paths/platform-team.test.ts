import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Libk8sError } from 'libk8s';
import { acmeApp, AcmeWorker, acmeWaive, acmeImage } from '../../examples/platform-team/index';
import { stringify } from 'yaml';
import { readOutputObject } from '../support/layout';

const ROOT = path.resolve(__dirname, '..', '..');

describe('examples/platform-team', () => {
  test('its app synthesizes every environment; only the waivers of the platform, the recipe and the app remain', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-acme-'));
    const report = path.join(out, 'report.json');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'libk8s.js'), 'synth', 'examples/platform-team/app/infra/main.ts', '--out', out, '--report', report], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^payments dev: .*\npayments staging: .*\npayments prod: /);
    const findings = JSON.parse(fs.readFileSync(report, 'utf8')).findings as { rule: string; waived?: { reason: string } }[];
    expect(findings.filter((f) => !f.waived)).toEqual([]);
    expect(findings.find((f) => f.rule === 'acme/registry')?.waived?.reason).toBe('SEC-412: vendor image, mirrored from Q3');
    const deployment = stringify(readOutputObject(out, 'prod/payments/checkout/deployment.yaml'));
    expect(deployment).toContain('image: registry.acme.example/payments/checkout:3.2.0');
    expect(deployment).toContain('acme.com/cost-center: CC-2042');
    expect(deployment).toContain('acme.com/team: payments');
  });

  test('the waiver policy: a reason without a ticket, or a Pod Security Standards rule, is refused', () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', environments: ['prod'] });
    const w = new AcmeWorker(app, 'w', { image: 'w:1.0.0' });
    expect(() => acmeWaive(w, 'acme/registry', 'because')).toThrow(Libk8sError);
    expect(() => acmeWaive(w, 'acme/registry', 'because')).toThrow('the reason "because" names no ticket');
    expect(() => acmeWaive(w, 'pss-restricted-run-as-non-root', 'SEC-1: legacy')).toThrow("Acme's waiver policy never waives");
    expect(acmeWaive(w, 'acme/registry', 'SEC-1: vendor image')).toBe(w);
  });

  test('acmeImage: a bare name gets the registry and the team; a reference with a registry host is kept', () => {
    expect(acmeImage('api:1.0.0', 'shop')).toBe('registry.acme.example/shop/api:1.0.0');
    expect(acmeImage('other-team/api:1.0.0', 'shop')).toBe('registry.acme.example/other-team/api:1.0.0');
    expect(acmeImage('ghcr.io/acme/api:1.0.0', 'shop')).toBe('ghcr.io/acme/api:1.0.0');
    expect(acmeImage('localhost:5000/api:1.0.0', 'shop')).toBe('localhost:5000/api:1.0.0');
  });
});
