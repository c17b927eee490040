/**
 * The report of `npm run bench`: markdown tables (ready for the README's
 * Performance section) and each target of the issue with PASS/FAIL.
 */
import type { CheckResult } from './check-part';
import type { InstallResult } from './install';
import type { ColdResult, FsName, Program, ResynthResult, StagesResult, WholeResult } from './measure';
import { formatProfile, ProfileSummary } from './profile';
import type { LayoutName, StageTimes } from './stages';
import { LAYOUTS } from './stages';
import { fmtInt, fmtMB, fmtMs, fmtSeries, median, Series } from './stats';

/** The issue's targets. */
export const TARGET = {
  n: 1000, speedup: 10, growth: 2.2, diskOverTmpfs: 1.3, oneChangeFiles: 10, resynthOverTmpfs: 1.2, coldMs: 250, rssMB: 250, checkGrowthSlack: 1.3,
};

export interface Results {
  readonly whole: readonly WholeResult[];
  readonly resynth: readonly ResynthResult[];
  readonly stages: readonly StagesResult[];
  readonly cold?: ColdResult;
  readonly install?: InstallResult | { readonly error: string };
  readonly check?: CheckResult | { readonly error: string };
}

export interface Check {
  readonly name: string;
  readonly pass: boolean | undefined;
  readonly detail: string;
}

const LABEL: Record<Program, string> = { object: 'libk8s --layout object, a file per object', construct: 'libk8s, a file per construct (default)', baseline: 'cdk8s-plus-27, chart per service' };

function whole(r: Results, n: number, fsName: FsName, p: Program) {
  return r.whole.find((w) => w.n === n && w.fs === fsName)?.programs[p];
}

