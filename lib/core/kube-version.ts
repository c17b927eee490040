import { ProblemList, show } from './errors';

/**
 * The Kubernetes minor version a cluster runs, and the fields that need a
 * newer one than libk8s's floor. Each environment targets one version (its
 * own, or the platform's); a field it does not serve is refused with the
 * version it needs, so a manifest never reaches a cluster that would reject it.
 */

/** A Kubernetes minor version, e.g. `'1.27'` or `'1.33'`. */
export type KubernetesVersion = `1.${number}`;

/** The oldest version libk8s emits for: the API of cdk8s-plus-27, the typed objects libk8s builds on. */
export const MIN_KUBERNETES_VERSION: KubernetesVersion = '1.27';
/** The newest version libk8s's rules know the API of (its guardrails' known kinds and versions end here). */
export const MAX_KUBERNETES_VERSION: KubernetesVersion = '1.33';
/** The version an environment targets when neither it nor the platform names one. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = MIN_KUBERNETES_VERSION;

const VERSION = /^1\.(0|[1-9][0-9]*)$/;

/** The minor number of a version string (`'1.30'` gives 30), or undefined when it is not `1.<minor>`. */
export function kubernetesMinor(version: unknown): number | undefined {
  const m = typeof version === 'string' ? VERSION.exec(version) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * Checks a version prop: the `1.<minor>` form (no patch release, no `v`)
 * and libk8s's supported range. Returns whether it passed.
 */
export function checkKubernetesVersion(problems: ProblemList, prop: string, value: unknown, env?: string): boolean {
  const range = `${MIN_KUBERNETES_VERSION} to ${MAX_KUBERNETES_VERSION}`;
  const minor = kubernetesMinor(value);
  if (minor === undefined) {
    const meant = typeof value === 'string' ? /^v?(1\.\d+)(\.\d+)?$/.exec(value.trim())?.[1] : typeof value === 'number' && Number.isFinite(value) ? value.toFixed(2) : undefined;
    problems.add(prop, `${show(value)} is not a Kubernetes minor version ('1.<minor>' as a string, without a 'v' or a patch release)`,
      `use the cluster's minor version as a string, e.g. ${show(meant && kubernetesMinor(meant) !== undefined ? meant : '1.30')} (supported: ${range}).`, env);
    return false;
  }
  if (minor < kubernetesMinor(MIN_KUBERNETES_VERSION)! || minor > kubernetesMinor(MAX_KUBERNETES_VERSION)!) {
    const why = minor < kubernetesMinor(MIN_KUBERNETES_VERSION)!
      ? `older than ${MIN_KUBERNETES_VERSION}, the oldest API libk8s emits for (cdk8s-plus-27)`
      : `newer than ${MAX_KUBERNETES_VERSION}, the newest API libk8s's rules and guardrails know`;
    problems.add(prop, `${show(value)} is ${why}`, `use a version from ${range}.`, env);
    return false;
  }
  return true;
}

/** A field that only newer clusters serve. */
export interface VersionGatedField {
  /** What it is, for messages, e.g. "the preStop 'sleep' action". */
  readonly what: string;
  /** The first version that serves it by default. */
  readonly since: KubernetesVersion;
  /** Where the field is documented. */
  readonly see: string;
}

/** The fields libk8s emits only for an environment whose version serves them. */
export const VERSION_GATED = {
  /** `lifecycle.preStop.sleep`: beta and on by default in 1.30 (PodLifecycleSleepAction). */
  preStopSleep: {
    what: "the kubelet's preStop 'sleep' action",
    since: '1.30',
    see: 'https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations',
  },
  /** An init container with `restartPolicy: Always`: beta and on by default in 1.29 (SidecarContainers). */
  nativeSidecar: {
    what: 'a native sidecar (an init container with restartPolicy: Always)',
    since: '1.29',
    see: 'https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/',
  },
} as const satisfies Readonly<Record<string, VersionGatedField>>;

/** Whether clusters of `version` serve `field` (false for a version that does not parse). */
export function serves(version: KubernetesVersion, field: VersionGatedField): boolean {
  const minor = kubernetesMinor(version);
  return minor !== undefined && minor >= kubernetesMinor(field.since)!;
}

/** What an environment targets, as version checks need it. */
export interface VersionTarget {
  readonly name: string;
  readonly kubernetesVersion: KubernetesVersion;
}

/**
 * Refuses `field` for the environments in `targets` whose version does not
 * serve it: one problem naming them all (with the environment set when it
 * is one), the value, the version needed and the fix. Returns whether every
 * environment serves it. Environments with a version that does not parse
 * are left to the check of that version.
 */
export function checkServed(problems: ProblemList, prop: string, value: unknown, field: VersionGatedField, targets: readonly VersionTarget[], fix: string): boolean {
  const old = targets.filter((t) => kubernetesMinor(t.kubernetesVersion) !== undefined && !serves(t.kubernetesVersion, field));
  if (old.length === 0) return true;
  const list = old.map((t) => `'${t.name}' targets ${t.kubernetesVersion}`).join(', ');
  problems.add(prop, `${show(value)} is ${field.what}, which needs Kubernetes ${field.since} or later, but environment${old.length === 1 ? '' : 's'} ${list}`,
    `${fix} (see ${field.see}).`, old.length === 1 ? old[0].name : undefined);
  return false;
}
