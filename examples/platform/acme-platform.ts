/**
 * What a platform team publishes as its own package (say `@acme/platform`):
 * libk8s configured once — gateway, priority class, size presets — plus the
 * organisation's guardrails: severities for built-in rules, its own rules in
 * TypeScript, and waivers that hold for every app.
 */
import { App, AppProps, EnvironmentProps, PlatformProps, Rule } from 'libk8s';

/** Every workload names the cost center its spend is charged to. */
export const costCenterRule: Rule = {
  id: 'acme/cost-center',
  pack: 'acme',
  severity: 'error',
  description: 'Workloads carry an acme.com/cost-center annotation.',
  fix: "add annotations: { 'acme.com/cost-center': '<code>' } to the construct.",
  kinds: ['Deployment', 'StatefulSet', 'CronJob', 'Job'],
  check: (subject) => {
    const value = subject.manifest.metadata?.annotations?.['acme.com/cost-center'];
    if (typeof value === 'string' && /^CC-\d{4}$/.test(value)) return [];
    return [{
      message: value === undefined ? 'has no acme.com/cost-center annotation' : `acme.com/cost-center ${JSON.stringify(value)} is not a code like "CC-1234"`,
      field: 'metadata.annotations',
    }];
  },
};

export const acmePlatform: PlatformProps = {
  gateway: { name: 'acme-edge', namespace: 'edge', listener: 'https' },
  priorityClassName: 'acme-standard',
  defaultSize: 'small',
  guardrails: {
    rules: [costCenterRule],
    // acme runs every pod with a priority class, so the rule is required here
    options: { 'priority-class': { required: true } },
    // spreading across zones is mandatory at acme, not advice
    severities: { 'topology-spread': 'error' },
  },
};

/** An App on the acme platform: the app team names itself and its environments. */
export function acmeApp<E extends string>(props: Omit<AppProps<E>, 'platform' | 'environments'> & { environments: { readonly [K in E]: EnvironmentProps } }): App<E> {
  return new App<E>({ ...props, platform: acmePlatform });
}
