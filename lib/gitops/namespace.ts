import type { Delivery } from '../core/delivery';
import { MANAGED_BY_LABEL, PART_OF_LABEL } from '../core/labels';

/** The Pod Security admission labels of a namespace that enforces `restricted` (and audits and warns at it). */
export function podSecurityLabels(version: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ['enforce', 'audit', 'warn']) {
    labels[`pod-security.kubernetes.io/${mode}`] = 'restricted';
    labels[`pod-security.kubernetes.io/${mode}-version`] = version;
  }
  return labels;
}

/**
 * A Namespace per environment, `namespace.yaml` in its folder, labelled so
 * Pod Security admission enforces the restricted profile the golden path
 * already meets.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export function namespaces(version = 'latest'): Delivery {
  return {
    name: 'namespaces',
    environmentObjects: ({ app, environment }) => new Map([['namespace.yaml', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: environment.namespace,
        labels: sorted({
          ...environment.labels,
          'kubernetes.io/metadata.name': environment.namespace,
          [PART_OF_LABEL]: app.name,
          [MANAGED_BY_LABEL]: 'libk8s',
          'app.kubernetes.io/name': app.name,
          [app.platform.teamLabel]: app.team,
          ...podSecurityLabels(version),
        }),
      },
    }]]),
  };
}

function sorted(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
