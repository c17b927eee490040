import type { DeliverySource } from '../core/delivery';
import { ProblemList, show } from '../core/errors';
import type { DeliveryProps, DeliveryTarget } from '../core/platform';

/** The command line's overrides of the platform's delivery (`--delivery --repo --revision --path`). */
export interface DeliveryOverrides {
  readonly target?: DeliveryTarget;
  readonly repo?: string;
  readonly revision?: string;
  readonly path?: string;
}

export const DELIVERY_TARGETS: readonly DeliveryTarget[] = ['kustomize', 'argo-cd', 'flux'];

/** The delivery settings with the command line's overrides applied and defaults resolved. */
export interface ResolvedDelivery extends DeliverySource {
  readonly target: DeliveryTarget;
  readonly props: DeliveryProps;
}

export function resolveDelivery(props: DeliveryProps, overrides: DeliveryOverrides = {}, outdir?: string): ResolvedDelivery {
  const fromOutdir = outdir !== undefined && !outdir.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(outdir) ? outdir : undefined;
  return {
    target: overrides.target ?? props.target ?? 'kustomize',
    repo: overrides.repo ?? props.repo,
    revision: overrides.revision ?? props.revision ?? 'main',
    path: (overrides.path ?? props.path ?? fromOutdir ?? 'dist').replace(/^\.\//, '').replace(/\/+$/, ''),
    props,
  };
}

const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

/** What a delivery needs that the settings do not give, reported with the app's other problems. */
export function checkDelivery(d: ResolvedDelivery, problems: ProblemList): void {
  const at = 'platform.delivery';
  if (!DELIVERY_TARGETS.includes(d.target)) {
    problems.add(`${at}.target`, `${show(d.target)} is not a delivery target`, `use one of: ${DELIVERY_TARGETS.join(', ')}.`);
    return;
  }
  if (d.target !== 'kustomize') {
    if (!d.repo) {
      problems.add(`${at}.repo`, `is not set, but delivery '${d.target}' points the GitOps tool at the repository the output is committed to`,
        "set platform.delivery.repo (e.g. 'https://github.com/acme/shop.git'), or pass --repo URL to libk8s synth.");
    } else if (!/^(https?|ssh|git|oci):\/\/[^\s]+$|^git@[^\s:]+:[^\s]+$/.test(d.repo)) {
      problems.add(`${at}.repo`, `${show(d.repo)} is not a repository URL`, 'use an https://, ssh://, git@host:path or oci:// URL.');
    } else if (d.repo.startsWith('oci://') && (/^[0-9a-f]{40}$/.test(d.revision) || /^refs\/(heads|pull)\//.test(d.revision))) {
      problems.add(`${at}.revision`, `${show(d.revision)} is a git commit or branch, but ${show(d.repo)} is an OCI artifact, which has tags and digests only`, "use a tag (e.g. 'v1.4.2') or a digest ('sha256:…').");
    } else if (d.repo.startsWith('oci://') && d.target === 'argo-cd') {
      problems.add(`${at}.repo`, `${show(d.repo)} is an OCI artifact, which this delivery's Argo CD Application does not read`, 'use the git repository the output is committed to.');
    }
  }
  if (!/^[A-Za-z0-9._/-]+$/.test(d.revision) || d.revision.includes('..')) {
    problems.add(`${at}.revision`, `${show(d.revision)} is not a branch, tag or commit`, "use e.g. 'main', 'v1.4.2' or a commit SHA.");
  }
  if (d.path === '' || d.path.startsWith('/') || d.path.split('/').some((s) => s === '..' || s === '')) {
    problems.add(`${at}.path`, `${show(d.path)} is not a path inside the repository`, "use the output directory's path relative to the repository root, e.g. 'dist' or 'deploy/dist'.");
  }
  for (const key of ['interval', 'timeout'] as const) {
    const v = d.props.flux?.[key];
    if (v !== undefined && !DURATION.test(v)) problems.add(`${at}.flux.${key}`, `${show(v)} is not a Go duration`, "use e.g. '5m' or '1h30m'.");
  }
}
