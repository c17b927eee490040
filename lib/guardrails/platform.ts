import type { App } from '../core/app';
import { Libk8sError, Problem } from '../core/errors';
import type { Platform } from '../core/platform';
import type { GuardrailsProps } from '../core/policy';
import { Guardrails } from './engine';
import { PUBLIC_LOAD_BALANCERS_ALLOWED } from './packs/exposure';
import { DEFAULT_REQUIRED_LABELS, DEFAULT_TEAM_LABEL } from './packs/ownership';

/** The reason `guardrailsFor` gives for turning resources-cpu-limit off; reported like a waiver. */
export const CPU_LIMITS_DROPPED = 'the platform drops cpu limits (platform.dropCpuLimits)';

/**
 * The platform's guardrails, told what the App knows of the platform: the
 * ownership labels name its team label, and a platform that drops cpu
 * limits does not want them asked for (resources-cpu-limit is turned off
 * with the reason CPU_LIMITS_DROPPED, which every report lists), the
 * Service types `exposure` allows pass service-type, and a platform that
 * allows public load balancers has public-load-balancer off with the reason
 * PUBLIC_LOAD_BALANCERS_ALLOWED. The platform's own options and severities
 * for these rules win.
 */
export function guardrailsFor(platform: Platform): GuardrailsProps {
  const g = platform.guardrails;
  const labels = DEFAULT_REQUIRED_LABELS.map((l) => (l === DEFAULT_TEAM_LABEL ? platform.teamLabel : l));
  const allow = [...(platform.exposure.loadBalancers ? ['LoadBalancer'] : []), ...(platform.exposure.nodePorts ? ['NodePort'] : [])];
  const options = {
    ...g.options,
    'required-labels': { labels, ...g.options?.['required-labels'] },
    ...(allow.length ? { 'service-type': { allow, ...g.options?.['service-type'] } } : {}),
  };
  const cpuLimitSet = g.severities?.['resources-cpu-limit'] !== undefined || g.severities?.cpuLimitsMissing !== undefined;
  let severities = platform.dropCpuLimits && !cpuLimitSet
    ? { ...g.severities, 'resources-cpu-limit': { severity: 'off' as const, reason: CPU_LIMITS_DROPPED } }
    : g.severities;
  if (platform.exposure.publicLoadBalancers && g.severities?.['public-load-balancer'] === undefined) {
    severities = { ...severities, 'public-load-balancer': { severity: 'off' as const, reason: PUBLIC_LOAD_BALANCERS_ALLOWED } };
  }
  return { ...g, options, severities };
}

const engines = new WeakMap<App, Guardrails>();

/** The app's guardrails engine, made once per App; a Libk8sError when the platform's configuration is wrong. */
export function guardrailsOf(app: App): Guardrails {
  let engine = engines.get(app);
  if (!engine) {
    engine = new Guardrails(guardrailsFor(app.platform));
    engines.set(app, engine);
  }
  return engine;
}


/**
 * The problems of the app's guardrails: the platform's configuration, and
 * each construct's waivers (a reason, and a rule that exists), in tree order.
 */
export function guardrailsProblems(app: App): Problem[] {
  let engine: Guardrails;
  try {
    engine = guardrailsOf(app);
  } catch (e) {
    if (e instanceof Libk8sError) return [...e.problems];
    throw e;
  }
  return app.components.flatMap((c) => (c.waivers.length
    ? engine.checkWaivers(c.waivers, 'waive', { kind: c.kind, id: c.node.id, path: c.displayPath, message: '' })
    : []));
}