const missing = (why: string) => ({ pass: undefined, detail: `not measured (${why})` });
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}`;

export function checks(r: Results): Check[] {
  const out: Check[] = [];
  const n = TARGET.n;
  for (const p of ['object', 'construct'] as const) {
    const lib = whole(r, n, 'disk', p);
    const base = whole(r, n, 'disk', 'baseline');
    const tag = p === 'object' ? '' : ' [--layout construct]';
    out.push({
      name: `1,000 WebServices, whole process, real disk: >= ${TARGET.speedup}x faster than the cdk8s-plus-27 baseline${tag}`,
      ...(lib && base ? { pass: base.ms.median / lib.ms.median >= TARGET.speedup, detail: `${ratio(base.ms.median, lib.ms.median)}x (baseline ${fmtMs(base.ms.median)} ms / libk8s ${fmtMs(lib.ms.median)} ms)` } : missing('needs N=1000 on the disk, with the baseline')),
    });
    const two = whole(r, 2 * n, 'disk', p);
    out.push({
      name: `t(2,000)/t(1,000) <= ${TARGET.growth}, whole process, real disk${tag}`,
      ...(lib && two ? { pass: two.ms.median / lib.ms.median <= TARGET.growth, detail: `${ratio(two.ms.median, lib.ms.median)} (${fmtMs(two.ms.median)} / ${fmtMs(lib.ms.median)} ms; on tmpfs ${tmpfsGrowth(r, p)})` } : missing('needs N=1000 and N=2000 on the disk')),
    });
    const tmp = whole(r, n, 'tmpfs', p);
    out.push({
      name: `1,000 WebServices: real disk <= ${TARGET.diskOverTmpfs}x tmpfs, whole process${tag}`,
      ...(lib && tmp ? { pass: lib.ms.median / tmp.ms.median <= TARGET.diskOverTmpfs, detail: `${ratio(lib.ms.median, tmp.ms.median)} (${fmtMs(lib.ms.median)} / ${fmtMs(tmp.ms.median)} ms)` } : missing('needs N=1000 on both')),
    });
  }
  const rs = r.resynth.find((x) => x.n === n && x.fs === 'disk');
  const fullTmpfs = whole(r, n, 'tmpfs', 'object');
  out.push({
    name: 'No-change re-synth of 1,000 services writes 0 files',
    ...(rs ? { pass: rs.noChange.written === 0 && rs.noChange.removed === 0, detail: `${rs.noChange.written} written, ${rs.noChange.removed} removed (libk8s says: ${rs.noChange.said})` } : missing('needs the re-synth part')),
  });
  out.push({
    name: `One-service change among 1,000 writes <= ${TARGET.oneChangeFiles} files`,
    ...(rs ? { pass: rs.oneChange.written + rs.oneChange.removed <= TARGET.oneChangeFiles, detail: `${rs.oneChange.written} written, ${rs.oneChange.removed} removed (libk8s says: ${rs.oneChange.said}; plus the switch's own: 3 .gitignore files and the journal, twice)` } : missing('needs the re-synth part')),
  });
  for (const kind of ['noChange', 'oneChange'] as const) {
    out.push({
      name: `${kind === 'noChange' ? 'No-change' : 'One-change'} re-synth on the real disk <= ${TARGET.resynthOverTmpfs}x the tmpfs time of a full synth`,
      ...(rs && fullTmpfs ? { pass: rs[kind].ms.median / fullTmpfs.ms.median <= TARGET.resynthOverTmpfs, detail: `${ratio(rs[kind].ms.median, fullTmpfs.ms.median)} (${fmtMs(rs[kind].ms.median)} / ${fmtMs(fullTmpfs.ms.median)} ms)` } : missing('needs the re-synth part and N=1000 on tmpfs')),
    });
  }
  const cold = r.cold;
  const packed = r.install && 'coldStart' in r.install ? r.install.coldStart : undefined;
  out.push({
    name: `Cold libk8s synth of the quickstart <= ${TARGET.coldMs / 1000} s whole process (repository CLI, through tsx)`,
    ...(cold ? { pass: cold.synth.median <= TARGET.coldMs, detail: `${fmtMs(cold.synth.median)} ms (node -e 0: ${fmtMs(cold.node.median)} ms)` } : missing('needs the cold part')),
  });
  out.push({
    name: `Cold libk8s synth of the quickstart <= ${TARGET.coldMs / 1000} s whole process (the packed package, installed)`,
    ...(packed ? { pass: packed.warm.median <= TARGET.coldMs, detail: `${fmtMs(packed.warm.median)} ms (node -e 0: ${cold ? fmtMs(cold.node.median) : 'n/a'} ms)` } : missing('needs the install part')),
  });
  const rss = whole(r, n, 'disk', 'object') ?? whole(r, n, 'tmpfs', 'object');
  out.push({
    name: `Peak RSS at 1,000 <= ${TARGET.rssMB} MB (whole libk8s synth process)`,
    ...(rss ? { pass: rss.rssMB.median <= TARGET.rssMB, detail: `${rss.rssMB.median.toFixed(0)} MB (max ${rss.rssMB.max.toFixed(0)})` } : missing('needs N=1000')),
  });
  if (r.check && 'rows' in r.check) {
    for (const layout of ['one-file', 'many-files'] as const) {
      const rows = r.check.rows.filter((x) => x.layout === layout).sort((a, b) => a.n - b.n);
      if (rows.length < 2) continue;
      const [lo, hi] = [rows[0], rows[rows.length - 1]];
      const limit = (hi.n / lo.n) * TARGET.checkGrowthSlack;
      out.push({ name: `libk8s check ${layout}: t(${fmtInt(hi.n)})/t(${fmtInt(lo.n)}) <= ${limit.toFixed(1)} (linear within 30%)`, pass: hi.ms / lo.ms <= limit, detail: `${ratio(hi.ms, lo.ms)} (${fmtMs(hi.ms)} / ${fmtMs(lo.ms)} ms)` });
    }
  }
  return out;
}

function tmpfsGrowth(r: Results, p: Program): string {
  const a = whole(r, TARGET.n, 'tmpfs', p);
  const b = whole(r, 2 * TARGET.n, 'tmpfs', p);
  return a && b ? ratio(b.ms.median, a.ms.median) : 'n/a';
}

