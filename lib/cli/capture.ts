import * as fs from 'fs';
import * as path from 'path';
import { Libk8sError } from '../core/errors';
import type { DeliveryOverrides } from '../gitops/source';
import type { CapturedSynth, SynthSession } from '../synth/session';
import { CliIO, EXIT_INVALID, EXIT_USAGE, shortPath } from './io';
import { loadProgram } from './synth';

/** What a dry run of the program gave: every `app.synth()` it made, rendered and serialized, nothing written. */
export type Capture = { readonly ok: true; readonly captured: readonly CapturedSynth[] } | { readonly ok: false; readonly code: number };

/**
 * Runs the program like `libk8s synth` does, but in a dry run: each
 * `app.synth()` renders and serializes, writes nothing, and is captured.
 * The guardrails are off (`libk8s synth` and `libk8s check` judge them);
 * problems of the program are reported as synth reports them.
 */
export async function captureProgram(command: string, entryArg: string, io: CliIO, options: { readonly outdir?: string; readonly environments?: readonly string[]; readonly delivery?: DeliveryOverrides } = {}): Promise<Capture> {
  const entry = path.resolve(io.cwd, entryArg);
  if (!fs.existsSync(entry)) {
    io.err(`libk8s ${command}: no program at ${shortPath(io.cwd, entry)}. Pass the entry file (libk8s ${command} path/to/main.ts) or create infra/main.ts.`);
    return { ok: false, code: EXIT_USAGE };
  }
  const captured: CapturedSynth[] = [];
  const session: SynthSession = {
    outdir: options.outdir ? path.resolve(io.cwd, options.outdir) : undefined,
    environments: options.environments?.length ? options.environments : undefined,
    delivery: options.delivery && Object.values(options.delivery).some((v) => v !== undefined) ? options.delivery : undefined,
    guardrails: 'off', dryRun: true, captured, results: [], failures: [],
  };
  try {
    await loadProgram(entry, session);
  } catch (e) {
    if (e instanceof Libk8sError) io.err(`libk8s ${command}: ${e.message}`);
    else io.err(`libk8s ${command}: the program ${shortPath(io.cwd, entry)} failed: ${(e as Error)?.message ?? String(e)}`);
    return { ok: false, code: EXIT_INVALID };
  }
  if (captured.length === 0) {
    io.err(`libk8s ${command}: ${shortPath(io.cwd, entry)} ran but never called app.synth(); add app.synth() at its end.`);
    return { ok: false, code: EXIT_INVALID };
  }
  return { ok: true, captured };
}
