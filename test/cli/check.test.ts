import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { CheckOptions, collectFiles, runCheck } from '../../lib/cli/check';
import { parseManifests, readManifests } from '../../lib/guardrails/manifests';
import { main } from '../../lib/cli/main';
import { formatJson, formatSarif, Guardrails } from 'libk8s';
import { TEST_RULES } from '../guardrails/reporters/support';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'libk8s.js');
const DIR = path.join(__dirname, 'fixtures', 'check');

const validateSarif = (() => {
  const ajv = new Ajv({ allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8')));
})();

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-check-'));
}

/** The real CLI in a fresh node process, with the built-in packs. */
function cli(args: string[], cwd = DIR) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The tests' own rules instead of the built-in packs, so the findings are fixed. */
const OWN_RULES: CheckOptions = { guardrails: { packs: [], rules: TEST_RULES }, builtins: [] };

/** `libk8s check` in this process, with the tests' own rules. */
async function check(args: string[], options: { cwd?: string; color?: boolean; check?: CheckOptions } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s), cwd: options.cwd ?? DIR, color: { out: !!options.color, err: false } };
  const code = await runCheck(args, io, 'USAGE', options.check ?? OWN_RULES);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

async function inProcess(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), cwd: DIR });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('libk8s check: reading manifests', () => {
  test('a clean file exits 0 and still reports its info findings', async () => {
    const r = await check(['good.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'good.yaml',
      '  info  acme/cluster-ip  Service/web  good.yaml:43',
      '        type is ClusterIP',
      '        fix: use a ClusterIP behind the Gateway.',
      '',
      '0 errors, 0 warnings, 1 info, 0 waived; 2 objects checked',
    ]);
  });

  test('error findings exit 1; every document of a stream is checked, at its own first line', async () => {
    const r = await check(['bad.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      'bad.yaml',
      '  error    acme/min-replicas  Deployment/legacy  bad.yaml:2   (polaris: acmeReplicas)',
      '           spec.replicas: runs 1 replica',
      '           fix: set spec.replicas to 2 or more.',
      '  warning  acme/cost-center   Deployment/legacy  bad.yaml:2',
      '           metadata.labels: has no cost center',
      "           fix: add the label 'acme.dev/cost-center'.",
      '  error    acme/min-replicas  Deployment/batch   bad.yaml:32  (polaris: acmeReplicas)',
      '           spec.replicas: runs 1 replica',
      '           fix: set spec.replicas to 2 or more.',
      '',
      '2 errors, 1 warning, 0 info, 0 waived; 2 objects checked',
    ]);
  });

  test('waived errors do not fail the run, and are reported as waived', async () => {
    const waivers = [{ rule: 'acme/min-replicas', reason: 'a singleton by design' }];
    const r = await check(['bad.yaml'], { check: { guardrails: { packs: [], rules: TEST_RULES, waivers }, builtins: [] } });
    expect(r.code).toBe(0);
    // one line per waived rule by default; --verbose lists each with its reason
    expect(r.stdout).not.toContain('waived error: a singleton by design');
    expect(r.stdout).toMatch(/\n {2}waived {2}acme\/min-replicas {2}2 findings {2}"a singleton by design"\nlibk8s check --verbose lists each waived finding\.\n/);
    expect(r.stdout.split('\n').pop()).toBe('0 errors, 1 warning, 0 info, 2 waived; 2 objects checked');
    const verbose = await check(['bad.yaml', '--verbose'], { check: { guardrails: { packs: [], rules: TEST_RULES, waivers }, builtins: [] } });
    expect(verbose.code).toBe(0);
    expect(verbose.stdout).toContain('waived error: a singleton by design');
    expect(verbose.stdout).not.toContain('--verbose lists');
  });

  test('malformed YAML exits 1 naming the file, line and column; the documents before it are still checked', async () => {
    const r = await check(['malformed.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('libk8s check: malformed.yaml:13:1: malformed YAML: Flow sequence in block collection must be sufficiently indented and end with a ]');
    expect(r.stdout.split('\n').pop()).toBe('0 errors, 1 warning, 0 info, 0 waived; 1 object checked; unchecked kinds: ConfigMap (1)');
  });

  test('documents without apiVersion or kind are errors with their line', async () => {
    const r = await check(['values.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([
      'libk8s check: values.yaml:2: the document is not a Kubernetes object: it has no apiVersion and no kind',
      'libk8s check: values.yaml:6: the document is not a Kubernetes object: it has no apiVersion',
    ]);
    expect(r.stdout).toBe('0 errors, 0 warnings, 0 info, 0 waived; 0 objects checked');
  });

  test('a kind no rule understands is listed as unchecked, in every format', async () => {
    const table = await check(['widget.yaml']);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe('0 errors, 0 warnings, 0 info, 0 waived; 1 object checked; unchecked kinds: Widget (1)');
    const json = JSON.parse((await check(['widget.yaml', '--format', 'json'])).stdout);
    expect(json.unchecked).toEqual([{ kind: 'Widget', count: 1 }]);
    const sarif = JSON.parse((await check(['widget.yaml', '--format=sarif'])).stdout);
    expect(sarif.runs[0].properties.unchecked).toEqual([{ kind: 'Widget', count: 1 }]);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications).toEqual([
      { level: 'note', message: { text: 'unchecked kind Widget (1 object): no enabled rule looks at it' } },
    ]);
  });

  test('directories are read recursively in sorted order: *.yaml and *.yml, Lists expanded, hidden folders and node_modules skipped', async () => {
    const root = tmp();
    fs.cpSync(path.join(DIR, 'tree'), path.join(root, 'tree'), { recursive: true });
    for (const skipped of ['.hidden', 'node_modules/pkg']) {
      fs.mkdirSync(path.join(root, 'tree', skipped), { recursive: true });
      fs.writeFileSync(path.join(root, 'tree', skipped, 'x.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: { name: skipped }\n');
    }
    expect(collectFiles(['tree'], root)).toEqual({ files: [path.join(root, 'tree', 'a.yml'), path.join(root, 'tree', 'b', 'list.yaml')], missing: [], errors: [] });
    const r = await check(['tree', '--format', 'json'], { cwd: root });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.objects).toBe(3);
    expect(json.unchecked).toEqual([{ kind: 'ConfigMap', count: 1 }]);
    expect(json.findings.map((f: any) => [f.rule, `${f.object.kind}/${f.object.name}`, `${f.location.file}:${f.location.line}`])).toEqual([
      ['acme/min-replicas', 'Deployment/two', `${path.join('tree', 'b', 'list.yaml')}:13`],
      ['acme/cost-center', 'Deployment/two', `${path.join('tree', 'b', 'list.yaml')}:13`],
      ['acme/cluster-ip', 'Service/one', `${path.join('tree', 'b', 'list.yaml')}:5`],
    ]);
  });

  test('files given several times are read once; groups come in file order', async () => {
    const r = await check(['widget.yaml', 'bad.yaml', './bad.yaml']);
    expect(r.stdout.split('\n')[0]).toBe('bad.yaml');
    expect(r.stdout.split('\n').pop()).toBe('2 errors, 1 warning, 0 info, 0 waived; 3 objects checked; unchecked kinds: Widget (1)');
  });

  test('scalars read as Kubernetes reads them (YAML 1.1 booleans and octals, no timestamps)', () => {
    const { subjects, errors } = parseManifests([
      'apiVersion: v1', 'kind: Pod', 'metadata: { name: p, annotations: { since: 2024-01-01 } }',
      'spec:', '  hostNetwork: yes', '  containers: [{ name: a, image: "a:1", securityContext: { runAsNonRoot: on } }]',
      '  volumes: [{ name: v, configMap: { name: c, defaultMode: 0644 } }]',
    ].join('\n'), 'pod.yaml');
    expect(errors).toEqual([]);
    const m = subjects[0].manifest;
    expect(m.spec.hostNetwork).toBe(true);
    expect(m.spec.containers[0].securityContext.runAsNonRoot).toBe(true);
    expect(m.spec.volumes[0].configMap.defaultMode).toBe(0o644);
    expect(m.metadata.annotations.since).toBe('2024-01-01');
  });

  test('empty documents are skipped; a sequence or scalar document is an error', () => {
    const { subjects, errors } = parseManifests('---\n---\n- a\n- b\n---\nhello\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: n }\n---\n', 'x.yaml');
    expect(subjects.map((s) => [s.manifest.kind, s.origin.line])).toEqual([['Namespace', 8]]);
    expect(errors).toEqual([
      { file: 'x.yaml', line: 3, message: 'the document is not a Kubernetes object (a mapping with apiVersion and kind) but a sequence' },
      { file: 'x.yaml', line: 6, message: 'the document is not a Kubernetes object (a mapping with apiVersion and kind) but the string "hello"' },
    ]);
  });
});

