import { findSourceMap } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';

/** Where in the user's program something was created. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /**
   * Every frame of the call in the user's files, outermost first and
   * innermost last (the last is this location itself). Present only when
   * the call went through more than one of the user's frames, e.g. a
   * construct made in a helper function.
   */
  readonly chain?: readonly SourceLocation[];
}

const LIB_ROOT = path.resolve(__dirname, '..');

/**
 * Captures the call stack cheaply. V8 records the frames when the Error is
 * created but builds `stack` only when it is first read, so this costs
 * little until a location is actually asked for. The frames are read as
 * V8's structured call sites, not parsed from the stack text: a path with
 * spaces, parentheses or any unicode is the file name as V8 has it.
 */
export class CallSite {
  private readonly trace = new Error();
  private resolved?: SourceLocation | null;

  /** The innermost frame outside libk8s and node_modules (the user's line), with the user's call chain. */
  get location(): SourceLocation | undefined {
    if (this.resolved === undefined) this.resolved = userLocation(this.trace) ?? null;
    return this.resolved ?? undefined;
  }
}

type Prepare = (err: Error, sites: NodeJS.CallSite[]) => unknown;

/** The user's frames of an Error not yet formatted, outermost first. */
function userLocation(trace: Error): SourceLocation | undefined {
  const hook = Error as { prepareStackTrace?: Prepare };
  const previous = hook.prepareStackTrace;
  let frames: SourceLocation[] = [];
  hook.prepareStackTrace = (err: Error, sites: NodeJS.CallSite[]) => {
    frames = sites.flatMap((site) => {
      const at = userFrame(err, site, previous);
      return at ? [at] : [];
    });
    return previous ? previous(err, sites) : `${err.name}: ${err.message}`;
  };
  try {
    void trace.stack;
  } catch {
    // a stack that cannot be formatted: no location
  } finally {
    hook.prepareStackTrace = previous;
  }
  if (frames.length === 0) return undefined;
  const chain = frames.reverse();
  const innermost = chain[chain.length - 1];
  return chain.length > 1 ? { ...innermost, chain } : innermost;
}

/** One call site as a position in the user's source, or undefined for node's, a dependency's or libk8s's own frames. */
function userFrame(err: Error, site: NodeJS.CallSite, previous: Prepare | undefined): SourceLocation | undefined {
  let file = site.getFileName() ?? site.getScriptNameOrSourceURL?.();
  if (!file) return undefined;
  if (file.startsWith('file://')) file = fileUrlPath(file);
  if (file.startsWith('node:') || !path.isAbsolute(file)) return undefined;
  if (file.includes(`${path.sep}node_modules${path.sep}`) || file.startsWith(LIB_ROOT + path.sep)) return undefined;
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (line === null || column === null) return undefined;
  return original(err, site, file, line, column, previous);
}

/**
 * The position in the source the user wrote. A file loaded through tsx
 * has its source map in node's cache; under another loader with its own
 * stack formatting (jest's source-map-support), that formatting maps the
 * frame and only the `:line:column` at its end is read. A frame in code
 * the loader added around the user's (no mapping on its line) is none.
 */
function original(err: Error, site: NodeJS.CallSite, file: string, line: number, column: number, previous: Prepare | undefined): SourceLocation | undefined {
  const map = findSourceMap(file);
  if (map) {
    const entry = map.findEntry(line - 1, column - 1) as { generatedLine?: number; originalSource?: string; originalLine?: number; originalColumn?: number };
    // code the loader added (tsx's module wrapper) has no mapping on its line: not the user's
    if (!entry || entry.generatedLine !== line - 1) return undefined;
    if (typeof entry.originalLine === 'number' && typeof entry.originalColumn === 'number') {
      const source = entry.originalSource ? (entry.originalSource.startsWith('file://') ? fileUrlPath(entry.originalSource) : entry.originalSource) : file;
      return { file: path.isAbsolute(source) ? source : file, line: entry.originalLine + 1, column: entry.originalColumn + 1 };
    }
  }
  if (previous) {
    const text = previous(err, [site]);
    const m = typeof text === 'string' ? /:(\d+):(\d+)\)?\s*$/.exec(text) : null;
    if (m) return { file, line: Number(m[1]), column: Number(m[2]) };
  }
  return { file, line, column };
}

function fileUrlPath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

/**
 * `infra/main.ts:12`, relative to the working directory; a call chain
 * reads outermost first: `infra/main.ts:30 > infra/services.ts:12`.
 */
export function formatLocation(loc: SourceLocation | undefined): string | undefined {
  if (!loc) return undefined;
  const one = (l: SourceLocation) => `${path.relative(process.cwd(), l.file) || l.file}:${l.line}`;
  return (loc.chain && loc.chain.length > 1 ? loc.chain : [loc]).map(one).join(' > ');
}
