import * as path from 'path';

/** Exit codes: 0 ok, 1 the program is invalid (or failed), 2 the command line is wrong. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** Where a command writes, and the directory it runs in. */
export interface CliIO {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly cwd: string;
  /** Whether `out` and `err` take ANSI colours (terminals without NO_COLOR). @default - no colour */
  readonly color?: { readonly out: boolean; readonly err: boolean };
}

/** A path relative to the working directory when it lies below it, else absolute. */
export function shortPath(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}
