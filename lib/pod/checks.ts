import { ProblemList, show } from '../core/errors';
import type { Platform } from '../core/platform';
import {
  CONFIG_MAP_KEY, CONFIG_MAP_KEY_MAX, CONFIG_MAP_MAX_BYTES, checkDnsLabel, checkList, checkMemory, checkPort, cidrStrictlyInside, configMapKeyProblem, isDnsSubdomain, isRecord,
  parseCidr, suggestDnsLabel,
} from '../core/rules';
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
  const volumes = checkList(problems, 'volumes', p.volumes, "[{ name: 'data', mountPath: '/data', source: { type: 'emptyDir' } }]") ? p.volumes ?? [] : [];
  for (const [i, v] of volumes.entries()) {
    if (!isRecord(v)) {
      problems.add(`volumes[${i}]`, `${show(v)} is not a volume`, "pass { name, mountPath, source }, e.g. { name: 'data', mountPath: '/data', source: { type: 'emptyDir' } }.");
      continue;
    }
    checkVolumeSource(problems, `volumes[${i}].source`, v.source);
    if (!checkDnsLabel(problems, `volumes[${i}].name`, v.name)) continue;
    if (volumeNames.has(v.name)) problems.add(`volumes[${i}].name`, `${show(v.name)} is used twice (libk8s reserves "tmp" and "config")`, 'give each volume its own name.');
    volumeNames.add(v.name);
    if (typeof v.mountPath !== 'string' || !v.mountPath.startsWith('/')) problems.add(`volumes[${i}].mountPath`, `${show(v.mountPath)} is not an absolute path`, 'use a path like "/data".');
  }
  const containerNames = new Set<string>([main]);
  for (const [list, prop] of [[p.sidecars, 'sidecars'], [p.initContainers, 'initContainers']] as const) {
    if (!checkList(problems, prop, list, "[{ name: 'proxy', image: 'ghcr.io/acme/proxy:1.0.0' }]")) continue;
    for (const [i, c] of (list ?? []).entries()) {
      const cp = `${prop}[${i}]`;
      if (!isRecord(c)) {
        checkContainer(problems, cp, c, platform, volumeNames);
        continue;
      }
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
  if (p.config !== undefined) checkConfigFiles(problems, p.config);
}

/** The volume sources libk8s renders; anything else would be left out of the pod while its mount stayed. */
const VOLUME_SOURCES: readonly string[] = ['emptyDir', 'configMap', 'secret', 'persistentVolumeClaim'];

/** A volume's source: a type libk8s renders, naming an object that can exist (a DNS-1123 subdomain). */
function checkVolumeSource(problems: ProblemList, prop: string, src: VolumeProps['source']): void {
  const type = isRecord(src) ? src.type : undefined;
  if (!isRecord(src) || typeof type !== 'string' || !VOLUME_SOURCES.includes(type)) {
    problems.add(isRecord(src) ? `${prop}.type` : prop, `${show(isRecord(src) ? type : src)} is not a volume source libk8s offers (${VOLUME_SOURCES.join(', ')}); it would be left out of the pod while its mount stayed`,
      "use one of those types; hostPath is not offered, as the restricted Pod Security Standard forbids it.");
    return;
  }
  const named = (field: string, value: unknown, what: string): void => {
    if (isDnsSubdomain(value)) return;
    problems.add(`${prop}.${field}`, `${show(value)} is not a valid ${what} name (a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters), so no ${what} can have it and the pod would never start`,
      `use the ${what}'s name, e.g. ${show(typeof value === 'string' ? suggestDnsLabel(value) : 'app-data')}.`);
  };
  switch (src.type) {
    case 'configMap': named('configMap', src.configMap, 'ConfigMap'); break;
    case 'secret': named('secret', src.secret, 'Secret'); break;
    case 'persistentVolumeClaim': named('claimName', src.claimName, 'PersistentVolumeClaim'); break;
    case 'emptyDir':
      if (src.sizeLimit !== undefined) checkMemory(problems, `${prop}.sizeLimit`, src.sizeLimit);
      if (src.medium !== undefined && src.medium !== 'Memory') problems.add(`${prop}.medium`, `${show(src.medium)} is not an emptyDir medium`, "use 'Memory' for a tmpfs, or leave it out for disk.");
      break;
  }
}

/**
 * The `config` files: an object of file names to contents, each name a
 * ConfigMap key the API server accepts and the contents at most 1 MiB in
 * all (the API server counts the bytes of the values).
 */
function checkConfigFiles(problems: ProblemList, config: ConfigFilesProps): void {
  if (!isRecord(config)) {
    problems.add('config', `${show(config)} is not a config object`, "pass { files: { 'app.yaml': '...' } }.");
    return;
  }
  const files: unknown = config.files;
  if (!isRecord(files)) {
    problems.add('config.files', `${show(files)} is not an object of file names to contents`, "pass the files, e.g. files: { 'app.yaml': 'port: 8080' }.");
  } else {
    let bytes = 0;
    for (const [f, content] of Object.entries(files)) {
      const prop = `config.files.${f.length > 64 ? `${f.slice(0, 64)}…` : f}`;
      if (f === '__proto__') {
        problems.add(prop, `${show(f)} is a name a JavaScript object cannot keep as a key of its own (it sets the object's prototype), so the file would be dropped from the ConfigMap`,
          'rename the file, e.g. "proto".');
      } else if (!CONFIG_MAP_KEY.test(f)) {
        problems.add(prop, `${show(f)} is not a valid ConfigMap key`, 'use letters, digits, "-", "_" and ".".');
      } else {
        const why = configMapKeyProblem(f);
        if (why) problems.add(prop, why, f.length > CONFIG_MAP_KEY_MAX ? `use a file name of at most ${CONFIG_MAP_KEY_MAX} characters.` : 'use a file name other than "." or ".." that does not start with "..", e.g. "app.yaml".');
      }
      if (typeof content !== 'string') problems.add(prop, `${show(content)} is not a string (the file's content)`, 'pass the content as a string, e.g. JSON.stringify(value) or a YAML text.');
      else bytes += Buffer.byteLength(content);
    }
    if (bytes > CONFIG_MAP_MAX_BYTES) {
      problems.add('config.files', `hold ${bytes} bytes in all; the API server rejects a ConfigMap whose data is over ${CONFIG_MAP_MAX_BYTES} bytes (1 MiB)`,
        'move large files into the image or a volume (e.g. a PersistentVolumeClaim), or split them across workloads.');
    }
  }
  if (config.mountPath !== undefined && (typeof config.mountPath !== 'string' || !config.mountPath.startsWith('/'))) {
    problems.add('config.mountPath', `${show(config.mountPath)} is not an absolute path`, 'use a path like "/etc/app".');
  }
}

/** Checks the pod's egress rules and that no container mounts two volumes at one path. */
export function checkPodNetworkAndMounts(problems: ProblemList, p: PodShape, main: string): void {
  if (checkList(problems, 'egress', p.egress, "[{ cidr: '10.0.0.0/16', ports: [443] }]")) checkEgressRules(problems, p.egress);
  // the API server rejects two volume mounts at one path in a container
  checkMountPaths(problems, [
    ['/tmp', "libk8s's /tmp volume"],
    [isRecord(p.config) ? p.config.mountPath ?? `/etc/${main}` : undefined, 'config.mountPath'],
    ...listOf(p.volumes).map((v, i) => [v?.mountPath, `volumes[${i}].mountPath`] as const),
  ]);
  for (const [list, prop] of [[p.sidecars, 'sidecars'], [p.initContainers, 'initContainers']] as const) {
    for (const [i, c] of listOf(list).entries()) {
      checkMountPaths(problems, [['/tmp', "libk8s's /tmp volume"], ...listOf(c?.mounts).map((m, j) => [m?.mountPath, `${prop}[${i}].mounts[${j}].mountPath`] as const)]);
    }
  }
}

/** The elements of a list prop, or none when it is not a list (checkList reports that). */
function listOf<T>(list: readonly T[] | undefined): readonly T[] {
  return Array.isArray(list) ? list : [];
}

/** Egress CIDRs, their except blocks (strictly inside, as Kubernetes requires) and ports. */
export function checkEgressRules(problems: ProblemList, egress: readonly EgressRule[] | undefined): void {
  for (const [i, e] of (egress ?? []).entries()) {
    if (!isRecord(e)) {
      problems.add(`egress[${i}]`, `${show(e)} is not an egress rule`, "pass { cidr, ports }, e.g. { cidr: '10.0.0.0/16', ports: [443] }.");
      continue;
    }
    const block = parseCidr(e.cidr);
    if (!block) {
      problems.add(`egress[${i}].cidr`, `${show(e.cidr)} is not a CIDR`, 'use a block like "10.0.0.0/16" or "0.0.0.0/0".');
    }
    for (const [j, x] of (checkList(problems, `egress[${i}].except`, e.except, "['10.0.5.0/24']") ? e.except ?? [] : []).entries()) {
      const inner = parseCidr(x);
      if (!inner) problems.add(`egress[${i}].except[${j}]`, `${show(x)} is not a CIDR`, 'use a block like "10.0.5.0/24".');
      else if (block && !cidrStrictlyInside(inner, block)) {
        problems.add(`egress[${i}].except[${j}]`, `${show(x)} is not strictly inside ${show(e.cidr)}, which Kubernetes requires of an except block`, `use a smaller block inside ${e.cidr}, or remove it.`);
      }
    }
    for (const [j, port] of (checkList(problems, `egress[${i}].ports`, e.ports, '[443]') ? e.ports ?? [] : []).entries()) checkPort(problems, `egress[${i}].ports[${j}]`, port);
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
