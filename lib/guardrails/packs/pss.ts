/**
 * The Kubernetes Pod Security Standards, Baseline and Restricted, one rule
 * per control, as https://kubernetes.io/docs/concepts/security/pod-security-standards/
 * defines them and the pod-security-admission controller enforces them at
 * its latest policy version: init and ephemeral containers count, a
 * container's securityContext overrides the pod's, `spec.os.name: windows`
 * exempts the Linux-only Restricted controls, and `spec.hostUsers: false`
 * (user namespaces) relaxes runAsNonRoot, runAsUser and Baseline's procMount.
 *
 * The allowed values are the page's lists. Newer admission controllers also
 * accept the net.ipv4.tcp_rmem/tcp_wmem sysctls (policy v1.32+) and image
 * volumes (v1.33+); those stay findings here until the page lists them.
 *
 * Restricted rules check their whole control, so a value that breaks both a
 * Baseline and a Restricted control (seccomp Unconfined, an added SYS_ADMIN)
 * is reported by both packs.
 */
import { ContainerRef, containersOf, PodSpecRef, podSpecOf, WORKLOAD_KINDS } from '../pod-spec';
import { Rule, RuleAliases, Violation } from '../../core/policy';

type Level = 'baseline' | 'restricted';
type Check = (pod: PodSpecRef, containers: readonly ContainerRef[]) => Violation[];

/** A value as YAML would show it: plain strings bare, anything else as JSON. */
const show = (v: unknown): string => (typeof v === 'string' && /^[\w./:@-]+$/.test(v) ? v : JSON.stringify(v) ?? '(unset)');
const isSet = (v: unknown): boolean => v !== undefined && v !== null;
const sc = (c: ContainerRef): Record<string, any> => c.container.securityContext ?? {};
const podSc = (pod: PodSpecRef): Record<string, any> => pod.spec.securityContext ?? {};
const isWindows = (pod: PodSpecRef): boolean => pod.spec.os?.name === 'windows';
const userNamespaced = (pod: PodSpecRef): boolean => pod.spec.hostUsers === false;

/** `container 'app'`, `init container 'migrate'`, `ephemeral container 'debug'`. */
function who(c: ContainerRef): string {
  const label = c.kind === 'initContainer' ? 'init container' : c.kind === 'ephemeralContainer' ? 'ephemeral container' : 'container';
  return `${label} '${c.container.name ?? c.path.replace(/^.*\./, '')}'`;
}

/** The JSON path of the pod (template) metadata next to a pod spec. */
function metadataPath(pod: PodSpecRef): string {
  return pod.path === 'spec' ? 'metadata' : `${pod.path.replace(/\.spec$/, '')}.metadata`;
}

/**
 * A securityContext field as the admission controller resolves it: the
 * container's own value when set, the pod's otherwise.
 */
function effective(pod: PodSpecRef, c: ContainerRef, key: string): { value: any; field: string; from?: 'container' | 'pod' } {
  if (isSet(sc(c)[key])) return { value: sc(c)[key], field: `${c.path}.securityContext.${key}`, from: 'container' };
  if (isSet(podSc(pod)[key])) return { value: podSc(pod)[key], field: `${pod.path}.securityContext.${key}`, from: 'pod' };
  return { value: undefined, field: `${c.path}.securityContext.${key}` };
}

/** Each securityContext (the pod's, then every container's) with its path and who sets it. */
function contexts(pod: PodSpecRef, containers: readonly ContainerRef[]): { ctx: Record<string, any>; path: string; who: string }[] {
  return [
    { ctx: podSc(pod), path: `${pod.path}.securityContext`, who: 'the pod' },
    ...containers.map((c) => ({ ctx: sc(c), path: `${c.path}.securityContext`, who: who(c) })),
  ];
}

