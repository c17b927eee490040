import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, WebService } from '../../lib';
import { CallSite, formatLocation } from '../../lib/core/source';

/**
 * Where a construct was made is the user's call chain: every frame in the
 * user's files, outermost first, innermost last, read from V8's structured
 * call sites (and source maps), so a project path with spaces, parentheses
 * or unicode keeps its file:line.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'libk8s.js');

/** A project in a folder whose path has a space, parentheses and non-ASCII letters. */
function project(): { dir: string; main: string; helper: string } {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-src-')), 'my shop (ü) ✓');
  fs.mkdirSync(path.join(dir, 'infra'), { recursive: true });
  const helper = path.join(dir, 'infra', 'services é.ts');
  fs.writeFileSync(helper, [
    "import { App, WebService } from 'libk8s';",
    '',
    '/** A team helper: every service of the shop is made here. */',
    'export function service(app: App, id: string): WebService {',
    "  const spaced: { readonly note: string } = { note: 'types are stripped before running' };",
    '  void spaced;',
    "  return new WebService(app, id, { image: 'registry.example.com/shop/' + id + ':1.0.0', replicas: 1 });",
    '}',
    '',
  ].join('\n'));
  // the program imports 'libk8s' as a project of this repository does: through its tsconfig's paths
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { libk8s: [path.join(ROOT, 'lib', 'index.ts')] } } }));
  const main = path.join(dir, 'infra', 'main.ts');
  fs.writeFileSync(main, [
    "import { App } from 'libk8s';",
    "import { service } from './services é';",
    '',
    "const app = new App({ name: 'shop', team: 'commerce', environments: { prod: { namespace: 'shop', domain: 'shop.example.com' } } });",
    '',
    "service(app, 'web');",
    'app.synth();',
    '',
  ].join('\n'));
  return { dir, main, helper };
}

describe('finding locations are the user\'s call chain', () => {
  test('a construct made in a helper: main.ts:line > helper.ts:line, in a path with spaces and unicode', () => {
    const { dir, main, helper } = project();
    const r = spawnSync(process.execPath, [BIN, 'synth', main, '--out', path.join(dir, 'dist')], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    // one replica in prod is a production-pack warning: the table after the write names where the construct was made
    expect(r.status).toBe(0);
    const at = `infra/main.ts:6 > infra/services é.ts:7`;
    const rows = r.stderr.split('\n').filter((l) => l.includes('Deployment/web'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toContain(at);
    expect(fs.existsSync(helper)).toBe(true);
  });

  test('in process (jest\'s own source maps): the chain ends at the innermost user frame, whose line is the call', () => {
    const make = () => new CallSite();
    const line = Number(new Error().stack!.split('\n')[1].match(/:(\d+):\d+\)?$/)![1]) + 1;
    const site = make();
    const loc = site.location!;
    expect(loc.file).toBe(__filename);
    expect(loc.line).toBe(line - 2);
    expect(loc.chain?.map((l) => [path.basename(l.file), l.line])).toEqual([[path.basename(__filename), line], [path.basename(__filename), line - 2]]);
    expect(formatLocation(loc)).toBe(`${path.relative(process.cwd(), __filename)}:${line} > ${path.relative(process.cwd(), __filename)}:${line - 2}`);
  });

  test('a construct made directly in the program has a single location, no chain', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { prod: { namespace: 'shop', domain: 'shop.example.com' } } });
    const line = Number(new Error().stack!.split('\n')[1].match(/:(\d+):\d+\)?$/)![1]) + 1;
    const web = new WebService(app, 'web', { image: 'registry.example.com/shop/web:1.0.0' });
    expect(web.location).toEqual({ file: __filename, line, column: expect.any(Number) });
  });
});
