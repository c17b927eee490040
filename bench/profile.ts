/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`) as text: self and
 * total time per function and self time per area (lib file, package, node
 * internals, GC), counted only inside the child's timed window (the samples
 * from the first to the last one with `benchWindow` on the stack).
 */
import * as fs from 'fs';
import * as path from 'path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileRow {
  readonly name: string;
  readonly ms: number;
  readonly percent: number;
}

export interface ProfileSummary {
  /** Milliseconds of samples inside the timed window. */
  readonly windowMs: number;
  readonly selfByFunction: readonly ProfileRow[];
  readonly totalByFunction: readonly ProfileRow[];
  readonly selfByArea: readonly ProfileRow[];
}

const WINDOW_FUNCTION = 'benchWindow';

/** Where a function lives, shortened: `lib/core/render.ts`, `cdk8s`, `node:fs`. */
function area(url: string, root: string): string {
  if (!url) return '(native / V8)';
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const nm = file.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  if (nm >= 0) {
    const parts = file.slice(nm + 14).split(path.sep);
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (file.startsWith('node:')) return file.split('/').slice(0, 2).join('/');
  return file.startsWith(root + path.sep) ? path.relative(root, file) : file;
}

/**
 * `name  file[:line]`. TypeScript run through tsx is profiled as its
 * transpiled text, whose line numbers do not match the source, so those get
 * no line.
 */
function label(frame: CallFrame, root: string): string {
  const fn = frame.functionName || '(anonymous)';
  if (!frame.url) return fn;
  const file = frame.url.startsWith('file://') ? new URL(frame.url).pathname : frame.url;
  if (/\.[cm]?tsx?$/.test(file)) return `${fn}  ${file.startsWith(root + path.sep) ? path.relative(root, file) : file}`;
  const short = file.includes(`${path.sep}node_modules${path.sep}`)
    ? file.slice(file.lastIndexOf(`${path.sep}node_modules${path.sep}`) + 14)
    : file;
  return `${fn}  ${short}:${frame.lineNumber + 1}`;
}

/** Self time of a native frame (no url) counts for the nearest caller with one: writeFileUtf8 is node:fs. */
function areaOf(stack: readonly ProfileNode[], root: string): string {
  const leaf = stack[0].callFrame;
  if (!leaf.url && leaf.functionName.startsWith('(')) return leaf.functionName;
  const owner = stack.find((n) => n.callFrame.url);
  return owner ? area(owner.callFrame.url, root) : '(native / V8)';
}

function top(map: Map<string, number>, windowUs: number, count: number): ProfileRow[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, ms: us / 1000, percent: (100 * us) / windowUs }));
}

export function summarizeProfile(file: string, root: string, count = 20): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const c of node.children ?? []) parent.set(c, node.id);
  }
  const stackOf = (id: number): ProfileNode[] => {
    const stack: ProfileNode[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) stack.push(byId.get(cur)!);
    return stack;
  };
  const isWindow = (n: ProfileNode) => n.callFrame.functionName === WINDOW_FUNCTION;
  const inWindow = profile.samples.map((id) => stackOf(id).some(isWindow));
  const first = inWindow.indexOf(true);
  const last = inWindow.lastIndexOf(true);

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  let windowUs = 0;
  for (let i = Math.max(first, 0); first >= 0 && i <= last; i++) {
    // a sample stands for the time until the next one
    const us = profile.timeDeltas[i + 1] ?? 0;
    windowUs += us;
    const stack = stackOf(profile.samples[i]);
    const leafLabel = label(stack[0].callFrame, root);
    self.set(leafLabel, (self.get(leafLabel) ?? 0) + us);
    const leafArea = areaOf(stack, root);
    areas.set(leafArea, (areas.get(leafArea) ?? 0) + us);
    // total time: the frames below benchWindow (the harness above it is the same for all)
    const seen = new Set<string>();
    for (const n of stack) {
      if (isWindow(n)) break;
      if (!n.callFrame.url) continue;
      const l = label(n.callFrame, root);
      if (seen.has(l)) continue;
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + us);
    }
  }
  return {
    windowMs: windowUs / 1000,
    selfByFunction: top(self, windowUs || 1, count),
    totalByFunction: top(total, windowUs || 1, count),
    selfByArea: top(areas, windowUs || 1, 12),
  };
}

/** The summary as plain text lines. */
export function formatProfile(s: ProfileSummary): string {
  const rows = (title: string, list: readonly ProfileRow[]) => [
    title,
    ...list.map((r) => `  ${r.ms.toFixed(0).padStart(7)} ms ${r.percent.toFixed(1).padStart(5)}%  ${r.name}`),
  ];
  return [
    `samples in the timed window: ${s.windowMs.toFixed(0)} ms`,
    ...rows('self time by area:', s.selfByArea),
    ...rows('top self time by function:', s.selfByFunction),
    ...rows('top total (inclusive) time by function:', s.totalByFunction),
  ].join('\n');
}