function rule(level: Level, slug: string, spec: { description: string; fix: string; aliases?: RuleAliases; check: Check }): Rule {
  return {
    id: `pss-${level}-${slug}`,
    pack: `pss-${level}`,
    severity: 'error',
    description: spec.description,
    fix: spec.fix,
    aliases: spec.aliases,
    kinds: WORKLOAD_KINDS,
    check(subject) {
      const pod = podSpecOf(subject.manifest);
      return pod ? spec.check(pod, containersOf(pod)) : undefined;
    },
  };
}

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const GOOD_PROFILES = new Set(['RuntimeDefault', 'Localhost']);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/** How a libk8s user gets back to the golden path; each fix continues with the plain-YAML change. */
const UNDO = 'remove the addJsonPatch or customize() that changes it, or waive the rule with a reason';

// ---- Baseline -------------------------------------------------------------

const hostProcess = rule('baseline', 'host-process', {
  description: 'No Windows HostProcess containers: windowsOptions.hostProcess unset or false on the pod and every container.',
  fix: `libk8s never sets this; ${UNDO}. In YAML: remove securityContext.windowsOptions.hostProcess (or set it to false) on the pod and on every container.`,
  aliases: { polaris: 'hostProcess' },
  check: (pod, containers) => contexts(pod, containers)
    .filter((s) => s.ctx.windowsOptions?.hostProcess === true)
    .map((s) => ({ message: `${s.who} sets windowsOptions.hostProcess: true`, field: `${s.path}.windowsOptions.hostProcess` })),
});

const hostNamespaces = rule('baseline', 'host-namespaces', {
  description: "No sharing of the node's namespaces: hostNetwork, hostPID and hostIPC unset or false.",
  fix: `libk8s never sets this; ${UNDO}. In YAML: remove spec.hostNetwork, spec.hostPID and spec.hostIPC from the pod spec (or set them to false).`,
  check: (pod) => (['hostNetwork', 'hostPID', 'hostIPC'] as const)
    .filter((k) => pod.spec[k] === true)
    .map((k) => ({ message: `the pod sets ${k}: true, sharing the node's ${{ hostNetwork: 'network', hostPID: 'process', hostIPC: 'IPC' }[k]} namespace`, field: `${pod.path}.${k}` })),
});

const privileged = rule('baseline', 'privileged', {
  description: 'No privileged containers: securityContext.privileged unset or false on every container.',
  fix: `libk8s containers run with privileged: false; ${UNDO}. In YAML: set securityContext.privileged: false (or leave it out) on every container.`,
  aliases: { polaris: 'runAsPrivileged', kubeLinter: 'privileged-container', kubeScore: 'container-security-context-privileged' },
  check: (_pod, containers) => containers
    .filter((c) => sc(c).privileged === true)
    .map((c) => ({ message: `${who(c)} sets privileged: true`, field: `${c.path}.securityContext.privileged` })),
});

const capabilitiesBaseline = rule('baseline', 'capabilities', {
  description: `Containers add no capabilities beyond the baseline set (${[...BASELINE_CAPABILITIES].join(', ')}).`,
  fix: `libk8s containers drop ALL and add none; ${UNDO}. In YAML: remove the capability from securityContext.capabilities.add.`,
  aliases: { polaris: 'dangerousCapabilities' },
  check: (_pod, containers) => containers.flatMap((c) => addedCapabilities(c)
    .filter(({ cap }) => !BASELINE_CAPABILITIES.has(cap))
    .map(({ cap, i }) => ({ message: `${who(c)} adds capability ${show(cap)}, which is not in the baseline set`, field: `${c.path}.securityContext.capabilities.add[${i}]` }))),
});

function addedCapabilities(c: ContainerRef): { cap: string; i: number }[] {
  const add = sc(c).capabilities?.add;
  return Array.isArray(add) ? add.map((cap, i) => ({ cap: String(cap), i })) : [];
}

