/**
 * The Pod Security Standards, control by control, as
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 * defines them (Baseline and Restricted, current page). Each control lists
 * its restricted fields and allowed values; a pod that sets any restricted
 * field to a value outside its allowed values violates the profile.
 */

export type Level = 'baseline' | 'restricted';

export interface Violation {
  readonly level: Level;
  readonly control: string;
  /** The restricted field, e.g. `spec.containers[0].securityContext.privileged`. */
  readonly field: string;
  readonly value: unknown;
}

/** A pod as the checker sees it: the pod (or pod template) metadata and spec. */
export interface PodLike {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
  readonly spec: Record<string, any>;
}

/** Baseline "Capabilities": the capabilities that may be added. */
export const BASELINE_ADDABLE_CAPABILITIES = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

/** Baseline "Sysctls": the safe set. */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
];

/** Baseline "SELinux": the allowed seLinuxOptions.type values ("" and undefined too). */
export const SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

/** Restricted "Volume Types": every volume must be one of these. */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** Every container of the pod with the path of its field. */
function containers(spec: Record<string, any>): { path: string; c: Record<string, any> }[] {
  return CONTAINER_LISTS.flatMap((list) => ((spec[list] ?? []) as Record<string, any>[]).map((c, i) => ({ path: `spec.${list}[${i}]`, c })));
}

