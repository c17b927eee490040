import type { App } from './app';
import type { Component } from './component';
import type { Environment } from './environment';
import { Libk8sError } from './errors';
import type { PolicyEngine, Report } from './policy';

/**
 * The seam between the app model and the synth pipeline. `core` declares
 * what a rendered object is and what the pipeline does; `lib/synth`
 * implements it and registers itself when `libk8s` is imported, so
 * `App.synth()` works as the quickstart calls it while `core` imports
 * nothing of rendering, the guardrails, delivery or the file system.
 */

/**
 * Which phase of a sync an object belongs to: a resource's objects and a
 * workload's cloud identity are provisioned before the workloads that use them.
 */
export type ObjectRole = 'resource' | 'identity' | 'workload';

/** One synthesized Kubernetes object and where it came from. */
export interface RenderedObject {
  /** The construct that produced it. */
  readonly component: Component;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** The object as plain JSON, exactly as it is written. */
  readonly manifest: Record<string, any>;
  /** Its file, relative to the environment's app folder. */
  readonly file: string;
  /** Its sync phase. */
  readonly role: ObjectRole;
}

export interface RenderedEnvironment {
  readonly environment: Environment;
  readonly objects: readonly RenderedObject[];
  /** Milliseconds spent rendering this environment. */
  readonly millis: number;
}

/**
 * How objects map to files: `construct` (the default), one multi-document
 * file per construct (`<construct>.yaml`); `object`, one file per object
 * (`<construct>/<kind>.yaml`), about 8× more files for a large portfolio.
 */
export type OutputLayout = 'object' | 'construct';

/** `enforce` refuses to write while an error-level finding remains, `warn` writes and reports, `off` skips the guardrails. */
export type GuardrailsMode = 'enforce' | 'warn' | 'off';

export interface RenderOptions {
  /**
   * Only these environments.
   * @default - every environment
   */
  readonly environments?: readonly string[];
}

export interface SynthOptions extends RenderOptions {
  /**
   * How objects map to files.
   * @default - the App's `outputLayout` ('construct')
   */
  readonly layout?: OutputLayout;
  /**
   * The output directory.
   * @default - the CLI's `--out`, else the App's `outdir` ('dist')
   */
  readonly outdir?: string;
  /**
   * Only these environments.
   * @default - the CLI's `--env`, else every environment
   */
  readonly environments?: readonly string[];
  /**
   * `enforce` refuses to write while an error-level finding remains, `warn`
   * writes and reports, `off` skips the guardrails. The CLI's
   * `--guardrails` wins over it, so a CI's `enforce` holds.
   * @default 'enforce'
   */
  readonly guardrails?: GuardrailsMode;
}

export interface EnvironmentSummary {
  readonly environment: string;
  readonly namespace: string;
  /** The folder written, `<outdir>/<env>/<app>`. */
  readonly directory: string;
  readonly objects: number;
  readonly files: number;
  readonly bytes: number;
  /** Milliseconds to render and serialize this environment. */
  readonly millis: number;
}

export interface SynthResult {
  readonly app: string;
  readonly outdir: string;
  readonly environments: readonly EnvironmentSummary[];
  /** The guardrails report of each environment (empty when they were off), and one of the delivery objects when there are any. */
  readonly reports?: readonly Report[];
  /** The GitOps tool's objects, `<outdir>/_delivery/<app>/` (none for the kustomize delivery). */
  readonly delivery?: { readonly directory: string; readonly files: number; readonly bytes: number };
}

/** What `lib/synth` provides to the App: the stages after the app model. */
export interface Pipeline {
  /** Validates the whole program and renders the environments in memory; throws a Libk8sError listing every problem. */
  render(app: App, options: RenderOptions): RenderedEnvironment[];
  /** The guardrails engine configured by the app's platform. */
  guardrails(app: App): PolicyEngine;
  /** Runs the guardrails over rendered environments: one report per environment. */
  check(app: App, rendered: readonly RenderedEnvironment[]): Report[];
  /** The whole pipeline: validate, render, guardrails, delivery, serialize, atomic write. */
  synth(app: App, options: SynthOptions): SynthResult;
}

let registered: Pipeline | undefined;

/** @internal Called by `lib/synth` when it loads; a later registration replaces an earlier one. */
export function registerPipeline(pipeline: Pipeline): void {
  registered = pipeline;
}

/** The registered pipeline; a Libk8sError when only deep `core` modules were imported. */
export function pipeline(app: App): Pipeline {
  if (registered) return registered;
  throw new Libk8sError([{
    kind: 'App', id: String(app.name), path: String(app.name),
    message: 'the synth pipeline is not loaded, so the app cannot be rendered or written',
    fix: "import App from 'libk8s' (its main entry loads the pipeline), not from a deep path under lib/core.",
  }]);
}
