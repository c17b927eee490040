import { AsyncLocalStorage } from 'async_hooks';
import type { App } from '../core/app';
import type { GuardrailsMode, OutputLayout, RenderedEnvironment, SynthResult } from '../core/pipeline';
import type { Report } from '../core/policy';
import type { DeliveryOverrides } from '../gitops/source';

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
  /** The delivery target and its source (`--delivery --repo --revision --path`); they win over the platform's. @default - the platform's */
  readonly delivery?: DeliveryOverrides;
  /**
   * Render, check and serialize, but write nothing: each `app.synth()` adds
   * what it would have written to `captured` (`libk8s diff`, `libk8s graph`).
   * @default false
   */
  readonly dryRun?: boolean;
  /** Filled by every `app.synth()` of a dry run, in order. */
  readonly captured?: CapturedSynth[];
  /** Filled by every `app.synth()` that wrote its output, in order. */
  readonly results: SynthResult[];
  /** Filled by every `app.synth()` that failed, in order: what it did not write, and whether its output changed. */
  readonly failures?: SynthFailure[];
  /** Told what the tool's options changed about the program's, e.g. a `--guardrails` that overrides `app.synth({ guardrails })`. */
  readonly notice?: (message: string) => void;
}

/** What one `app.synth()` of a dry run would have written. */
export interface CapturedSynth {
  readonly app: App;
  readonly outdir: string;
  readonly rendered: readonly RenderedEnvironment[];
  /** Per environment name: its files, relative to `<outdir>/<env>/<app>/`. */
  readonly files: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** The files of `<outdir>/_delivery/<app>/` (none for kustomize). */
  readonly delivery: ReadonlyMap<string, string>;
  readonly reports: readonly Report[];
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

/**
 * What one `app.synth()` wrote, per environment (and `_delivery`): the files
 * written, removed and left as they were. Not part of the public API yet:
 * the CLI reads it to say "nothing changed".
 */
export interface SynthWrite {
  readonly app: string;
  readonly outdir: string;
  readonly units: readonly {
    readonly name: string;
    readonly mode: 'unchanged' | 'delta' | 'folder';
    readonly written: number;
    readonly removed: number;
    readonly unchanged: number;
  }[];
}

/** @internal A session that also collects what each `app.synth()` wrote (`libk8s synth` passes one). */
export interface WriteRecordingSession extends SynthSession {
  /** Filled by every `app.synth()` that wrote its output, in order, right before its result. */
  readonly writes?: SynthWrite[];
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