/** Checks one pod against a profile (restricted includes everything from baseline). */
export function checkPod(pod: PodLike, level: Level = 'restricted'): Violation[] {
  const out: Violation[] = [];
  const spec = pod.spec ?? {};
  const psc: Record<string, any> = spec.securityContext ?? {};
  const cs = containers(spec);
  const add = (lvl: Level, control: string, field: string, value: unknown) => out.push({ level: lvl, control, field, value });
  const isWindows = spec.os?.name === 'windows';

  // ---- Baseline ----
  // HostProcess: undefined/nil or false
  if (![undefined, null, false].includes(psc.windowsOptions?.hostProcess)) add('baseline', 'HostProcess', 'spec.securityContext.windowsOptions.hostProcess', psc.windowsOptions.hostProcess);
  for (const { path, c } of cs) {
    const v = c.securityContext?.windowsOptions?.hostProcess;
    if (![undefined, null, false].includes(v)) add('baseline', 'HostProcess', `${path}.securityContext.windowsOptions.hostProcess`, v);
  }
  // Host Namespaces: undefined/nil or false
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (![undefined, null, false].includes(spec[f])) add('baseline', 'Host Namespaces', `spec.${f}`, spec[f]);
  }
  // Privileged Containers: undefined/nil or false
  for (const { path, c } of cs) {
    const v = c.securityContext?.privileged;
    if (![undefined, null, false].includes(v)) add('baseline', 'Privileged Containers', `${path}.securityContext.privileged`, v);
  }
  // Capabilities: add only from the default set
  for (const { path, c } of cs) {
    for (const [i, cap] of ((c.securityContext?.capabilities?.add ?? []) as string[]).entries()) {
      if (!BASELINE_ADDABLE_CAPABILITIES.includes(cap)) add('baseline', 'Capabilities', `${path}.securityContext.capabilities.add[${i}]`, cap);
    }
  }
  // HostPath Volumes: undefined/nil
  for (const [i, v] of ((spec.volumes ?? []) as Record<string, any>[]).entries()) {
    if (v.hostPath !== undefined && v.hostPath !== null) add('baseline', 'HostPath Volumes', `spec.volumes[${i}].hostPath`, v.hostPath);
  }
  // Host Ports: undefined/nil or 0 (no list of known ports is configured)
  for (const { path, c } of cs) {
    for (const [i, p] of ((c.ports ?? []) as Record<string, any>[]).entries()) {
      if (![undefined, null, 0].includes(p.hostPort)) add('baseline', 'Host Ports', `${path}.ports[${i}].hostPort`, p.hostPort);
    }
  }
  // AppArmor: undefined/nil, RuntimeDefault or Localhost; annotations undefined, runtime/default or localhost/*
  const appArmorOk = (t: unknown) => [undefined, null, 'RuntimeDefault', 'Localhost'].includes(t as any);
  if (!appArmorOk(psc.appArmorProfile?.type)) add('baseline', 'AppArmor', 'spec.securityContext.appArmorProfile.type', psc.appArmorProfile.type);
  for (const { path, c } of cs) {
    const t = c.securityContext?.appArmorProfile?.type;
    if (!appArmorOk(t)) add('baseline', 'AppArmor', `${path}.securityContext.appArmorProfile.type`, t);
  }
  for (const [k, v] of Object.entries(pod.metadata?.annotations ?? {})) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !v.startsWith('localhost/')) {
      add('baseline', 'AppArmor', `metadata.annotations['${k}']`, v);
    }
  }
  // SELinux: type undefined, "" or one of the container types; user and role undefined or ""
  const seLinux = (path: string, o: Record<string, any> | undefined) => {
    if (!o) return;
    if (![undefined, null, '', ...SELINUX_TYPES].includes(o.type)) add('baseline', 'SELinux', `${path}.seLinuxOptions.type`, o.type);
    for (const f of ['user', 'role']) if (![undefined, null, ''].includes(o[f])) add('baseline', 'SELinux', `${path}.seLinuxOptions.${f}`, o[f]);
  };
  seLinux('spec.securityContext', psc.seLinuxOptions);
  for (const { path, c } of cs) seLinux(`${path}.securityContext`, c.securityContext?.seLinuxOptions);
  // /proc Mount Type: undefined/nil or Default
  for (const { path, c } of cs) {
    const v = c.securityContext?.procMount;
    if (![undefined, null, 'Default'].includes(v)) add('baseline', '/proc Mount Type', `${path}.securityContext.procMount`, v);
  }
  // Seccomp: undefined/nil, RuntimeDefault or Localhost (never Unconfined)
  const seccompOk = (t: unknown) => [undefined, null, 'RuntimeDefault', 'Localhost'].includes(t as any);
  if (!seccompOk(psc.seccompProfile?.type)) add('baseline', 'Seccomp', 'spec.securityContext.seccompProfile.type', psc.seccompProfile.type);
  for (const { path, c } of cs) {
    const t = c.securityContext?.seccompProfile?.type;
    if (!seccompOk(t)) add('baseline', 'Seccomp', `${path}.securityContext.seccompProfile.type`, t);
  }
  // Sysctls: undefined/nil or the safe set
  for (const [i, s] of ((psc.sysctls ?? []) as Record<string, any>[]).entries()) {
    if (!SAFE_SYSCTLS.includes(s.name)) add('baseline', 'Sysctls', `spec.securityContext.sysctls[${i}].name`, s.name);
  }
  if (level === 'baseline') return out;

  // ---- Restricted ----
  // Volume Types: each volume is one of the allowed types
  for (const [i, v] of ((spec.volumes ?? []) as Record<string, any>[]).entries()) {
    const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
    for (const s of sources) if (!RESTRICTED_VOLUME_TYPES.includes(s)) add('restricted', 'Volume Types', `spec.volumes[${i}].${s}`, v[s]);
    if (sources.length === 0) add('restricted', 'Volume Types', `spec.volumes[${i}]`, v);
  }
  // Privilege Escalation (Linux only): false
  if (!isWindows) {
    for (const { path, c } of cs) {
      const v = c.securityContext?.allowPrivilegeEscalation;
      if (v !== false) add('restricted', 'Privilege Escalation', `${path}.securityContext.allowPrivilegeEscalation`, v);
    }
  }
  // Running as Non-root: true; container fields may be unset when the pod-level field is true
  if (![undefined, null, true].includes(psc.runAsNonRoot)) add('restricted', 'Running as Non-root', 'spec.securityContext.runAsNonRoot', psc.runAsNonRoot);
  for (const { path, c } of cs) {
    const v = c.securityContext?.runAsNonRoot;
    if (v === true) continue;
    if ((v === undefined || v === null) && psc.runAsNonRoot === true) continue;
    add('restricted', 'Running as Non-root', `${path}.securityContext.runAsNonRoot`, v);
  }
  // Running as Non-root user: any non-zero value, or undefined/nil
  if (psc.runAsUser === 0) add('restricted', 'Running as Non-root user', 'spec.securityContext.runAsUser', 0);
  for (const { path, c } of cs) {
    if (c.securityContext?.runAsUser === 0) add('restricted', 'Running as Non-root user', `${path}.securityContext.runAsUser`, 0);
  }
  // Seccomp (Linux only): RuntimeDefault or Localhost; container fields may be unset when the pod-level one is set
  if (!isWindows) {
    const set = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
    const podSet = set(psc.seccompProfile?.type);
    for (const { path, c } of cs) {
      const t = c.securityContext?.seccompProfile?.type;
      if (set(t) || ((t === undefined || t === null) && podSet)) continue;
      add('restricted', 'Seccomp', `${path}.securityContext.seccompProfile.type`, t);
    }
  }
  // Capabilities (Linux only): drop ALL; add only NET_BIND_SERVICE
  if (!isWindows) {
    for (const { path, c } of cs) {
      const drop: string[] = c.securityContext?.capabilities?.drop ?? [];
      if (!drop.includes('ALL')) add('restricted', 'Capabilities', `${path}.securityContext.capabilities.drop`, c.securityContext?.capabilities?.drop);
      for (const [i, cap] of ((c.securityContext?.capabilities?.add ?? []) as string[]).entries()) {
        if (cap !== 'NET_BIND_SERVICE') add('restricted', 'Capabilities', `${path}.securityContext.capabilities.add[${i}]`, cap);
      }
    }
  }
  return out;
}

/** The pods a list of manifests would create: Pods themselves and the pod templates of workloads. */
export function podsOf(objects: readonly Record<string, any>[]): { readonly owner: string; readonly pod: PodLike }[] {
  const out: { owner: string; pod: PodLike }[] = [];
  for (const o of objects) {
    const owner = `${o.kind}/${o.metadata?.name}`;
    if (o.kind === 'Pod') out.push({ owner, pod: o as PodLike });
    else if (o.kind === 'CronJob' && o.spec?.jobTemplate?.spec?.template) out.push({ owner, pod: o.spec.jobTemplate.spec.template });
    else if (o.spec?.template?.spec?.containers) out.push({ owner, pod: o.spec.template });
  }
  return out;
}
