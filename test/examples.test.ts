import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readOutputObject } from './support/layout';
import { describeWithReference } from './support/reference';
import { conformanceProblems, readManifestTree } from './support/schemas';

const ROOT = path.resolve(__dirname, '..');

/** Runs an example with the real CLI, as the README says, into a temp folder. */
function synthExample(name: string, ...args: string[]): { out: string; stdout: string; stderr: string; code: number | null } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `libk8s-example-${name}-`));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'libk8s.js'), 'synth', `examples/${name}/main.ts`, '--out', out, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { out, stdout: r.stdout, stderr: r.stderr, code: r.status };
}

describe('examples/shop (the quickstart)', () => {
  test('synthesizes dev and prod with no findings but the stand-ins\' waived single replica and their Secrets Jobs\' kept runs', () => {
    // --verbose: each waived finding on its own row (by default one line per rule, below)
    const r = synthExample('shop', '--verbose');
    expect(r.stderr).toContain('0 errors, 0 warnings, 0 info, 4 waived');
    expect(r.stderr.match(/^ +waived +job-cleanup +Job\/(db|orders)-secrets +dev /gm)).toHaveLength(2);
    expect(r.stderr.match(/^ +waived +replicas-minimum +StatefulSet\/(db|orders) +dev /gm)).toHaveLength(2);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^shop dev: \d+ objects/m);
    expect(r.stdout).toMatch(/^shop prod: \d+ objects/m);
  });
});

describe('examples/web-services', () => {
  test('synthesizes dev and prod with no findings, with the prod overrides in prod only', () => {
    const r = synthExample('web-services');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const prodHpa = readOutputObject(r.out, 'prod/web/storefront/horizontalpodautoscaler.yaml');
    expect([prodHpa.spec.minReplicas, prodHpa.spec.maxReplicas]).toEqual([3, 30]);
    const devHpa = readOutputObject(r.out, 'dev/web/storefront/horizontalpodautoscaler.yaml');
    expect([devHpa.spec.minReplicas, devHpa.spec.maxReplicas]).toEqual([2, 10]);
    const catalogPolicy = readOutputObject(r.out, 'prod/web/catalog/networkpolicy.yaml');
    expect(catalogPolicy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'storefront' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }]);
  });
});

test('examples/shop without --verbose: the waived findings are one line per rule', () => {
  const r = synthExample('shop');
  expect(r.code).toBe(0);
  expect(r.stderr.split('\n').slice(0, 4)).toEqual([
    'Waived: 4 findings of 2 rules',
    '  waived  job-cleanup       2 findings  2 reasons',
    '  waived  replicas-minimum  2 findings  2 reasons',
    'libk8s synth --verbose lists each waived finding.',
  ]);
});

describe('examples/platform', () => {
  const r = synthExample('platform', '--verbose');

  test('synthesizes with the platform rules, reporting the waived finding with its reason and line', () => {
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^payments prod: \d+ objects/m);
    expect(r.stderr).toContain('acme/cost-center');
    expect(r.stderr).toContain('charged to the shared platform budget until FIN-88 assigns a code');
    expect(r.stderr).toMatch(/examples\/platform\/main\.ts:\d+/);
    expect(r.stderr).toContain('0 errors');
  });

  test('the platform defaults reach the output: gateway, priority class, cost center', () => {
    const route = readOutputObject(r.out, 'prod/payments/checkout/httproute.yaml');
    expect(route.spec.parentRefs[0]).toMatchObject({ name: 'acme-edge', namespace: 'edge', sectionName: 'https' });
    const deployment = readOutputObject(r.out, 'prod/payments/checkout/deployment.yaml');
    expect(deployment.spec.template.spec.priorityClassName).toBe('acme-standard');
    expect(deployment.metadata.annotations['acme.com/cost-center']).toBe('CC-2041');
  });

  test('the platform decides where resources come from: RDS in prod, the DBA team\'s Secret in staging, acme\'s AWS account for IAM', () => {
    const env = (e: string) => Object.fromEntries(readOutputObject(r.out, `${e}/payments/checkout/deployment.yaml`)
      .spec.template.spec.containers[0].env.map((v: any) => [v.name, v.valueFrom?.secretKeyRef?.name ?? v.value]));
    expect(env('staging').LEDGER_HOST).toBe('staging-ledger-credentials');
    expect(env('prod').LEDGER_HOST).toBe('ledger-connection');
    expect(fs.existsSync(path.join(r.out, 'staging/payments/ledger.yaml'))).toBe(false);
    expect(readOutputObject(r.out, 'prod/payments/ledger/instance.yaml').spec.forProvider).toMatchObject({ multiAz: true, dbSubnetGroupName: 'acme-private' });
    const policy = JSON.parse(readOutputObject(r.out, 'prod/payments/ledger-import/rolepolicy.yaml').spec.forProvider.policy);
    expect(policy.Statement).toEqual([{
      Sid: 'ReadStatements', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::acme-payments-prod-statements-111122223333', 'arn:aws:s3:::acme-payments-prod-statements-111122223333/*'],
    }]);
  });

  test('without the waiver the platform rule refuses the synth', () => {
    const source = fs.readFileSync(path.join(ROOT, 'examples/platform/main.ts'), 'utf8');
    const unwaived = source.replace(/\n\s*\.waive\([^)]*\)/, '');
    expect(unwaived).not.toBe(source);
    const file = path.join(ROOT, 'examples/platform', `.unwaived-${process.pid}.ts`);
    fs.writeFileSync(file, unwaived);
    try {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-unwaived-'));
      const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'libk8s.js'), 'synth', file, '--out', out], { cwd: ROOT, encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('acme/cost-center');
      expect(run.stderr).toContain('has no acme.com/cost-center annotation');
      expect(fs.readdirSync(out)).toEqual([]);
    } finally {
      fs.rmSync(file);
    }
  });
});

describeWithReference('examples output is valid for real clusters', () => {
  test.each(['shop', 'web-services', 'platform'])('examples/%s validates against the Kubernetes schemas and CRDs', (name) => {
    const r = synthExample(name);
    const objects = readManifestTree(r.out).filter((f) => !f.file.endsWith('kustomization.yaml')).flatMap((f) => f.objects);
    expect(objects.length).toBeGreaterThan(10);
    expect(conformanceProblems(objects)).toEqual([]);
  });
});
