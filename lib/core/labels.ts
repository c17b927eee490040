import type { App } from './app';
import { Environment } from './environment';

export const NAME_LABEL = 'app.kubernetes.io/name';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const VERSION_LABEL = 'app.kubernetes.io/version';

/** The labels every object of a construct carries. */
export function standardLabels(app: App, env: Environment, name: string, version?: string): Record<string, string> {
  const labels: Record<string, string> = {
    ...env.labels,
    [NAME_LABEL]: name,
    [INSTANCE_LABEL]: name,
    [PART_OF_LABEL]: app.name,
    [MANAGED_BY_LABEL]: 'libk8s',
    [app.platform.teamLabel]: app.team,
  };
  if (version) labels[VERSION_LABEL] = version;
  return labels;
}

/**
 * The labels selectors use: stable for the life of the workload (a
 * Deployment's selector is immutable), so never the version.
 */
export function selectorLabels(name: string): Record<string, string> {
  return { [NAME_LABEL]: name, [INSTANCE_LABEL]: name };
}

/**
 * The one label a NetworkPolicy selects a workload's pods by. Exactly one,
 * unique to the workload (Polaris matches it with `oneOf` over pod labels).
 */
export function policySelector(name: string): Record<string, string> {
  return { [INSTANCE_LABEL]: name };
}

/** A label value from an image tag: at most 63 characters of [A-Za-z0-9._-]. */
export function versionLabel(tag: string | undefined, digest: string | undefined): string | undefined {
  const raw = tag ?? (digest ? digest.replace(':', '-').slice(0, 19) : undefined);
  if (!raw) return undefined;
  const v = raw.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return v || undefined;
}
