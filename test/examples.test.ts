import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { describeWithReference } from './support/reference';
import { conformanceProblems, readManifestTree } from './support/schemas';

const ROOT = path.resolve(__dirname, '..');

/** Runs an example with the real CLI, as the README says, into a temp folder. */
function synthExample(name: string): { out: string; stdout: string; stderr: string; code: number | null } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `libk8s-example-${name}-`));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'libk8s.js'), 'synth', `examples/${name}/main.ts`, '--out', out], { cwd: ROOT, encoding: 'utf8' });
  return { out, stdout: r.stdout, stderr: r.stderr, code: r.status };
}

describe('examples/shop (the quickstart)', () => {
  test('synthesizes dev and prod with no findings but the stand-ins\' waived single replica and their Secrets Jobs\' kept runs', () => {
    const r = synthExample('shop');
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
    const prodHpa = parse(fs.readFileSync(path.join(r.out, 'prod/web/storefront/horizontalpodautoscaler.yaml'), 'utf8'));
    expect([prodHpa.spec.minReplicas, prodHpa.spec.maxReplicas]).toEqual([3, 30]);
    const devHpa = parse(fs.readFileSync(path.join(r.out, 'dev/web/storefront/horizontalpodautoscaler.yaml'), 'utf8'));
    expect([devHpa.spec.minReplicas, devHpa.spec.maxReplicas]).toEqual([2, 10]);
    const catalogPolicy = parse(fs.readFileSync(path.join(r.out, 'prod/web/catalog/networkpolicy.yaml'), 'utf8'));
    expect(catalogPolicy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'storefront' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }]);
  });
});

describe('examples/platform', () => {
  const r = synthExample('platform');

  test('synthesizes with the platform rules, reporting the waived finding with its reason and line', () => {
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^payments prod: \d+ objects/m);
    expect(r.stderr).toContain('acme/cost-center');
    expect(r.stderr).toContain('charged to the shared platform budget until FIN-88 assigns a code');
    expect(r.stderr).toMatch(/examples\/platform\/main\.ts:\d+/);
    expect(r.stderr).toContain('0 errors');
  });

  test('the platform defaults reach the output: gateway, priority class, cost center', () => {
    const route = parse(fs.readFileSync(path.join(r.out, 'prod/payments/checkout/httproute.yaml'), 'utf8'));
    expect(route.spec.parentRefs[0]).toMatchObject({ name: 'acme-edge', namespace: 'edge', sectionName: 'https' });
    const deployment = parse(fs.readFileSync(path.join(r.out, 'prod/payments/checkout/deployment.yaml'), 'utf8'));
    expect(deployment.spec.template.spec.priorityClassName).toBe('acme-standard');
    expect(deployment.metadata.annotations['acme.com/cost-center']).toBe('CC-2041');
  });

  test('the platform decides where resources come from: RDS in prod, the DBA team\'s Secret in staging, acme\'s AWS account for IAM', () => {
    const env = (e: string) => Object.fromEntries(parse(fs.readFileSync(path.join(r.out, e, 'payments/checkout/deployment.yaml'), 'utf8'))
      .spec.template.spec.containers[0].env.map((v: any) => [v.name, v.valueFrom?.secretKeyRef?.name ?? v.value]));
    expect(env('staging').LEDGER_HOST).toBe('staging-ledger-credentials');
    expect(env('prod').LEDGER_HOST).toBe('ledger-connection');
    expect(fs.existsSync(path.join(r.out, 'staging/payments/ledger'))).toBe(false);
    expect(parse(fs.readFileSync(path.join(r.out, 'prod/payments/ledger/instance.yaml'), 'utf8')).spec.forProvider).toMatchObject({ multiAz: true, dbSubnetGroupName: 'acme-private' });
    const policy = JSON.parse(parse(fs.readFileSync(path.join(r.out, 'prod/payments/ledger-import/rolepolicy.yaml'), 'utf8')).spec.forProvider.policy);
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
