import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const ESLINT = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

/** Lints `code` as if it were the file `file` of the repository (nothing is written), with the repository's own config. */
function lint(file: string, code: string): string[] {
  const r = spawnSync(process.execPath, [ESLINT, '--stdin', '--stdin-filename', file, '--format', 'json'], { cwd: ROOT, input: code, encoding: 'utf8' });
  const results = JSON.parse(r.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return results.flatMap((x) => x.messages).filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message);
}

describe('the import boundaries of lib/ (npm run lint)', () => {
  test('core importing the guardrails fails the lint, naming the rule of the layer', () => {
    expect(lint('lib/core/violation.ts', "import { Guardrails } from '../guardrails/engine';\nexport const g = Guardrails;\n")).toEqual([
      'Unexpected path "../guardrails/engine" imported in restricted zone. lib/core may import nothing else in lib/ (the layer table in eslint.config.mjs).',
    ]);
  });

  test('guardrails importing the synth pipeline fails; guardrails importing core passes', () => {
    expect(lint('lib/guardrails/violation.ts', "import { synthPipeline } from '../synth/pipeline';\nimport { Libk8sError } from '../core/errors';\nexport const x = [synthPipeline, Libk8sError];\n")).toEqual([
      'Unexpected path "../synth/pipeline" imported in restricted zone. lib/guardrails may import only lib/core (the layer table in eslint.config.mjs).',
    ]);
  });

  test('the public entry importing the CLI fails: `import "libk8s"` never loads lib/cli', () => {
    expect(lint('lib/index.ts', "export { main } from './cli/main';\n")).toEqual([
      "Unexpected path \"./cli/main\" imported in restricted zone. lib/index.ts must not import lib/cli: `import 'libk8s'` never loads the CLI.",
    ]);
  });
});

describe("what `import 'libk8s'` loads", () => {
  test('the public entry loads no module of lib/cli, and every folder of lib/ it loads is a layer', () => {
    const script = `require(${JSON.stringify(path.join(ROOT, 'lib', 'index.ts'))});
      console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(path.join(ROOT, 'lib') + path.sep)}))));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const loaded = (JSON.parse(r.stdout) as string[]).map((f) => path.relative(path.join(ROOT, 'lib'), f).split(path.sep)[0]);
    expect(loaded).not.toContain('cli');
    expect([...new Set(loaded)].sort()).toEqual(['core', 'gitops', 'guardrails', 'index.ts', 'pod', 'recipes', 'resources', 'synth', 'wiring', 'workloads']);
  });
});