/** The median of one stage figure over the runs. */
function stage(s: StagesResult | undefined, f: (t: StageTimes) => number): number {
  return s && s.runs.length ? median(s.runs.map(f)) : NaN;
}

export function report(header: readonly string[], r: Results, results: readonly Check[], profiles: readonly { fs: FsName; n: number; summary: ProfileSummary }[]): string {
  const lines: string[] = [...header, ''];
  const sizes = [...new Set(r.whole.map((w) => w.n))].sort((a, b) => a - b);
  if (r.whole.length) {
    lines.push('Whole processes (spawn to exit, measured from outside): `libk8s synth bench/main.ts --out DIR` (the CLI, the program through tsx), the baseline `node --import tsx bench/child.ts baseline`.');
    lines.push('');
    lines.push('| N services | program | file system | objects | files | MB | whole process, median (min–max) | inside the process | peak RSS MB | baseline / libk8s |');
    lines.push('|---:|---|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const n of sizes) {
      for (const fsName of ['disk', 'tmpfs'] as const) {
        const base = whole(r, n, fsName, 'baseline');
        for (const p of ['object', 'construct', 'baseline'] as const) {
          const x = whole(r, n, fsName, p);
          if (!x) continue;
          const speedup = p !== 'baseline' && base ? `**${ratio(base.ms.median, x.ms.median)}×**` : '';
          lines.push(`| ${fmtInt(n)} | ${LABEL[p]} | ${fsName} | ${fmtInt(x.objects)} | ${fmtInt(x.files)} | ${fmtMB(x.bytes)} | ${fmtSeries(x.ms)} | ${fmtMs(x.insideMs.median)} ms | ${x.rssMB.median.toFixed(0)} | ${speedup} |`);
        }
      }
    }
    lines.push('');
    lines.push('| ratio | file system | ' + (['object', 'construct', 'baseline'] as const).map((p) => LABEL[p]).join(' | ') + ' |');
    lines.push('|---|---|---:|---:|---:|');
    for (let i = 1; i < sizes.length; i++) {
      for (const fsName of ['disk', 'tmpfs'] as const) {
        const cells = (['object', 'construct', 'baseline'] as const).map((p) => {
          const a = whole(r, sizes[i - 1], fsName, p);
          const b = whole(r, sizes[i], fsName, p);
          return a && b ? ratio(b.ms.median, a.ms.median) : 'n/a';
        });
        lines.push(`| t(${fmtInt(sizes[i])}) / t(${fmtInt(sizes[i - 1])}) | ${fsName} | ${cells.join(' | ')} |`);
      }
    }
    for (const n of sizes) {
      const cells = (['object', 'construct', 'baseline'] as const).map((p) => {
        const a = whole(r, n, 'disk', p);
        const b = whole(r, n, 'tmpfs', p);
        return a && b ? ratio(a.ms.median, b.ms.median) : 'n/a';
      });
      lines.push(`| disk / tmpfs at ${fmtInt(n)} | | ${cells.join(' | ')} |`);
    }
  }
  if (r.stages.length) {
    const [d, t] = [r.stages.find((s) => s.fs === 'disk'), r.stages.find((s) => s.fs === 'tmpfs')];
    const n = (d ?? t)!.n;
    lines.push('');
    lines.push(`Stages at N = ${fmtInt(n)}, inside one process (bench/stages.ts), median of ${(d ?? t)!.runs.length} processes per file system:`);
    lines.push('');
    lines.push('| stage | what | disk, ms | tmpfs, ms |');
    lines.push('|---|---|---:|---:|');
    const row = (name: string, what: string, f: (x: StageTimes) => number) => lines.push(`| ${name} | ${what} | ${fmtMs(stage(d, f))} | ${fmtMs(stage(t, f))} |`);
    row('construct', 'new App + N × new WebService', (x) => x.construct);
    row('validate', 'app.validate() on its own (render validates again)', (x) => x.validate);
    row('render', 'app.render()', (x) => x.render);
    const s0 = (d ?? t)!.runs[0];
    row('guardrails', `app.check(): ${s0.rules} rules, ${s0.findings} findings`, (x) => x.guardrails);
    row('serialize', 'YAML of every object + kustomization', (x) => x.serialize);
    row('**write**', 'a fresh synth\'s write, a file per object (journaled, all-or-nothing)', (x) => x.write);
    lines.push('');
    lines.push('The write stage against its floors, and by layout (fresh output folder; `journaled`: as synth writes it, staging + journal + renames; `plain`: straight into the folder, no guarantee):');
    lines.push('');
    lines.push('| write | files | folders | MB | disk, journaled | disk, plain | tmpfs, journaled | tmpfs, plain |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    const names: Record<LayoutName, string> = { object: 'a file per object (`--layout object`)', construct: 'a file per construct (default)', single: 'one file per environment (+ kustomization)' };
    for (const l of LAYOUTS) {
      const x = s0.layouts[l];
      lines.push(`| ${names[l]} | ${fmtInt(x.files)} | ${fmtInt(x.dirs)} | ${fmtMB(x.bytes)} | ${fmtMs(stage(d, (y) => y.layouts[l].journaled))} | ${fmtMs(stage(d, (y) => y.layouts[l].plain))} | ${fmtMs(stage(t, (y) => y.layouts[l].journaled))} | ${fmtMs(stage(t, (y) => y.layouts[l].plain))} |`);
    }
    lines.push(`| floor: the same bytes as one file (one writeFileSync) | 1 | – | ${fmtMB(s0.layouts.object.bytes)} | | ${fmtMs(stage(d, (y) => y.oneFile))} | | ${fmtMs(stage(t, (y) => y.oneFile))} |`);
    if (r.cold) lines.push(`| floor: \`node -e 0\` (a whole process that does nothing) | | | | | ${fmtMs(r.cold.node.median)} | | |`);
    lines.push(`| the journal alone: written, fsync'd, renamed, folder fsync'd, twice | 1 | – | – | ${fmtMs(stage(d, (y) => y.journal))} | | ${fmtMs(stage(t, (y) => y.journal))} | |`);
    lines.push('');
    lines.push('Re-synth writes over the object layout\'s output (the write stage only; what the compare costs is in `no change`):');
    lines.push('');
    lines.push('| re-synth write | disk, ms | tmpfs, ms |');
    lines.push('|---|---:|---:|');
    lines.push(`| nothing changed: every file read and compared, nothing written | ${fmtMs(stage(d, (x) => x.rewrite.noChange))} | ${fmtMs(stage(t, (x) => x.rewrite.noChange))} |`);
    lines.push(`| one service changed: ${s0.rewrite.oneChangeFiles} files switched one by one (journaled) | ${fmtMs(stage(d, (x) => x.rewrite.oneChange))} | ${fmtMs(stage(t, (x) => x.rewrite.oneChange))} |`);
    lines.push(`| the same ${s0.rewrite.oneChangeFiles} files written in place, no guarantee | ${fmtMs(stage(d, (x) => x.rewrite.oneChangePlain))} | ${fmtMs(stage(t, (x) => x.rewrite.oneChangePlain))} |`);
    lines.push(`| every file changed: the whole folder written, the previous one deleted | ${fmtMs(stage(d, (x) => x.rewrite.allChanged))} | ${fmtMs(stage(t, (x) => x.rewrite.allChanged))} |`);
  }
  if (r.resynth.length) {
    lines.push('');
    lines.push('Re-synth, whole `libk8s synth` processes over their own output (files written counted from inodes and mtimes):');
    lines.push('');
    lines.push('| N | file system | re-synth | whole process, median (min–max) | files written | removed | libk8s says |');
    lines.push('|---:|---|---|---:|---:|---:|---|');
    for (const x of r.resynth) {
      for (const kind of ['noChange', 'oneChange'] as const) {
        const s = x[kind];
        lines.push(`| ${fmtInt(x.n)} | ${x.fs} | ${kind === 'noChange' ? 'nothing changed' : 'one service changed'} | ${fmtSeries(s.ms)} | ${s.written} | ${s.removed} | ${s.said} |`);
      }
    }
  }
  if (r.cold) {
    const c = r.cold;
    const packed = r.install && 'coldStart' in r.install ? r.install.coldStart : undefined;
    lines.push('');
    lines.push('| cold start, whole process (output on tmpfs) | median (min–max) |');
    lines.push('|---|---:|');
    lines.push(`| \`node -e 0\` | ${fmtSeries(c.node)} |`);
    lines.push(`| \`node -e "require('tsx/cjs/api').register()"\` (tsx loaded) | ${fmtSeries(c.tsx)} |`);
    lines.push(`| \`node bin/libk8s.js synth examples/shop/main.ts --out DIR\` (repository, tsx's cache warm) | ${fmtSeries(c.synth)} |`);
    lines.push(`| the same, what the CLI says it took inside (program loaded, run and written) | ${fmtSeries(c.synthInside)} |`);
    lines.push(`| the same, \`TSX_DISABLE_CACHE=1\` (a first run ever) | ${fmtSeries(c.synthNoTsxCache)} |`);
    if (packed) {
      lines.push(`| packed package, installed: \`node node_modules/libk8s/bin/libk8s.js synth main.ts\` | ${fmtSeries(packed.warm)} |`);
      lines.push(`| the same, \`TSX_DISABLE_CACHE=1\` | ${fmtSeries(packed.noTsxCache)} |`);
    }
    if (c.views) {
      lines.push(`| \`libk8s diff examples/shop\` against its own output (no change) | ${fmtSeries(c.views.diff)} |`);
      lines.push(`| \`libk8s graph examples/shop --env prod\` (Mermaid) | ${fmtSeries(c.views.graph)} |`);
      lines.push(`| \`libk8s graph examples/shop --env prod --format svg\` | ${fmtSeries(c.views.graphSvg)} |`);
    }
  }
  if (r.install) {
    lines.push('');
    if ('error' in r.install) lines.push(`Install size: not measured (${r.install.error}).`);
    else {
      const i = r.install;
      lines.push(`Install size: \`npm pack\` gives ${i.tarball.name}, ${fmtMB(i.tarball.bytes)} MB (${fmtMB(i.tarball.unpackedBytes)} MB unpacked, ${i.tarball.files} files).`);
      lines.push('');
      lines.push('| `npm install <tarball>` into an empty project | packages | MB | heaviest (MB) |');
      lines.push('|---|---:|---:|---|');
      for (const x of i.installs) lines.push(`| ${x.flags} | ${x.packages} | ${fmtMB(x.bytes)} | ${x.heaviest.map((h) => `${h.name} ${fmtMB(h.bytes)}`).join(', ')} |`);
      lines.push('');
      lines.push(`\`libk8s synth\` of the quickstart in the --omit=optional install: ${i.leanSynth.works ? 'works' : `fails (${i.leanSynth.error})`}.`);
    }
  }
  if (r.check) {
    lines.push('');
    if ('error' in r.check) lines.push(`libk8s check: not measured (${r.check.error}).`);
    else {
      lines.push(`\`libk8s check DIR --format table\`, whole process, stdout to /dev/null (manifests from bench/check.ts's generator, ${r.check.via === 'import' ? 'imported' : 'bench/check.ts run as a process'}):`);
      lines.push('');
      lines.push('| objects | layout | median | peak RSS MB |');
      lines.push('|---:|---|---:|---:|');
      for (const x of r.check.rows) lines.push(`| ${fmtInt(x.n)} | ${x.layout} | ${fmtMs(x.ms)} ms | ${x.rssMB.toFixed(0)} |`);
    }
  }
  lines.push('');
  lines.push('Targets:');
  for (const c of results) lines.push(`${c.pass === undefined ? 'SKIP' : c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
  for (const p of profiles) {
    lines.push('');
    lines.push(`CPU profile of one libk8s run at N = ${fmtInt(p.n)}, output on ${p.fs} (node --cpu-prof, construct + synth only):`);
    lines.push('```');
    lines.push(formatProfile(p.summary));
    lines.push('```');
  }
  return lines.join('\n');
}

export type { Series };
