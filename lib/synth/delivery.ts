import type { App } from '../core/app';
import type { Delivery } from '../core/delivery';
import { ProblemList } from '../core/errors';
import type { Problem } from '../core/errors';
import type { RenderedEnvironment } from '../core/pipeline';
import type { Subject } from '../core/policy';
import { checkDelivery, deliveriesFor, DeliveryOverrides, resolveDelivery, ResolvedDelivery } from '../gitops';
import { deliveryObjects, environmentObjects } from './serialize';

/** The folder, beside the environments, that holds the GitOps tool's own objects: `<outdir>/_delivery/<app>/`. */
export const DELIVERY_DIR = '_delivery';

/** The deliveries of one synth: the platform's, with the command line's overrides. */
export interface DeliveryPlan {
  readonly resolved: ResolvedDelivery;
  readonly deliveries: readonly Delivery[];
  /** What the settings lack (a repository for argo-cd or flux, a malformed path). */
  readonly problems: readonly Problem[];
}

export function planDelivery(app: App, overrides: DeliveryOverrides = {}): DeliveryPlan {
  // the output's path in the repository defaults to the App's own outdir (when relative), as synth writes it
  const outdir = app.appProps.outdir;
  const resolved = resolveDelivery(app.platform.delivery, overrides, outdir);
  const list = new ProblemList('App', String(app.name), String(app.name));
  checkDelivery(resolved, list);
  return { resolved, deliveries: list.all.length ? [] : deliveriesFor(app.platform, overrides, outdir), problems: list.all };
}

/**
 * The objects the deliveries add (each environment's Namespace, the Argo CD
 * or Flux objects), as guardrails subjects: they are checked like the app's
 * own, with the App as their construct.
 */
export function deliverySubjects(app: App, rendered: readonly RenderedEnvironment[], plan: DeliveryPlan, own: ReadonlyMap<string, readonly Record<string, any>[]>): Subject[][] {
  const construct = { kind: 'App', id: String(app.name), path: String(app.name) };
  const perEnvironment = rendered.map((r) => [...environmentObjects(app, r.environment, plan.deliveries).values()]
    .map((manifest): Subject => ({ manifest, origin: { environment: r.environment.name, construct } })));
  return [...perEnvironment, [...own.values()].flat().map((manifest): Subject => ({ manifest, origin: { construct } }))];
}

/**
 * The GitOps tool's own objects of the app, made once per synth (checked,
 * then written): from every environment of the app, also when `--env`
 * synthesizes some only (`all` renders the others then), so the others'
 * Applications or Kustomizations are never dropped.
 */
export function appDeliveryObjects(app: App, rendered: readonly RenderedEnvironment[], plan: DeliveryPlan, all: () => readonly RenderedEnvironment[]): Map<string, readonly Record<string, any>[]> {
  if (!plan.deliveries.some((d) => d.deliveryObjects)) return new Map();
  return deliveryObjects(app, rendered.length < app.environments.length ? all() : rendered, plan.deliveries, plan.resolved);
}
