import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { objectNames, readObject } from './support/layout';
import { stringify } from 'yaml';

/**
 * The README is the user's manual: its quickstart program must work as
 * written. The test takes the first TypeScript block under "## Quickstart",
 * saves it as infra/main.ts of a fresh project and runs `libk8s synth`.
 */
const ROOT = path.resolve(__dirname, '..');
const DESIGN = path.resolve(ROOT, '..', 'shared', 'DESIGN.md');

/** The first TypeScript block of README.md after `heading`. */
function block(heading: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README.md has no ${heading}`);
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error(`README.md has no \`\`\`ts block after ${heading}`);
  return m[1];
}

function quickstart(): string {
  return block('## Quickstart');
}

/** Saves `program` as infra/main.ts of a fresh project and runs `libk8s synth` there. */
function synthProgram(program: string): { project: string; stdout: string; stderr: string; status: number | null } {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-readme-'));
  fs.mkdirSync(path.join(project, 'infra'));
  fs.writeFileSync(path.join(project, 'infra', 'main.ts'), program);
  fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { libk8s: [path.join(ROOT, 'lib', 'index.ts')] } } }));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'libk8s.js'), 'synth'], { cwd: project, encoding: 'utf8' });
  return { project, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

test("the README's quickstart synthesizes dev and prod as the README shows", () => {
  const r = synthProgram(quickstart());
  const project = r.project;
  // the dev stand-ins' single replica and their Secrets Jobs' kept runs are reported as waived, with their reasons, and nothing else
  expect(r.stderr).toContain('0 errors, 0 warnings, 0 info, 4 waived');
  expect(r.stderr).toMatch(/^ +waived +job-cleanup +2 findings +2 reasons$/m);
  expect(r.stderr).toMatch(/^ +waived +replicas-minimum +2 findings +2 reasons$/m);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^shop dev: \d+ objects/m);
  expect(r.stdout).toMatch(/^shop prod: \d+ objects/m);
  const listed = ['deployment', 'service', 'httproute', 'horizontalpodautoscaler', 'poddisruptionbudget', 'networkpolicy', 'serviceaccount'];
  // each construct is one <construct>.yaml (the default layout); its objects, named as their files in the object layout
  const files = (env: string, construct: string) => objectNames(path.join(project, 'dist', env, 'shop'), construct);
  expect(fs.readdirSync(path.join(project, 'dist', 'prod', 'shop')).sort()).toEqual(['db.yaml', 'fulfilment.yaml', 'kustomization.yaml', 'nightly-report.yaml', 'orders.yaml', 'storefront.yaml']);
  expect(files('dev', 'storefront')).toEqual([...listed].sort());
  expect(files('prod', 'storefront')).toEqual([...listed, 'role', 'rolepolicy'].sort());
  expect(files('prod', 'orders')).toEqual(['queue', 'queue-dlq', 'secret-connection']);
  expect(files('prod', 'db')).toEqual(['instance']);
  expect(files('prod', 'nightly-report')).toEqual(['cronjob', 'networkpolicy', 'serviceaccount']);
});

test("the README's porting walk-through is examples/porting/main.ts, word for word, and synthesizes with appProtocol, a ServiceMonitor and host:port wiring", () => {
  const program = block('## Porting an app from YAML');
  const example = fs.readFileSync(path.join(ROOT, 'examples', 'porting', 'main.ts'), 'utf8');
  expect(example.slice(example.indexOf('import '))).toBe(program);
  const r = synthProgram(program);
  expect(r.stderr).toContain('0 errors, 0 warnings');
  expect(r.status).toBe(0);
  const text = fs.readdirSync(path.join(r.project, 'dist', 'prod')).flatMap((app) => fs.readdirSync(path.join(r.project, 'dist', 'prod', app))
    .map((f) => fs.readFileSync(path.join(r.project, 'dist', 'prod', app, f), 'utf8'))).join('\n');
  expect(text).toMatch(/appProtocol: grpc/);
  expect(text).toMatch(/kind: ServiceMonitor/);
  expect(text).toMatch(/name: REDIS_ADDR\n\s+value: /);
});

test('the README quickstart is examples/shop/main.ts, word for word', () => {
  const example = fs.readFileSync(path.join(ROOT, 'examples', 'shop', 'main.ts'), 'utf8');
  expect(example.slice(example.indexOf('import '))).toBe(quickstart());
});

(fs.existsSync(DESIGN) ? test : test.skip)(`the README quickstart is the program of DESIGN.md, word for word${fs.existsSync(DESIGN) ? '' : ` (skipped: ${DESIGN} is absent)`}`, () => {
  const design = fs.readFileSync(DESIGN, 'utf8');
  const m = /```ts\n([\s\S]*?)```/.exec(design);
  expect(m?.[1]).toBe(quickstart());
});

test("the README's own-recipe example registers and uses the recipe", () => {
  const r = synthProgram(block('**Your own recipe.**'));
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const database = stringify(readObject(path.join(r.project, 'dist', 'prod', 'ledger'), 'db/database.yaml'));
  expect(database).toContain('kind: Database');
  expect(database).toMatch(/users:\n\s+- api/);
  const deployment = stringify(readObject(path.join(r.project, 'dist', 'prod', 'ledger'), 'api/deployment.yaml'));
  expect(deployment).toMatch(/name: DB_PASSWORD\n\s+valueFrom:\n\s+secretKeyRef:\n\s+key: password\n\s+name: db-connection/);
});

test("the README's crossplane-aws configuration synthesizes: RDS in the platform's account and region in prod, the external Secret in staging", () => {
  const r = synthProgram(block('Configure it once in the platform:'));
  expect(r.status).toBe(0);
  const instance = stringify(readObject(path.join(r.project, 'dist', 'prod', 'shop'), 'db/instance.yaml'));
  expect(instance).toContain('region: eu-central-1');
  expect(instance).toContain('dbSubnetGroupName: private');
  expect(fs.existsSync(path.join(r.project, 'dist', 'staging', 'shop', 'db.yaml'))).toBe(false);
  expect(objectNames(path.join(r.project, 'dist', 'dev', 'shop'), 'db')).toContain('statefulset');
});