const hostPathVolumes = rule('baseline', 'host-path-volumes', {
  description: 'No hostPath volumes.',
  fix: 'libk8s volumes offer no hostPath. Use an emptyDir, a PersistentVolumeClaim, a ConfigMap or a Secret instead, or waive the rule with a reason (node agents). In YAML: replace spec.volumes[*].hostPath with one of those.',
  aliases: { polaris: 'hostPathSet', kubeLinter: 'sensitive-host-mounts' },
  check: (pod) => volumes(pod)
    .filter(({ v }) => isSet(v.hostPath))
    .map(({ v, i }) => ({ message: `volume '${v.name}' mounts hostPath ${show(v.hostPath?.path ?? '')} from the node`, field: `${pod.path}.volumes[${i}].hostPath` })),
});

function volumes(pod: PodSpecRef): { v: Record<string, any>; i: number }[] {
  const list = pod.spec.volumes;
  return Array.isArray(list) ? list.map((v, i) => ({ v: v ?? {}, i })) : [];
}

const hostPorts = rule('baseline', 'host-ports', {
  description: "No host ports: ports[*].hostPort unset or 0 on every container.",
  fix: `libk8s never sets this; ${UNDO}. Reach the pod through its Service (or an Ingress/HTTPRoute) instead. In YAML: remove ports[*].hostPort from every container.`,
  aliases: { polaris: 'hostPortSet' },
  check: (_pod, containers) => containers.flatMap((c) => (Array.isArray(c.container.ports) ? c.container.ports as any[] : [])
    .map((p, j) => ({ p: p ?? {}, j }))
    .filter(({ p }) => isSet(p.hostPort) && p.hostPort !== 0)
    .map(({ p, j }) => ({ message: `${who(c)} binds host port ${show(p.hostPort)}`, field: `${c.path}.ports[${j}].hostPort` }))),
});

const hostProbes = rule('baseline', 'host-probes', {
  description: 'Probes and lifecycle hooks do not set a host (httpGet.host, tcpSocket.host): they must target the pod itself.',
  fix: `libk8s probes and hooks always target the pod; ${UNDO}. In YAML: remove httpGet.host and tcpSocket.host from livenessProbe, readinessProbe, startupProbe and lifecycle.postStart/preStop (use an httpHeaders Host header for virtual hosts).`,
  check: (_pod, containers) => containers.flatMap((c) => {
    const handlers: [string, any][] = [
      ['livenessProbe', c.container.livenessProbe], ['readinessProbe', c.container.readinessProbe], ['startupProbe', c.container.startupProbe],
      ['lifecycle.postStart', c.container.lifecycle?.postStart], ['lifecycle.preStop', c.container.lifecycle?.preStop],
    ];
    return handlers.flatMap(([name, h]) => (['httpGet', 'tcpSocket'] as const)
      .filter((t) => typeof h?.[t]?.host === 'string' && h[t].host !== '')
      .map((t) => ({ message: `${who(c)} sets ${name}.${t}.host: ${show(h[t].host)}`, field: `${c.path}.${name}.${t}.host` })));
  }),
});

const appArmor = rule('baseline', 'apparmor', {
  description: 'AppArmor is not disabled or overridden: appArmorProfile.type RuntimeDefault or Localhost (or unset), annotations runtime/default or localhost/*.',
  fix: `libk8s never sets this; ${UNDO}. In YAML: remove securityContext.appArmorProfile (or set type: RuntimeDefault, or Localhost with a profile loaded on the nodes) and any container.apparmor.security.beta.kubernetes.io/* annotation other than runtime/default or localhost/<profile>.`,
  check: (pod, containers) => {
    const out: Violation[] = contexts(pod, containers)
      .filter((s) => isSet(s.ctx.appArmorProfile) && !GOOD_PROFILES.has(s.ctx.appArmorProfile.type))
      .map((s) => ({ message: `${s.who} sets appArmorProfile.type: ${show(s.ctx.appArmorProfile.type)}`, field: `${s.path}.appArmorProfile.type` }));
    for (const [key, value] of Object.entries(pod.metadata.annotations ?? {})) {
      if (!key.startsWith(APPARMOR_ANNOTATION)) continue;
      const v = String(value ?? '');
      if (v === '' || v === 'runtime/default' || v.startsWith('localhost/')) continue;
      out.push({ message: `the pod annotation ${key} is ${show(v)}`, field: `${metadataPath(pod)}.annotations['${key}']` });
    }
    return out;
  },
});