describe('libk8s check: reading large streams document by document', () => {
  /**
   * 3,000 documents of varying length after as many `---`, with empty
   * documents, comments, `...` ends, a directive, CRLF lines, non-ASCII
   * text, and malformed documents in the middle; the line each object and
   * each error must be reported at.
   */
  function bigStream() {
    const lines: string[] = [];
    const objects: [string, number][] = [];
    const errors: { line: number; column?: number; message: string }[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 7 === 0) lines.push('---', '# an empty document');
      if (i % 250 === 0) lines.push('...', '%YAML 1.1');
      lines.push(i % 11 === 0 ? '--- # object' : '---');
      if (i % 500 === 250) {
        // malformed in the middle: the stream goes on after it
        lines.push('apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: broken-${i}`, '  labels: [unclosed', 'data: {}');
        errors.push({ line: lines.length, column: 1, message: 'malformed YAML: Flow sequence in block collection must be sufficiently indented and end with a ]' });
        continue;
      }
      if (i % 500 === 400) {
        lines.push('apiVersion: v1', 'metadata: { name: nokind }');
        errors.push({ line: lines.length - 1, message: 'the document is not a Kubernetes object: it has no kind' });
        continue;
      }
      objects.push([`cm-${i}`, lines.length + 1]);
      lines.push('apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: cm-${i}`, 'data:', '  note: "grüße, ≥ 😀"');
      for (let k = 0; k < i % 5; k++) lines.push(`  key${k}: |`, `    line ${k}`, '    ---not a marker', '    more');
    }
    const crlf = lines.map((l, n) => (n % 3 === 0 ? `${l}\r` : l));
    return { text: `${crlf.join('\n')}\n`, objects, errors };
  }

  test('objects and malformed documents after many `---` keep their file:line, read whole or in chunks of any size', () => {
    const { text, objects, errors } = bigStream();
    const file = path.join(tmp(), 'big.yaml');
    fs.writeFileSync(file, text);
    const expected = {
      objects,
      errors: errors.map((e) => ({ file: 'big.yaml', ...e })),
    };
    const shape = (r: { subjects: { manifest: any; origin: { line?: number } }[]; errors: unknown[] }) => ({
      objects: r.subjects.map((x): [string, number] => [x.manifest.metadata.name, x.origin.line!]), errors: r.errors,
    });
    expect(shape(parseManifests(text, 'big.yaml'))).toEqual(expected);
    // chunks that split lines, CRLF pairs and multi-byte characters
    for (const chunk of [7, 4096, 1 << 20]) expect(shape(readManifests(file, 'big.yaml', chunk))).toEqual(expected);
    const whole = readManifests(file, 'big.yaml');
    expect(whole.subjects[1].manifest.data).toEqual({ note: 'grüße, ≥ 😀', key0: 'line 0\n---not a marker\nmore\n' });
  });

  test('the CLI reports the malformed documents in the middle at their lines and checks the rest', async () => {
    const { text, objects, errors } = bigStream();
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'big.yaml'), text);
    const r = await check(['big.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual(errors.map((e) => `libk8s check: big.yaml:${e.line}${e.column ? `:${e.column}` : ''}: ${e.message}`));
    const json = JSON.parse(r.stdout);
    expect(json.objects).toBe(objects.length);
    const lines = new Map<string, number>(json.findings.map((f: any) => [f.object.name, f.location.line]));
    expect(objects.every(([name, line]) => lines.get(name) === line)).toBe(true);
  });
});

describe('libk8s check: symlinks', () => {
  /** tree/ with a good file, a self-referencing link, two links to each other, a link to its parent, a dangling link and a link to a sibling folder. */
  function loops(): string {
    const root = tmp();
    fs.mkdirSync(path.join(root, 'tree', 'sub'), { recursive: true });
    fs.copyFileSync(path.join(DIR, 'good.yaml'), path.join(root, 'tree', 'sub', 'good.yaml'));
    fs.symlinkSync('self.yaml', path.join(root, 'tree', 'self.yaml'));
    fs.symlinkSync('ping', path.join(root, 'tree', 'pong'));
    fs.symlinkSync('pong', path.join(root, 'tree', 'ping'));
    fs.symlinkSync('..', path.join(root, 'tree', 'sub', 'up'));
    fs.symlinkSync('sub', path.join(root, 'tree', 'again'));
    fs.symlinkSync('nowhere.yaml', path.join(root, 'tree', 'dangling.yaml'));
    return root;
  }

  test('a symlink loop is an input error naming it; a link back to a walked directory is not followed again', async () => {
    const root = loops();
    const loop = 'cannot be read: a symlink loop (ELOOP: too many levels of symbolic links)';
    expect(collectFiles(['tree'], root)).toEqual({
      files: [path.join(root, 'tree', 'sub', 'good.yaml')],
      missing: [],
      errors: ['ping', 'pong', 'self.yaml'].map((f) => ({ file: path.join('tree', f), message: loop })),
    });
    const r = await check(['tree'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual(['ping', 'pong', 'self.yaml'].map((f) => `libk8s check: ${path.join('tree', f)}: ${loop}`));
    expect(r.stdout.split('\n').pop()).toBe('0 errors, 0 warnings, 1 info, 0 waived; 2 objects checked');
  });

  test('a symlink loop given on the command line is an input error too, and the real CLI exits 1 without a stack trace', async () => {
    const root = loops();
    const r = await check([path.join('tree', 'self.yaml')], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`libk8s check: ${path.join('tree', 'self.yaml')}: cannot be read: a symlink loop (ELOOP: too many levels of symbolic links)`);
    const real = cli(['check', 'tree'], root);
    expect(real.code).toBe(1);
    expect(real.stderr.trim().split('\n')).toHaveLength(3);
    expect(real.stderr).not.toMatch(/\n\s+at /);
    expect(real.stdout).toContain(path.join('tree', 'sub', 'good.yaml'));
  });
});

describe('libk8s check: formats and output', () => {
  test('--format json prints the JSON report with the input errors', async () => {
    const r = await check(['bad.yaml', 'values.yaml', '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.ok).toBe(false);
    expect(json.summary).toEqual({ errors: 2, warnings: 1, info: 0, waived: 0, objects: 2 });
    // in the engine's order: object kind and name, severity, rule
    expect(json.findings.map((f: any) => [f.rule, f.object.name, f.location.line])).toEqual([
      ['acme/min-replicas', 'batch', 32], ['acme/min-replicas', 'legacy', 2], ['acme/cost-center', 'legacy', 2],
    ]);
    expect(json.findings[1]).toMatchObject({ severity: 'error', object: { kind: 'Deployment', name: 'legacy' }, location: { file: 'bad.yaml', line: 2 } });
    expect(json.errors).toEqual([
      { file: 'values.yaml', line: 2, message: 'the document is not a Kubernetes object: it has no apiVersion and no kind' },
      { file: 'values.yaml', line: 6, message: 'the document is not a Kubernetes object: it has no apiVersion' },
    ]);
    // the input errors go to stderr too, whatever the format
    expect(r.stderr).toContain('values.yaml:6:');
  });

  test('--format sarif --output FILE writes a valid SARIF log pointing at the YAML files', async () => {
    const out = path.join(tmp(), 'reports', 'check.sarif');
    const r = await check(['bad.yaml', 'malformed.yaml', '--format', 'sarif', '--output', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`libk8s check: 2 errors, 2 warnings, 0 info, 0 waived; 3 objects checked; unchecked kinds: ConfigMap (1); sarif report written to ${out}`);
    const log = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(validateSarif(log)).toBe(true);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((x: any) => x.id)).toEqual(['acme/min-replicas', 'acme/cost-center']);
    expect(run.results[1]).toMatchObject({
      ruleId: 'acme/min-replicas', level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'bad.yaml' }, region: { startLine: 2 } }, logicalLocations: [{ name: 'Deployment/legacy' }] }],
    });
    expect(run.invocations[0].executionSuccessful).toBe(false);
    expect(run.invocations[0].toolExecutionNotifications[0]).toMatchObject({
      level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'malformed.yaml' }, region: { startLine: 13, startColumn: 1 } } }],
    });
  });

  test('json and sarif are written in blocks as they are made: the same bytes on stdout and in a file, the text formatJson and formatSarif make', async () => {
    const dir = tmp();
    for (const format of ['json', 'sarif'] as const) {
      const out = path.join(dir, `check.${format}`);
      const printed = await check(['bad.yaml', 'values.yaml', 'malformed.yaml', '--format', format]);
      const written = await check(['bad.yaml', 'values.yaml', 'malformed.yaml', '--format', format, '--output', out]);
      expect(written.code).toBe(printed.code);
      const text = fs.readFileSync(out, 'utf8');
      // io.out adds the newline of each block it is given
      expect(`${printed.stdout}\n`).toBe(text);
      // the files in the order the CLI reads them: sorted
      const files = ['bad.yaml', 'malformed.yaml', 'values.yaml'];
      const subjects = files.flatMap((f) => readManifests(path.join(DIR, f), f).subjects);
      const engine = new Guardrails(OWN_RULES.guardrails, []);
      const report = engine.check(subjects);
      const errors = files.flatMap((f) => readManifests(path.join(DIR, f), f).errors);
      expect(text).toBe(format === 'json' ? formatJson(report, { errors, cwd: DIR }) : formatSarif(report, { rules: engine.known, errors, cwd: DIR }));
    }
  });

  test('colours only when the terminal takes them, never in a file', async () => {
    expect((await check(['bad.yaml'], { color: true })).stdout).toContain('\x1b[1;31merror  \x1b[0m');
    expect((await check(['bad.yaml'])).stdout).not.toContain('\x1b[');
    const out = path.join(tmp(), 'report.txt');
    await check(['bad.yaml', '-o', out], { color: true });
    expect(fs.readFileSync(out, 'utf8')).not.toContain('\x1b[');
    expect(fs.readFileSync(out, 'utf8')).toContain('Deployment/legacy');
  });

  test('--packs chooses built-in packs (none of the test rules is built in, so nothing fires)', async () => {
    const r = await check(['bad.yaml', '--packs', 'ownership'], { check: { builtins: [] } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('0 errors, 0 warnings, 0 info, 0 waived; 2 objects checked; unchecked kinds: Deployment (2)');
  });
});

