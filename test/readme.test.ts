import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The README is the user's manual: its quickstart program must work as
 * written. The test takes the first TypeScript block under "## Quickstart",
 * saves it as infra/main.ts of a fresh project and runs `libk8s synth`.
 */
const ROOT = path.resolve(__dirname, '..');

function quickstart(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quickstart'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README.md has no ```ts block under ## Quickstart');
  return m[1];
}

test("the README's quickstart synthesizes dev and prod as the README shows", () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-readme-'));
  fs.mkdirSync(path.join(project, 'infra'));
  fs.writeFileSync(path.join(project, 'infra', 'main.ts'), quickstart());
  fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { libk8s: [path.join(ROOT, 'lib', 'index.ts')] } } }));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'libk8s.js'), 'synth'], { cwd: project, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^shop dev: \d+ objects/m);
  expect(r.stdout).toMatch(/^shop prod: \d+ objects/m);
  const listed = ['deployment', 'service', 'httproute', 'horizontalpodautoscaler', 'poddisruptionbudget', 'networkpolicy', 'serviceaccount'];
  for (const env of ['dev', 'prod']) {
    expect(fs.readdirSync(path.join(project, 'dist', env, 'shop', 'storefront')).map((f) => f.replace(/\.yaml$/, '')).sort()).toEqual([...listed].sort());
  }
});