const seLinux = rule('baseline', 'selinux', {
  description: 'SELinux: seLinuxOptions.type unset or one of container_t, container_init_t, container_kvm_t, container_engine_t; user and role unset.',
  fix: `libk8s never sets this; ${UNDO}. In YAML: remove securityContext.seLinuxOptions.user and .role, and leave .type unset or set it to container_t (pod and containers).`,
  check: (pod, containers) => contexts(pod, containers).filter((s) => isSet(s.ctx.seLinuxOptions)).flatMap((s) => {
    const o = s.ctx.seLinuxOptions;
    const out: Violation[] = [];
    if (isSet(o.type) && !SELINUX_TYPES.has(o.type)) out.push({ message: `${s.who} sets seLinuxOptions.type: ${show(o.type)}`, field: `${s.path}.seLinuxOptions.type` });
    for (const k of ['user', 'role'] as const) {
      if (isSet(o[k]) && o[k] !== '') out.push({ message: `${s.who} sets seLinuxOptions.${k}: ${show(o[k])}`, field: `${s.path}.seLinuxOptions.${k}` });
    }
    return out;
  }),
});

const PROC_MOUNT_ALIASES: RuleAliases = { polaris: 'procMount', kubeLinter: 'unsafe-proc-mount' };
const procMountViolations = (containers: readonly ContainerRef[]): Violation[] => containers
  .filter((c) => isSet(sc(c).procMount) && sc(c).procMount !== 'Default')
  .map((c) => ({ message: `${who(c)} sets procMount: ${show(sc(c).procMount)}, unmasking /proc`, field: `${c.path}.securityContext.procMount` }));

const procMountBaseline = rule('baseline', 'proc-mount', {
  description: 'The default /proc masks stay: procMount unset or Default on every container (pods in a user namespace, hostUsers: false, are exempt).',
  fix: `libk8s never sets this; ${UNDO}. In YAML: remove securityContext.procMount (or set it to Default) on every container.`,
  aliases: PROC_MOUNT_ALIASES,
  check: (pod, containers) => (userNamespaced(pod) ? [] : procMountViolations(containers)),
});

const seccompBaseline = rule('baseline', 'seccomp', {
  description: 'Seccomp is not disabled: seccompProfile.type unset, RuntimeDefault or Localhost on the pod and every container (never Unconfined).',
  fix: `libk8s pods and containers use seccompProfile RuntimeDefault; ${UNDO}. In YAML: set securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a profile on the nodes).`,
  check: (pod, containers) => contexts(pod, containers)
    .filter((s) => isSet(s.ctx.seccompProfile) && !GOOD_PROFILES.has(s.ctx.seccompProfile.type))
    .map((s) => ({ message: `${s.who} sets seccompProfile.type: ${show(s.ctx.seccompProfile.type)}`, field: `${s.path}.seccompProfile.type` })),
});

const sysctls = rule('baseline', 'sysctls', {
  description: `Only safe sysctls: spec.securityContext.sysctls names from ${[...SAFE_SYSCTLS].join(', ')}.`,
  fix: `libk8s never sets this; ${UNDO}. Set node-level sysctls on the nodes instead. In YAML: remove the entry from spec.securityContext.sysctls.`,
  aliases: { kubeLinter: 'unsafe-sysctls' },
  check: (pod) => (Array.isArray(podSc(pod).sysctls) ? podSc(pod).sysctls as any[] : [])
    .map((s, i) => ({ name: s?.name, i }))
    .filter(({ name }) => !SAFE_SYSCTLS.has(name))
    .map(({ name, i }) => ({ message: `the pod sets sysctl ${show(name)}, which is not in the safe set`, field: `${pod.path}.securityContext.sysctls[${i}].name` })),
});

// ---- Restricted -----------------------------------------------------------

