import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { parseCheckArgs } from '../lib/cli/check';
import { parseDiffArgs } from '../lib/cli/diff';
import { parseSynthArgs } from '../lib/cli/synth';

const ROOT = path.resolve(__dirname, '..');
const WORKFLOWS = [
  'examples/ci/deploy.yml',
  ...fs.readdirSync(path.join(ROOT, 'golden-paths')).map((p) => `golden-paths/${p}/.github/workflows/deploy.yml`),
].filter((f) => fs.existsSync(path.join(ROOT, f)));

/** Every `npx libk8s …` command line of a workflow's run steps. */
function libk8sCommands(file: string): string[][] {
  const wf = parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
  const steps = Object.values(wf.jobs as Record<string, { steps: { run?: string }[] }>).flatMap((j) => j.steps);
  return steps.flatMap((s) => (s.run ?? '').split(/&&|\|\||\n/)).map((l) => l.trim()).filter((l) => l.startsWith('npx libk8s '))
    .map((l) => l.replace(/\s*>.*$/, '').split(/\s+/).slice(2));
}

describe.each(WORKFLOWS)('the CI workflow %s', (file) => {
  const commands = libk8sCommands(file);

  test('runs synth, check as SARIF uploaded to code scanning, and the markdown diff on pull requests', () => {
    expect(commands.map((c) => c[0])).toEqual(['synth', 'check', 'diff']);
    const steps = Object.values(parse(fs.readFileSync(path.join(ROOT, file), 'utf8')).jobs as Record<string, { steps: { run?: string; uses?: string; if?: string }[] }>).flatMap((j) => j.steps);
    expect(steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))).toBe(true);
    const diff = steps.find((s) => s.run?.includes('libk8s diff'))!;
    // a pull request only; its exit code 3 (changes) must not fail the job
    expect(diff.if).toBe("github.event_name == 'pull_request'");
    expect(diff.run).toMatch(/--format markdown > diff\.md \|\| \[ \$\? -eq 3 \]$/);
  });

  test('every libk8s command line in it is one the CLI accepts', () => {
    for (const [command, ...args] of commands) {
      const parse = command === 'synth' ? parseSynthArgs : command === 'check' ? parseCheckArgs : parseDiffArgs;
      expect(() => parse(args)).not.toThrow();
    }
  });
});
