import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * examples/shop synthesized by the real CLI must match, byte for byte, the
 * files in test/golden/shop: written before the synth was optimised (the
 * fast JSON path), and the reference for any later change. A change to the
 * output is a change users see; update the golden files on purpose, with a
 * CHANGELOG entry, by running:
 *   node bin/libk8s.js synth examples/shop/main.ts --out test/golden/shop
 */
const ROOT = path.resolve(__dirname, '..');
const GOLDEN = path.join(__dirname, 'golden', 'shop');

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

test('examples/shop output is byte-identical to the golden files', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-golden-'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'libk8s.js'), 'synth', 'examples/shop/main.ts', '--out', out, '--quiet'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const golden = tree(GOLDEN);
  // a file per construct (the default layout) and a kustomization, in each of dev and prod
  expect(Object.keys(golden).length).toBeGreaterThanOrEqual(10);
  expect(tree(out)).toEqual(golden);
});