const volumeTypes = rule('restricted', 'volume-types', {
  description: `Volumes only of the types ${RESTRICTED_VOLUMES.join(', ')}.`,
  fix: 'libk8s volumes are emptyDir, configMap, secret and persistentVolumeClaim. For other storage, claim it through a PersistentVolumeClaim (a PersistentVolume or StorageClass carries the nfs, iscsi, ... details) or a CSI volume. In YAML: replace the volume source accordingly.',
  check: (pod) => volumes(pod)
    .filter(({ v }) => !RESTRICTED_VOLUMES.some((t) => isSet(v[t])))
    .map(({ v, i }) => {
      const type = Object.keys(v).find((k) => k !== 'name' && isSet(v[k]));
      return { message: `volume '${v.name}' is of type ${type ?? '(none)'}, which restricted does not allow`, field: `${pod.path}.volumes[${i}]${type ? `.${type}` : ''}` };
    }),
});

const privilegeEscalation = rule('restricted', 'privilege-escalation', {
  description: 'securityContext.allowPrivilegeEscalation is false on every container (not required for spec.os.name: windows).',
  fix: `libk8s containers set allowPrivilegeEscalation: false; ${UNDO}. In YAML: set securityContext.allowPrivilegeEscalation: false on every container, init and ephemeral ones included (it defaults to true).`,
  aliases: { polaris: 'privilegeEscalationAllowed', kubeLinter: 'privilege-escalation-container' },
  check: (pod, containers) => (isWindows(pod) ? [] : containers
    .filter((c) => sc(c).allowPrivilegeEscalation !== false)
    .map((c) => ({
      message: isSet(sc(c).allowPrivilegeEscalation)
        ? `${who(c)} sets allowPrivilegeEscalation: ${show(sc(c).allowPrivilegeEscalation)}`
        : `${who(c)} does not set allowPrivilegeEscalation: false (it defaults to true)`,
      field: `${c.path}.securityContext.allowPrivilegeEscalation`,
    }))),
});

/**
 * A "must be set to a good value" control (runAsNonRoot, seccomp): the pod
 * must not set a bad value, each container must not either, and a container
 * without its own value needs a good one on the pod. When the pod sets a bad
 * value, containers that only inherit it are covered by the pod's finding.
 */
function requiredSetting(pod: PodSpecRef, containers: readonly ContainerRef[], key: string, good: (v: any) => boolean, describe: (v: any) => string, missing: string): Violation[] {
  const podValue = podSc(pod)[key];
  const out: Violation[] = [];
  if (isSet(podValue) && !good(podValue)) out.push({ message: `the pod sets ${describe(podValue)}`, field: `${pod.path}.securityContext.${key}` });
  for (const c of containers) {
    const e = effective(pod, c, key);
    if (e.from === 'container' && !good(e.value)) out.push({ message: `${who(c)} sets ${describe(e.value)}`, field: e.field });
    else if (e.from === undefined) out.push({ message: `${who(c)} ${missing}, and neither does the pod`, field: e.field });
  }
  return out;
}

const RUN_AS_ROOT_ALIASES: RuleAliases = { polaris: 'runAsRootAllowed', kubeLinter: 'run-as-non-root' };

const runAsNonRoot = rule('restricted', 'run-as-non-root', {
  description: 'runAsNonRoot is true on the pod or on every container, and false nowhere (pods in a user namespace, hostUsers: false, are exempt).',
  fix: `libk8s pods set runAsNonRoot: true with a non-root runAsUser; ${UNDO}. In YAML: set spec.securityContext.runAsNonRoot: true (or on every container) and remove any runAsNonRoot: false; the image must then run as a numeric non-zero user.`,
  aliases: RUN_AS_ROOT_ALIASES,
  check: (pod, containers) => (userNamespaced(pod) ? [] : requiredSetting(pod, containers, 'runAsNonRoot', (v) => v === true,
    (v) => `runAsNonRoot: ${show(v)}`, 'does not set runAsNonRoot: true')),
});

