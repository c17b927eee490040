import * as path from 'path';

/** Where in the user's program something was created. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

const LIB_ROOT = path.resolve(__dirname, '..');

/**
 * Captures the call stack cheaply. V8 records frames when the Error is
 * created but formats them (and applies source maps) only when `stack` is
 * read, so this costs little until a location is actually asked for.
 */
export class CallSite {
  private readonly trace = new Error();
  private resolved?: SourceLocation | null;

  /** The first frame outside libk8s and node_modules: the user's line. */
  get location(): SourceLocation | undefined {
    if (this.resolved === undefined) this.resolved = firstUserFrame(this.trace.stack ?? '') ?? null;
    return this.resolved ?? undefined;
  }
}

const FRAME = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?$/;

function firstUserFrame(stack: string): SourceLocation | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    const file = m[1].startsWith('file://') ? new URL(m[1]).pathname : m[1];
    if (file.startsWith('node:') || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    if (file.startsWith(LIB_ROOT + path.sep)) continue;
    if (!path.isAbsolute(file)) continue;
    return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

/** `infra/main.ts:12`, relative to the working directory. */
export function formatLocation(loc: SourceLocation | undefined): string | undefined {
  if (!loc) return undefined;
  return `${path.relative(process.cwd(), loc.file) || loc.file}:${loc.line}`;
}
