import { parseCheckArgs } from '../../lib/cli/check';
import { parseInitArgs } from '../../lib/cli/init';
import { parseSynthArgs } from '../../lib/cli/synth';

/** Every command parses its line with node:util parseArgs; its errors read as the CLI's own. */
const error = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
  throw new Error('expected a usage error');
};

describe('command lines', () => {
  test('both option forms, repeated lists, short flags and the entry file', () => {
    const a = parseSynthArgs(['app.ts', '--out=dist', '--env', 'dev,staging', '--env=prod', '-q', '--layout', 'object', '--verbose']);
    expect(a).toMatchObject({ entry: 'app.ts', out: 'dist', envs: ['dev', 'staging', 'prod'], quiet: true, verbose: true, layout: 'object' });
    expect(parseSynthArgs([])).toMatchObject({ entry: 'infra/main.ts', envs: [], quiet: false, verbose: false, delivery: {} });
    expect(parseCheckArgs(['dist', '-o', 'r.json', '--format', 'json', '--packs', 'production', '--packs=ownership'])).toEqual({
      paths: ['dist'], output: 'r.json', format: 'json', packs: ['production', 'ownership'], help: false, verbose: false,
    });
    expect(parseInitArgs(['web-service', 'svc', '--name', 'api'])).toEqual({ goldenPath: 'web-service', dir: 'svc', name: 'api', list: false });
  });

  test('unknown options, missing values, values given to flags and bad values are usage errors in words', () => {
    expect(error(() => parseSynthArgs(['--outt', 'dist']))).toBe('UsageError: unknown option --outt');
    expect(error(() => parseSynthArgs(['-x']))).toBe('UsageError: unknown option -x');
    expect(error(() => parseSynthArgs(['--out']))).toBe('UsageError: --out needs a value');
    expect(error(() => parseSynthArgs(['--out', '--quiet']))).toBe('UsageError: --out needs a value');
    expect(error(() => parseSynthArgs(['--quiet=yes']))).toBe('UsageError: --quiet takes no value');
    expect(error(() => parseSynthArgs(['--layout', 'flat']))).toBe('UsageError: --layout takes object or construct, not "flat"');
    expect(error(() => parseSynthArgs(['a.ts', 'b.ts']))).toBe('UsageError: only one entry file may be given (got a.ts and b.ts)');
    expect(error(() => parseCheckArgs(['-o']))).toBe('UsageError: --output needs a value');
    expect(error(() => parseInitArgs(['a', 'b', 'c']))).toBe('UsageError: too many arguments: c');
  });
});
