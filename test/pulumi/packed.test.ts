/**
 * libk8s/pulumi as a published package: the `./pulumi` export resolves from
 * a project that installed the packed tarball, and `import 'libk8s'` never
 * loads (nor needs) a @pulumi package.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { packAndInstall } from './packed';

const ROOT = path.resolve(__dirname, '..', '..');

test("import 'libk8s' loads no @pulumi module (lib/index.ts, in a fresh process)", () => {
  const script = `
    require('./lib/index.ts');
    const loaded = Object.keys(require.cache);
    console.log(JSON.stringify({ pulumi: loaded.filter((f) => f.includes('@pulumi')), adapter: loaded.filter((f) => f.includes('/lib/pulumi/')), total: loaded.length }));
  `;
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout);
  expect(out.total).toBeGreaterThan(10);
  expect(out.pulumi).toEqual([]);
  expect(out.adapter).toEqual([]);
});

test("the packed tarball: require.resolve('libk8s/pulumi') works, and require('libk8s') works where @pulumi/* cannot be resolved", () => {
  const r = packAndInstall();
  expect(r.files).toEqual(expect.arrayContaining(['package/build/pulumi/index.js', 'package/build/pulumi/index.d.ts', 'package/build/pulumi/aws.js', 'package/build/index.js']));
  expect(r.files.filter((f) => f.includes('test/') || f.includes('examples/'))).toEqual([]);
  expect(r.resolved).toBe(path.join('node_modules', 'libk8s', 'build', 'pulumi', 'index.js'));
  expect(r.mainLoads).toBe(true);
  expect(r.pulumiLoadedByMain).toEqual([]);
  // without the peer dependencies, the adapter names what to install
  expect(r.pulumiError).toMatch(/Cannot find module '@pulumi\/(pulumi|kubernetes)'/);
}, 180_000);
