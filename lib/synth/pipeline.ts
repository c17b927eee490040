import * as path from 'path';
import type { App } from '../core/app';
import { Libk8sError } from '../core/errors';
import type { Pipeline, RenderedEnvironment, RenderOptions, SynthOptions, SynthResult } from '../core/pipeline';
import type { Report, Subject } from '../core/policy';
import { deliveriesFor } from '../gitops';
import { blocking } from '../guardrails/engine';
import { GuardrailsError } from '../guardrails/format';
import { guardrailsOf, guardrailsProblems } from '../guardrails/platform';
import { renderApp } from './render';
import { serializeEnvironment } from './serialize';
import { currentSynthSession } from './session';
import { OutputError, recoverOutput, writeEnvironments } from './write';

/** The outdir relative to the working directory when it lies below it, as the CLI prints paths. */
function shortOutdir(outdir: string): string {
  const rel = path.relative(process.cwd(), outdir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : outdir;
}

/**
 * The synth pipeline: validate -> render (with the deliveries' annotations)
 * -> guardrails -> serialize (with the deliveries' files) -> atomic write.
 */
export const synthPipeline: Pipeline = {
  render(app: App, options: RenderOptions): RenderedEnvironment[] {
    const problems = [...app.validate(), ...guardrailsProblems(app)];
    const selected = app.selectEnvironments(options.environments, problems);
    if (problems.length > 0) throw new Libk8sError(problems);
    return renderApp(app, selected, deliveriesFor(app.platform));
  },

  guardrails: guardrailsOf,

  check(app: App, rendered: readonly RenderedEnvironment[]): Report[] {
    const engine = guardrailsOf(app);
    const waivers = app.components.flatMap((c) => c.waivers);
    return rendered.map((r) => engine.check(r.objects.map((o): Subject => {
      const c = o.component;
      return {
        manifest: o.manifest,
        origin: {
          environment: r.environment.name,
          construct: { kind: c.kind, id: c.node.id, path: c.displayPath },
          get location() { return c.location; },
        },
      };
    }), waivers));
  },

  synth(app: App, options: SynthOptions): SynthResult {
    const session = currentSynthSession();
    let outdir: string | undefined;
    let environments: readonly string[] = options.environments ?? session?.environments ?? app.environments.map((e) => e.name);
    try {
      outdir = path.resolve(options.outdir ?? session?.outdir ?? app.outdir);
      // a synth into this outdir that crashed or was killed is rolled back (or finished) before anything else
      for (const done of recoverOutput(outdir)) session?.notice?.(`${shortOutdir(outdir)}: ${done}`);
      const rendered = this.render(app, { environments: options.environments ?? session?.environments });
      environments = rendered.map((r) => r.environment.name);
      // the tool's --guardrails wins over the program's option, so CI's `enforce` holds
      const mode = session?.guardrails ?? options.guardrails ?? 'enforce';
      if (session?.guardrails && options.guardrails && options.guardrails !== session.guardrails) {
        session.notice?.(`--guardrails ${session.guardrails} overrides the program's app.synth({ guardrails: '${options.guardrails}' })`);
      }
      const reports = mode === 'off' ? [] : this.check(app, rendered);
      const failing = reports.flatMap(blocking);
      if (mode === 'enforce' && failing.length > 0) throw new GuardrailsError(reports, failing);
      const layout = options.layout ?? session?.layout ?? app.appProps.outputLayout ?? 'object';
      const deliveries = deliveriesFor(app.platform);
      const serialized = rendered.map((r) => {
        const started = performance.now();
        const files = serializeEnvironment(app, r, layout, deliveries);
        return { r, files, millis: r.millis + performance.now() - started };
      });
      writeEnvironments(outdir, app.name, serialized);
      const dir = outdir;
      const result: SynthResult = {
        app: app.name,
        outdir,
        environments: serialized.map(({ r, files, millis }) => ({
          environment: r.environment.name,
          namespace: r.environment.namespace,
          directory: path.join(dir, r.environment.name, app.name),
          objects: r.objects.length,
          files: files.size,
          bytes: [...files.values()].reduce((n, t) => n + Buffer.byteLength(t), 0),
          millis: Math.round(millis),
        })),
        reports,
      };
      session?.results.push(result);
      return result;
    } catch (e) {
      const output = e instanceof OutputError && e.change === 'unknown' ? 'unknown' : 'unchanged';
      session?.failures?.push({ app: String(app.name), outdir, environments, output, error: e });
      throw e;
    }
  },
};
