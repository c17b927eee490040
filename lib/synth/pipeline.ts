import * as fs from 'fs';
import * as path from 'path';
import type { App } from '../core/app';
import { Libk8sError } from '../core/errors';
import type { Pipeline, RenderedEnvironment, RenderOptions, SynthOptions, SynthResult } from '../core/pipeline';
import type { Report, Subject } from '../core/policy';
import { blocking } from '../guardrails/engine';
import { GuardrailsError } from '../guardrails/format';
import { guardrailsOf, guardrailsProblems } from '../guardrails/platform';
import { appDeliveryObjects, DELIVERY_DIR, deliverySubjects, planDelivery } from './delivery';
import { renderApp } from './render';
import { serializeDelivery, serializeEnvironment } from './serialize';
import { currentSynthSession, WriteRecordingSession } from './session';
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
    const plan = planDelivery(app, currentSynthSession()?.delivery);
    const problems = [...app.validate(), ...guardrailsProblems(app), ...plan.problems];
    const selected = app.selectEnvironments(options.environments, problems);
    if (problems.length > 0) throw new Libk8sError(problems);
    return renderApp(app, selected, plan.deliveries);
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
    // the tool's options (libk8s synth --out --env --layout --guardrails) win over the program's, so CI's hold; each override is said once
    const pick = <T>(flag: string, prop: string, fromTool: T | undefined, fromProgram: T | undefined, show: (v: T) => string = String): T | undefined => {
      if (fromTool !== undefined && fromProgram !== undefined && show(fromTool) !== show(fromProgram)) {
        session?.notice?.(`${flag} ${show(fromTool)} overrides the program's app.synth({ ${prop}: ${JSON.stringify(fromProgram).replace(/"/g, "'")} })`);
      }
      return fromTool ?? fromProgram;
    };
    const chosenEnvs = pick('--env', 'environments', session?.environments, options.environments, (v) => v.join(','));
    let outdir: string | undefined;
    let environments: readonly string[] = chosenEnvs ?? app.environments.map((e) => e.name);
    try {
      outdir = path.resolve(pick('--out', 'outdir', session?.outdir, options.outdir === undefined ? undefined : path.resolve(options.outdir)) ?? app.outdir);
      // a synth into this outdir that crashed or was killed is rolled back (or finished) before anything else; a dry run changes nothing
      if (!session?.dryRun) for (const done of recoverOutput(outdir)) session?.notice?.(`${shortOutdir(outdir)}: ${done}`);
      const rendered = this.render(app, { environments: chosenEnvs });
      environments = rendered.map((r) => r.environment.name);
      const mode = pick('--guardrails', 'guardrails', session?.guardrails, options.guardrails) ?? 'enforce';
      const plan = planDelivery(app, session?.delivery);
      // the delivery objects are made once: the guardrails check what is written
      const ownDelivery = appDeliveryObjects(app, rendered, plan, () => this.render(app, {}));
      const reports = mode === 'off' ? [] : checkWithDelivery(app, rendered, plan, ownDelivery, this.check(app, rendered));
      const failing = reports.flatMap(blocking);
      if (mode === 'enforce' && failing.length > 0) throw new GuardrailsError(reports, failing);
      const layout = pick('--layout', 'layout', session?.layout, options.layout) ?? app.appProps.outputLayout ?? 'construct';
      const serialized = rendered.map((r) => {
        const started = performance.now();
        const files = serializeEnvironment(app, r, layout, plan.deliveries);
        return { r, files, millis: r.millis + performance.now() - started };
      });
      const delivery = serializeDelivery(ownDelivery);
      if (session?.dryRun) {
        session.captured?.push({ app, outdir, rendered, files: new Map(serialized.map(({ r, files }) => [r.environment.name, files])), delivery, reports });
        return { app: app.name, outdir, environments: [], reports };
      }
      // the GitOps tool's objects are one more folder of the same all-or-nothing write: <outdir>/_delivery/<app>/
      // (also when it is now empty but an earlier synth wrote one, so a change of target leaves no stale Applications)
      const deliveryDir = path.join(outdir, DELIVERY_DIR, app.name);
      const withDelivery = delivery.size > 0 || fs.existsSync(deliveryDir);
      const units = withDelivery ? [...serialized, { r: { environment: { ...rendered[0].environment, name: DELIVERY_DIR }, objects: [], millis: 0 }, files: delivery }] : serialized;
      const written = writeEnvironments(outdir, app.name, units);
      (session as WriteRecordingSession | undefined)?.writes?.push({ app: app.name, outdir, units: written.units });
      if (withDelivery && delivery.size === 0) removeEmpty(deliveryDir, path.dirname(deliveryDir));
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
        delivery: delivery.size ? {
          directory: path.join(dir, DELIVERY_DIR, app.name),
          files: delivery.size,
          bytes: [...delivery.values()].reduce((n, t) => n + Buffer.byteLength(t), 0),
        } : undefined,
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

/**
 * The reports of `rendered` with the deliveries' objects checked too: each
 * environment's (its Namespace) in its report, the GitOps tool's own in one
 * more report, without an environment.
 */
function checkWithDelivery(app: App, rendered: readonly RenderedEnvironment[], plan: ReturnType<typeof planDelivery>,
  objects: ReadonlyMap<string, readonly Record<string, any>[]>, reports: Report[]): Report[] {
  const subjects = deliverySubjects(app, rendered, plan, objects);
  if (subjects.every((list) => list.length === 0)) return reports;
  const engine = guardrailsOf(app);
  const perEnvironment = reports.map((report, i) => {
    if (subjects[i].length === 0) return report;
    const extra = engine.check(subjects[i]);
    return { ...report, findings: [...report.findings, ...extra.findings], objects: report.objects + extra.objects, unchecked: mergeUnchecked(report.unchecked, extra.unchecked) };
  });
  const own = subjects[subjects.length - 1];
  return own.length ? [...perEnvironment, engine.check(own)] : perEnvironment;
}

function mergeUnchecked(a: Report['unchecked'], b: Report['unchecked']): Report['unchecked'] {
  const counts = new Map<string, number>();
  for (const u of [...a, ...b]) counts.set(u.kind, (counts.get(u.kind) ?? 0) + u.count);
  return [...counts].sort(([x], [y]) => x.localeCompare(y)).map(([kind, count]) => ({ kind, count }));
}

/** Removes the now empty delivery folder of an app, and `_delivery` itself when no app has one left. */
function removeEmpty(dir: string, parent: string): void {
  for (const d of [dir, parent]) {
    try { fs.rmdirSync(d); } catch { return; /* not empty, or gone */ }
  }
}
