import { brandError } from '../core/errors';

/** What happened to the output when a write failed. */
export type OutputChange = 'unchanged' | 'unknown';

/**
 * A write that the file system refused: which path, the error code, and
 * whether the output changed (`unchanged`: every environment still holds the
 * previous output; `unknown`: a rollback failed too, see `journal`).
 */
export class OutputError extends Error {
  constructor(
    /** What was being done, e.g. `write the staging folder`. */
    public readonly action: string,
    public readonly path: string,
    /** The node error code, e.g. `ENOSPC`; undefined for other errors. */
    public readonly code: string | undefined,
    public readonly change: OutputChange,
    /** The app whose output it is. */
    public readonly app: string,
    public readonly environments: readonly string[],
    public readonly reason: string,
    /** The journal that the next synth recovers from, when the change is unknown. */
    public readonly journal?: string,
  ) {
    super(`cannot ${action} ${path}: ${reason}${code ? ` (${code})` : ''}; ${describeChange(change, app, journal)}`);
    this.name = 'OutputError';
  }
}
brandError(OutputError, Symbol.for('libk8s.OutputError'));

function describeChange(change: OutputChange, app: string, journal: string | undefined): string {
  return change === 'unchanged'
    ? `the output of app '${app}' is unchanged (every environment holds the previous synth)`
    : `the output of app '${app}' may be mixed; the next synth into this folder restores it from ${journal ?? 'its staging folder'}`;
}

/** A readable sentence for a node error code. */
export function describeCode(code: string | undefined, fallback: string): string {
  switch (code) {
    case 'EROFS': return 'the file system is read-only';
    case 'ENOSPC': return 'the disk is full';
    case 'EDQUOT': return 'the disk quota is exhausted';
    case 'ENOTDIR': return 'a part of the path is a file, not a folder';
    case 'EEXIST': return 'a file is in the way';
    case 'EISDIR': return 'a folder is in the way';
    case 'EXDEV': return 'the rename would cross file systems';
    case 'EPERM': return 'the operation is not permitted (an immutable or protected file?)';
    case 'EACCES': return 'permission denied';
    case 'EBUSY': return 'the path is busy (a mount point?)';
    case 'ENAMETOOLONG': return 'a file name is too long';
    case 'ENOENT': return 'a folder on the way does not exist';
    default: return fallback;
  }
}
