import { AsyncLocalStorage } from 'async_hooks';
import type { GuardrailsMode, OutputLayout, SynthResult } from '../core/pipeline';

/**
 * What a tool that runs a libk8s program (`libk8s synth`, a platform's own
 * CLI) asks of every `app.synth()` the program makes, and what it gets
 * back. The tool runs the program inside `runSynthSession`; the pipeline
 * reads the session there, so options travel as arguments, not through the
 * process environment or globals.
 */
export interface SynthSession {
  /** The output directory (`--out`). @default - the program's, else the App's outdir */
  readonly outdir?: string;
  /** Only these environments (`--env`). @default - every environment */
  readonly environments?: readonly string[];
  /**
   * The guardrails mode (`--guardrails`). It wins over the program's
   * `app.synth({ guardrails })`, so a CI's `--guardrails enforce` cannot be
   * switched off from the program (the pipeline calls `notice` when it overrides one).
   * @default - the program's, else 'enforce'
   */
  readonly guardrails?: GuardrailsMode;
  /** The output layout (`--layout`). @default - the program's, else the App's */
  readonly layout?: OutputLayout;
  /** Filled by every `app.synth()` that wrote its output, in order. */
  readonly results: SynthResult[];
  /** Filled by every `app.synth()` that failed, in order: what it did not write, and whether its output changed. */
  readonly failures?: SynthFailure[];
  /** Told what the tool's options changed about the program's, e.g. a `--guardrails` that overrides `app.synth({ guardrails })`. */
  readonly notice?: (message: string) => void;
}

/** An `app.synth()` that threw. */
export interface SynthFailure {
  readonly app: string;
  /** The output directory it would have written, when it got that far. */
  readonly outdir?: string;
  /** The environments it would have written (all of the app's when it failed before selecting them). */
  readonly environments: readonly string[];
  /**
   * `unchanged`: its previous output is as it was; `unknown`: a write failed
   * and so did its rollback (the error says how the next synth restores it).
   */
  readonly output: 'unchanged' | 'unknown';
  readonly error: unknown;
}

const storage = new AsyncLocalStorage<SynthSession>();

/** Runs `fn` (which loads the program) with `session` visible to every `app.synth()` inside it, synchronous or not. */
export function runSynthSession<T>(session: SynthSession, fn: () => T): T {
  return storage.run(session, fn);
}

/** The session the current code runs in, if a tool started one. */
export function currentSynthSession(): SynthSession | undefined {
  return storage.getStore();
}
