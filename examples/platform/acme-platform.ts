/**
 * What a platform team publishes as its own package (say `@acme/platform`):
 * libk8s configured once — gateway, priority class, size presets, where
 * resources come from in each environment (the AWS account, the cluster's
 * OIDC issuer, the shared staging database) — plus the organisation's
 * guardrails: severities for built-in rules, its own rules in TypeScript, and
 * waivers that hold for every app.
 */
import { App, AppProps, crossplaneAws, EnvironmentProps, external, PlatformProps, Rule } from 'libk8s';

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
  // cloud resources in acme's AWS account, through Crossplane; workloads assume IAM roles through the cluster's OIDC issuer
  recipes: [
    crossplaneAws({
      accountId: '111122223333',
      region: 'eu-central-1',
      oidcProvider: 'oidc.eks.eu-central-1.amazonaws.com/id/5C2E1B7F0A9D4E8F9B3C6A1D2E7F0B4C',
      namePrefix: 'acme-',
      dbSubnetGroupName: 'acme-private',
      cacheSubnetGroupName: 'acme-private',
      securityGroupIds: ['sg-0a1b2c3d4e5f60718'],
      vpcCidrs: ['10.40.0.0/16'],
    }),
    // staging databases live on the shared staging cluster; their credentials are provisioned by the DBA team
    external({ secrets: { ledger: 'staging-ledger-credentials' }, cidrs: ['10.40.0.0/16'] }),
  ],
  environmentRecipes: {
    staging: { default: 'crossplane-aws', postgres: 'external' },
    '*': 'crossplane-aws',
  },
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
