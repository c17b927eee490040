import { ProblemList, show } from '../core/errors';
import type { Platform } from '../core/platform';
import { checkDnsLabel, checkPort, cidrStrictlyInside, parseCidr } from '../core/rules';
import { checkContainer, ConfigFilesProps, ContainerProps, VolumeProps } from './container';
import type { EgressRule } from './network-policy';
import { TMP_VOLUME } from './template';

/** The name of the volume that holds a workload's `config` files. */
export const CONFIG_VOLUME = 'config';

/** What a golden-path pod's props declare beyond the main container. */
export interface PodShape {
  readonly config?: ConfigFilesProps;
  readonly volumes?: readonly VolumeProps[];
  readonly sidecars?: readonly ContainerProps[];
  readonly initContainers?: readonly ContainerProps[];
  readonly egress?: readonly EgressRule[];
}

/**
 * Checks the parts of a pod every workload may declare: volumes, sidecars
 * and init containers, config files. `main` is the main container's name
 * (the construct id).
 */
export function checkPodParts(problems: ProblemList, p: PodShape, main: string, platform: Platform): void {
  const volumeNames = new Set<string>([TMP_VOLUME, ...(p.config ? [CONFIG_VOLUME] : [])]);
  for (const [i, v] of (p.volumes ?? []).entries()) {
    if (!checkDnsLabel(problems, `volumes[${i}].name`, v.name)) continue;
    if (volumeNames.has(v.name)) problems.add(`volumes[${i}].name`, `${show(v.name)} is used twice (libk8s reserves "tmp" and "config")`, 'give each volume its own name.');
    volumeNames.add(v.name);
    if (!v.mountPath?.startsWith('/')) problems.add(`volumes[${i}].mountPath`, `${show(v.mountPath)} is not an absolute path`, 'use a path like "/data".');
  }
  const containerNames = new Set<string>([main]);
  for (const [list, prop] of [[p.sidecars, 'sidecars'], [p.initContainers, 'initContainers']] as const) {
    for (const [i, c] of (list ?? []).entries()) {
      const cp = `${prop}[${i}]`;
      if (checkDnsLabel(problems, `${cp}.name`, c.name) && containerNames.has(c.name)) {
        problems.add(`${cp}.name`, `${show(c.name)} is used by another container of this pod`, 'give each container its own name.');
      }
      containerNames.add(c.name);
      checkContainer(problems, cp, c, platform, volumeNames);
      if (prop === 'initContainers' && c.probes) {
        problems.add(`${cp}.probes`, 'is set on an init container, which runs to completion and is never probed', 'remove it, or make the container a sidecar.');
      }
    }
  }
  if (p.config) {
    for (const f of Object.keys(p.config.files ?? {})) {
      if (!/^[-._a-zA-Z0-9]+$/.test(f)) problems.add(`config.files.${f}`, `${show(f)} is not a valid ConfigMap key`, 'use letters, digits, "-", "_" and ".".');
    }
    if (p.config.mountPath !== undefined && !p.config.mountPath.startsWith('/')) {
      problems.add('config.mountPath', `${show(p.config.mountPath)} is not an absolute path`, 'use a path like "/etc/app".');
    }
  }
}

/** Checks the pod's egress rules and that no container mounts two volumes at one path. */
export function checkPodNetworkAndMounts(problems: ProblemList, p: PodShape, main: string): void {
  checkEgressRules(problems, p.egress);
  // the API server rejects two volume mounts at one path in a container
  checkMountPaths(problems, [
    ['/tmp', "libk8s's /tmp volume"],
    [p.config ? p.config.mountPath ?? `/etc/${main}` : undefined, 'config.mountPath'],
    ...(p.volumes ?? []).map((v, i) => [v.mountPath, `volumes[${i}].mountPath`] as const),
  ]);
  for (const [list, prop] of [[p.sidecars, 'sidecars'], [p.initContainers, 'initContainers']] as const) {
    for (const [i, c] of (list ?? []).entries()) {
      checkMountPaths(problems, [['/tmp', "libk8s's /tmp volume"], ...(c.mounts ?? []).map((m, j) => [m.mountPath, `${prop}[${i}].mounts[${j}].mountPath`] as const)]);
    }
  }
}

/** Egress CIDRs, their except blocks (strictly inside, as Kubernetes requires) and ports. */
export function checkEgressRules(problems: ProblemList, egress: readonly EgressRule[] | undefined): void {
  for (const [i, e] of (egress ?? []).entries()) {
    const block = parseCidr(e.cidr);
    if (!block) {
      problems.add(`egress[${i}].cidr`, `${show(e.cidr)} is not a CIDR`, 'use a block like "10.0.0.0/16" or "0.0.0.0/0".');
    }
    for (const [j, x] of (e.except ?? []).entries()) {
      const inner = parseCidr(x);
      if (!inner) problems.add(`egress[${i}].except[${j}]`, `${show(x)} is not a CIDR`, 'use a block like "10.0.5.0/24".');
      else if (block && !cidrStrictlyInside(inner, block)) {
        problems.add(`egress[${i}].except[${j}]`, `${show(x)} is not strictly inside ${show(e.cidr)}, which Kubernetes requires of an except block`, `use a smaller block inside ${e.cidr}, or remove it.`);
      }
    }
    for (const [j, port] of (e.ports ?? []).entries()) checkPort(problems, `egress[${i}].ports[${j}]`, port);
  }
}

/** Reports a mount path used twice in one container; `mounts` are [path, prop] pairs, the first of a path wins. */
function checkMountPaths(problems: ProblemList, mounts: readonly (readonly [string | undefined, string])[]): void {
  const seen = new Map<string, string>();
  for (const [path, prop] of mounts) {
    if (typeof path !== 'string') continue;
    const other = seen.get(path);
    if (other) problems.add(prop, `${show(path)} is also the mount path of ${other}; Kubernetes rejects two mounts at one path`, 'mount it at another path.');
    else seen.set(path, prop);
  }
}