const runAsUser = rule('restricted', 'run-as-user', {
  description: 'runAsUser is never 0 (root) on the pod or any container (pods in a user namespace, hostUsers: false, are exempt).',
  fix: `libk8s runs pods as the platform's runAsUser (10001 by default; a platform must not set 0). To undo a change, ${UNDO}. In YAML: set securityContext.runAsUser to a non-zero UID, or leave it out and let the image's USER apply.`,
  aliases: RUN_AS_ROOT_ALIASES,
  check: (pod, containers) => (userNamespaced(pod) ? [] : contexts(pod, containers)
    .filter((s) => s.ctx.runAsUser === 0)
    .map((s) => ({ message: `${s.who} sets runAsUser: 0 (root)`, field: `${s.path}.runAsUser` }))),
});

const seccompRestricted = rule('restricted', 'seccomp', {
  description: 'seccompProfile.type is RuntimeDefault or Localhost on the pod or on every container, and nothing else anywhere (not required for spec.os.name: windows).',
  fix: `libk8s pods set seccompProfile RuntimeDefault; ${UNDO}. In YAML: set spec.securityContext.seccompProfile.type: RuntimeDefault (or on every container), and no Unconfined anywhere.`,
  aliases: { kubeScore: 'container-seccomp-profile' },
  check: (pod, containers) => (isWindows(pod) ? [] : requiredSetting(pod, containers, 'seccompProfile', (v) => GOOD_PROFILES.has(v?.type),
    (v) => `seccompProfile.type: ${show(v?.type)}`, 'does not set seccompProfile.type RuntimeDefault or Localhost')
    .map((v) => (v.field?.endsWith('.seccompProfile') ? { ...v, field: `${v.field}.type` } : v))),
});

const capabilitiesRestricted = rule('restricted', 'capabilities', {
  description: 'Every container drops ALL capabilities and adds back at most NET_BIND_SERVICE (not required for spec.os.name: windows).',
  fix: `libk8s containers drop ALL and add none; ${UNDO}. In YAML: set securityContext.capabilities: { drop: [ALL] } on every container, with at most add: [NET_BIND_SERVICE].`,
  // Not Polaris's insecureCapabilities (that is capabilities-drop-all): the
  // admission controller compares "ALL" exactly and also limits `add`, and a
  // waiver or severity for the Polaris check must not switch off this control.
  aliases: { kubeLinter: 'drop-net-raw-capability' },
  check: (pod, containers) => (isWindows(pod) ? [] : containers.flatMap((c) => {
    const drop = sc(c).capabilities?.drop;
    const out: Violation[] = [];
    if (!Array.isArray(drop) || !drop.includes('ALL')) {
      out.push({ message: `${who(c)} does not drop ALL capabilities (drop: ${show(drop ?? [])})`, field: `${c.path}.securityContext.capabilities.drop` });
    }
    for (const { cap, i } of addedCapabilities(c)) {
      if (cap !== 'NET_BIND_SERVICE') out.push({ message: `${who(c)} adds capability ${show(cap)}; restricted allows only NET_BIND_SERVICE`, field: `${c.path}.securityContext.capabilities.add[${i}]` });
    }
    return out;
  })),
});

const procMountRestricted = rule('restricted', 'proc-mount', {
  description: 'The default /proc masks stay: procMount unset or Default on every container, in user namespaces too.',
  fix: `libk8s never sets this; ${UNDO}. In YAML: remove securityContext.procMount (or set it to Default) on every container.`,
  aliases: PROC_MOUNT_ALIASES,
  check: (_pod, containers) => procMountViolations(containers),
});

export const PSS_RULES: readonly Rule[] = [
  hostProcess, hostNamespaces, privileged, capabilitiesBaseline, hostPathVolumes, hostPorts, hostProbes, appArmor, seLinux, procMountBaseline, seccompBaseline, sysctls,
  volumeTypes, privilegeEscalation, runAsNonRoot, runAsUser, seccompRestricted, capabilitiesRestricted, procMountRestricted,
];