describe('libk8s check: usage', () => {
  test.each([
    [['check'], 'libk8s check: give the YAML files or directories to check, e.g. libk8s check dist/prod.'],
    [['check', 'bad.yaml', '--fast'], 'libk8s check: unknown option --fast.'],
    [['check', 'bad.yaml', '--format', 'xml'], 'libk8s check: --format takes table, json or sarif, not "xml".'],
    [['check', 'bad.yaml', '--packs', 'pss,production'], 'libk8s check: --packs: "pss" is not a built-in pack (use some of: pss-baseline, pss-restricted, production, ownership).'],
    [['check', 'bad.yaml', '--output'], 'libk8s check: --output needs a value.'],
  ])('%j exits 2 with the usage', async (args, message) => {
    const r = await inProcess(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('Usage: libk8s <command>');
  });

  test('a path that does not exist exits 2 and names it', async () => {
    const r = await inProcess(['check', 'bad.yaml', 'nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('libk8s check: no file or directory nowhere.');
  });

  test('a directory without YAML files exits 2', async () => {
    const empty = tmp();
    fs.writeFileSync(path.join(empty, 'README.md'), '# nothing');
    const r = await inProcess(['check', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`libk8s check: found no YAML files (*.yaml, *.yml) in ${empty}.`);
  });

  test('check --help and the main usage describe the command', async () => {
    const help = await inProcess(['check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('check PATH...');
    expect(help.stdout).toContain('--format FORMAT   table (default), json or sarif.');
  });
});

describe('the real CLI with the built-in packs (smoke: the packs evolve)', () => {
  test('a restricted-compliant workload passes the Pod Security Standards', () => {
    const r = cli(['check', 'good.yaml', '--packs', 'pss-baseline,pss-restricted']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toMatch(/^0 errors, \d+ warnings?, \d+ info, 0 waived; 2 objects checked/);
  });

  test('a privileged root workload on the host network fails with errors at its file and line', () => {
    const r = cli(['check', 'bad.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('bad.yaml');
    expect(r.stdout).toContain('Deployment/legacy');
    expect(r.stdout).toContain('bad.yaml:2');
    expect(r.stdout).toContain('bad.yaml:32');
    expect(r.stdout).toContain('spec.template.spec.hostNetwork');
    expect(r.stdout.trim().split('\n').pop()).toMatch(/^[1-9]\d* errors?, /);
  });

  test('its SARIF is valid and its JSON lists the unchecked kinds', () => {
    const sarif = cli(['check', 'bad.yaml', 'widget.yaml', '--format', 'sarif']);
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout);
    expect(validateSarif(log)).toBe(true);
    expect(log.runs[0].results.length).toBeGreaterThan(0);
    const uris = new Set(log.runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri));
    expect(uris.has('bad.yaml')).toBe(true);
    expect([...uris].every((u) => u === 'bad.yaml' || u === 'widget.yaml')).toBe(true);
    const json = JSON.parse(cli(['check', 'widget.yaml', '--format', 'json', '--packs', 'pss-baseline']).stdout);
    expect(json.unchecked).toEqual([{ kind: 'Widget', count: 1 }]);
  });

  test('malformed YAML exits 1 naming the file and line', () => {
    const r = cli(['check', 'malformed.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('libk8s check: malformed.yaml:13:1: malformed YAML:');
  });

  test('a usage error exits 2', () => {
    const r = cli(['check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('libk8s check: give the YAML files or directories to check');
  });
});

describe('libk8s check over a synthesized output folder', () => {
  test("every environment's kustomization.yaml is kustomize's configuration, not an object: skipped below a directory", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-check-kustomize-'));
    fs.mkdirSync(path.join(dir, 'prod', 'shop'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'prod', 'shop', 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n');
    fs.writeFileSync(path.join(dir, 'prod', 'shop', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n');
    expect(collectFiles([dir], dir).files.map((f) => path.relative(dir, f))).toEqual([path.join('prod', 'shop', 'cm.yaml')]);
  });
});
