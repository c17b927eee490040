import { App, BUILTIN_RULES, Env, Finding, Guardrails, JsonPatch, PlatformProps, WebService, WebServiceProps, WORKLOAD_KINDS } from 'libk8s';
import { newApp } from '../../support/apps';

type Manifest = Record<string, any>;
type Spec = Record<string, any>;

const PSS_PACKS = ['pss-baseline', 'pss-restricted'] as const;
const PSS = BUILTIN_RULES.filter((r) => (PSS_PACKS as readonly string[]).includes(r.pack));
const engine = new Guardrails({ packs: [...PSS_PACKS] });

function findings(manifest: Manifest): readonly Finding[] {
  return engine.check([{ manifest, origin: {} }]).findings;
}

function ruleIds(manifest: Manifest): string[] {
  return [...new Set(findings(manifest).map((f) => f.rule))].sort();
}

/** A container that meets Restricted on its own. */
function container(name: string, securityContext: Spec = {}): Spec {
  return { name, image: 'ghcr.io/acme/app:1.0.0', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...securityContext } };
}

/** A pod spec that meets Baseline and Restricted: pod-level runAsNonRoot and seccomp, an init container, a sidecar. */
function podSpec(): Spec {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [container('migrate')],
    containers: [container('app'), container('proxy')],
    volumes: [{ name: 'tmp', emptyDir: {} }],
  };
}

const TEMPLATE_PATH: Record<string, string[]> = {
  Pod: [], Deployment: ['spec', 'template'], StatefulSet: ['spec', 'template'], DaemonSet: ['spec', 'template'], ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'], Job: ['spec', 'template'], CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};
const API_VERSION: Record<string, string> = { Pod: 'v1', ReplicationController: 'v1', Job: 'batch/v1', CronJob: 'batch/v1' };

/** A workload of `kind` around a compliant pod spec, changed by `edit` (spec, pod metadata). */
function workload(kind: string, edit: (spec: Spec, meta: Spec) => void = () => {}): Manifest {
  const spec = podSpec();
  const meta: Spec = { labels: { app: 'shop' } };
  edit(spec, meta);
  const m: Manifest = { apiVersion: API_VERSION[kind] ?? 'apps/v1', kind, metadata: { name: 'shop', namespace: 'shop' } };
  if (kind === 'Pod') return { ...m, metadata: { ...m.metadata, ...meta }, spec };
  let cur = m;
  for (const k of TEMPLATE_PATH[kind].slice(0, -1)) cur = (cur[k] ??= {});
  cur.template = { metadata: meta, spec };
  return m;
}

const deployment = (edit: (spec: Spec, meta: Spec) => void) => workload('Deployment', edit);
const P = 'spec.template.spec';

interface Case {
  /** The rule the case is about. */
  readonly rule: string;
  readonly name: string;
  readonly edit: (spec: Spec, meta: Spec) => void;
  /** Every rule the fixture breaks (default: just `rule`): some values break a Baseline and a Restricted control at once. */
  readonly rules?: readonly string[];
  /** Fields `rule` reports. */
  readonly fields: readonly string[];
  /** A message `rule` reports, when the case pins one. */
  readonly message?: string;
}

const app0 = (s: Spec) => s.containers[0];
const sc0 = (s: Spec) => s.containers[0].securityContext;

const VIOLATIONS: Case[] = [
  // ---- Baseline
  { rule: 'pss-baseline-host-process', name: 'the pod sets windowsOptions.hostProcess', edit: (s) => { s.securityContext.windowsOptions = { hostProcess: true }; }, fields: [`${P}.securityContext.windowsOptions.hostProcess`] },
  { rule: 'pss-baseline-host-process', name: 'an init container sets windowsOptions.hostProcess', edit: (s) => { s.initContainers[0].securityContext.windowsOptions = { hostProcess: true }; },
    fields: [`${P}.initContainers[0].securityContext.windowsOptions.hostProcess`], message: "init container 'migrate' sets windowsOptions.hostProcess: true" },
  ...(['hostNetwork', 'hostPID', 'hostIPC'] as const).map((k): Case => ({ rule: 'pss-baseline-host-namespaces', name: `${k}: true`, edit: (s) => { s[k] = true; }, fields: [`${P}.${k}`] })),
  { rule: 'pss-baseline-privileged', name: 'a container is privileged', edit: (s) => { sc0(s).privileged = true; }, fields: [`${P}.containers[0].securityContext.privileged`], message: "container 'app' sets privileged: true" },
  { rule: 'pss-baseline-privileged', name: 'an init container is privileged', edit: (s) => { s.initContainers[0].securityContext.privileged = true; }, fields: [`${P}.initContainers[0].securityContext.privileged`] },
  { rule: 'pss-baseline-privileged', name: 'an ephemeral container is privileged', edit: (s) => { s.ephemeralContainers = [container('debug', { privileged: true })]; },
    fields: [`${P}.ephemeralContainers[0].securityContext.privileged`], message: "ephemeral container 'debug' sets privileged: true" },
  { rule: 'pss-baseline-capabilities', name: 'a container adds SYS_ADMIN (Restricted too)', edit: (s) => { sc0(s).capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN']; },
    rules: ['pss-baseline-capabilities', 'pss-restricted-capabilities'], fields: [`${P}.containers[0].securityContext.capabilities.add[1]`] },
  { rule: 'pss-baseline-capabilities', name: 'a Windows pod adds NET_RAW (Restricted capabilities are Linux-only)', edit: (s) => { s.os = { name: 'windows' }; sc0(s).capabilities.add = ['NET_RAW']; },
    fields: [`${P}.containers[0].securityContext.capabilities.add[0]`], message: "container 'app' adds capability NET_RAW, which is not in the baseline set" },
  { rule: 'pss-baseline-host-path-volumes', name: 'a hostPath volume (not a Restricted volume type either)', edit: (s) => { s.volumes.push({ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }); },
    rules: ['pss-baseline-host-path-volumes', 'pss-restricted-volume-types'], fields: [`${P}.volumes[1].hostPath`] },
  { rule: 'pss-baseline-host-ports', name: 'a container binds a host port', edit: (s) => { app0(s).ports = [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 9090 }]; },
    fields: [`${P}.containers[0].ports[1].hostPort`], message: "container 'app' binds host port 9090" },
  { rule: 'pss-baseline-host-ports', name: 'an init container binds a host port', edit: (s) => { s.initContainers[0].ports = [{ containerPort: 53, hostPort: 53 }]; }, fields: [`${P}.initContainers[0].ports[0].hostPort`] },
  { rule: 'pss-baseline-host-probes', name: 'a liveness probe targets another host', edit: (s) => { app0(s).livenessProbe = { httpGet: { path: '/livez', port: 8080, host: '10.0.0.1' } }; },
    fields: [`${P}.containers[0].livenessProbe.httpGet.host`], message: "container 'app' sets livenessProbe.httpGet.host: 10.0.0.1" },
  { rule: 'pss-baseline-host-probes', name: 'a preStop hook and a startup probe target another host',
    edit: (s) => { s.containers[1].lifecycle = { preStop: { tcpSocket: { port: 22, host: 'node' } } }; s.containers[1].startupProbe = { tcpSocket: { port: 80, host: 'db' } }; },
    fields: [`${P}.containers[1].lifecycle.preStop.tcpSocket.host`, `${P}.containers[1].startupProbe.tcpSocket.host`] },
  { rule: 'pss-baseline-apparmor', name: 'a container is Unconfined', edit: (s) => { sc0(s).appArmorProfile = { type: 'Unconfined' }; }, fields: [`${P}.containers[0].securityContext.appArmorProfile.type`] },
  { rule: 'pss-baseline-apparmor', name: 'the pod is Unconfined', edit: (s) => { s.securityContext.appArmorProfile = { type: 'Unconfined' }; }, fields: [`${P}.securityContext.appArmorProfile.type`],
    message: 'the pod sets appArmorProfile.type: Unconfined' },
  { rule: 'pss-baseline-apparmor', name: 'the beta annotation disables AppArmor', edit: (_s, m) => { m.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }; },
    fields: ["spec.template.metadata.annotations['container.apparmor.security.beta.kubernetes.io/app']"] },
  { rule: 'pss-baseline-selinux', name: 'a container sets a privileged SELinux type', edit: (s) => { sc0(s).seLinuxOptions = { type: 'spc_t' }; }, fields: [`${P}.containers[0].securityContext.seLinuxOptions.type`] },
  { rule: 'pss-baseline-selinux', name: 'the pod sets an SELinux user and role', edit: (s) => { s.securityContext.seLinuxOptions = { user: 'system_u', role: 'system_r', type: 'container_t' }; },
    fields: [`${P}.securityContext.seLinuxOptions.user`, `${P}.securityContext.seLinuxOptions.role`] },
  { rule: 'pss-baseline-proc-mount', name: 'a container unmasks /proc (Restricted too)', edit: (s) => { sc0(s).procMount = 'Unmasked'; },
    rules: ['pss-baseline-proc-mount', 'pss-restricted-proc-mount'], fields: [`${P}.containers[0].securityContext.procMount`] },
  { rule: 'pss-baseline-seccomp', name: 'a container is Unconfined though the pod is RuntimeDefault (Restricted too)', edit: (s) => { sc0(s).seccompProfile = { type: 'Unconfined' }; },
    rules: ['pss-baseline-seccomp', 'pss-restricted-seccomp'], fields: [`${P}.containers[0].securityContext.seccompProfile.type`], message: 'container \'app\' sets seccompProfile.type: Unconfined' },
  { rule: 'pss-baseline-seccomp', name: 'a Windows pod is Unconfined (Restricted seccomp is Linux-only)', edit: (s) => { s.os = { name: 'windows' }; s.securityContext.seccompProfile = { type: 'Unconfined' }; },
    fields: [`${P}.securityContext.seccompProfile.type`] },
  { rule: 'pss-baseline-sysctls', name: 'the pod sets an unsafe sysctl', edit: (s) => { s.securityContext.sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'kernel.msgmax', value: '65536' }]; },
    fields: [`${P}.securityContext.sysctls[1].name`], message: 'the pod sets sysctl kernel.msgmax, which is not in the safe set' },
  // ---- Restricted
  { rule: 'pss-restricted-volume-types', name: 'an nfs volume', edit: (s) => { s.volumes.push({ name: 'share', nfs: { server: 'nfs', path: '/x' } }); }, fields: [`${P}.volumes[1].nfs`],
    message: "volume 'share' is of type nfs, which restricted does not allow" },
  { rule: 'pss-restricted-volume-types', name: 'a gitRepo volume', edit: (s) => { s.volumes.push({ name: 'src', gitRepo: { repository: 'https://example.com/x.git' } }); }, fields: [`${P}.volumes[1].gitRepo`] },
  { rule: 'pss-restricted-privilege-escalation', name: 'a container leaves allowPrivilegeEscalation unset', edit: (s) => { delete sc0(s).allowPrivilegeEscalation; },
    fields: [`${P}.containers[0].securityContext.allowPrivilegeEscalation`], message: "container 'app' does not set allowPrivilegeEscalation: false (it defaults to true)" },
  { rule: 'pss-restricted-privilege-escalation', name: 'an init container allows privilege escalation', edit: (s) => { s.initContainers[0].securityContext.allowPrivilegeEscalation = true; },
    fields: [`${P}.initContainers[0].securityContext.allowPrivilegeEscalation`] },
  { rule: 'pss-restricted-run-as-non-root', name: 'neither the pod nor the containers set runAsNonRoot', edit: (s) => { delete s.securityContext.runAsNonRoot; },
    fields: [`${P}.initContainers[0].securityContext.runAsNonRoot`, `${P}.containers[0].securityContext.runAsNonRoot`, `${P}.containers[1].securityContext.runAsNonRoot`] },
  { rule: 'pss-restricted-run-as-non-root', name: 'a container sets runAsNonRoot: false over the pod\'s true', edit: (s) => { s.containers[1].securityContext.runAsNonRoot = false; },
    fields: [`${P}.containers[1].securityContext.runAsNonRoot`], message: "container 'proxy' sets runAsNonRoot: false" },
  { rule: 'pss-restricted-run-as-non-root', name: 'the pod sets runAsNonRoot: false, though every container sets true', edit: (s) => {
    s.securityContext.runAsNonRoot = false;
    for (const c of [...s.initContainers, ...s.containers]) c.securityContext.runAsNonRoot = true;
  }, fields: [`${P}.securityContext.runAsNonRoot`] },
  { rule: 'pss-restricted-run-as-user', name: 'the pod runs as root', edit: (s) => { s.securityContext.runAsUser = 0; }, fields: [`${P}.securityContext.runAsUser`], message: 'the pod sets runAsUser: 0 (root)' },
  { rule: 'pss-restricted-run-as-user', name: 'an init container runs as root', edit: (s) => { s.initContainers[0].securityContext.runAsUser = 0; }, fields: [`${P}.initContainers[0].securityContext.runAsUser`] },
  { rule: 'pss-restricted-seccomp', name: 'no seccomp profile anywhere', edit: (s) => { delete s.securityContext.seccompProfile; },
    fields: [`${P}.initContainers[0].securityContext.seccompProfile.type`, `${P}.containers[0].securityContext.seccompProfile.type`, `${P}.containers[1].securityContext.seccompProfile.type`] },
  { rule: 'pss-restricted-seccomp', name: 'only some containers set a profile', edit: (s) => {
    delete s.securityContext.seccompProfile;
    s.initContainers[0].securityContext.seccompProfile = { type: 'RuntimeDefault' };
    sc0(s).seccompProfile = { type: 'Localhost', localhostProfile: 'app.json' };
  }, fields: [`${P}.containers[1].securityContext.seccompProfile.type`], message: "container 'proxy' does not set seccompProfile.type RuntimeDefault or Localhost, and neither does the pod" },
  { rule: 'pss-restricted-seccomp', name: 'the pod is Unconfined, though every container sets RuntimeDefault (Baseline too)', edit: (s) => {
    s.securityContext.seccompProfile = { type: 'Unconfined' };
    for (const c of [...s.initContainers, ...s.containers]) c.securityContext.seccompProfile = { type: 'RuntimeDefault' };
  }, rules: ['pss-baseline-seccomp', 'pss-restricted-seccomp'], fields: [`${P}.securityContext.seccompProfile.type`] },
  { rule: 'pss-restricted-capabilities', name: 'a container does not drop ALL', edit: (s) => { sc0(s).capabilities = { drop: ['NET_RAW'] }; }, fields: [`${P}.containers[0].securityContext.capabilities.drop`],
    message: "container 'app' does not drop ALL capabilities (drop: [\"NET_RAW\"])" },
  { rule: 'pss-restricted-capabilities', name: 'an init container has no capabilities at all', edit: (s) => { delete s.initContainers[0].securityContext.capabilities; },
    fields: [`${P}.initContainers[0].securityContext.capabilities.drop`] },
  { rule: 'pss-restricted-capabilities', name: 'a container drops "all" in lower case (the admission controller compares "ALL" exactly)', edit: (s) => { sc0(s).capabilities = { drop: ['all'] }; },
    fields: [`${P}.containers[0].securityContext.capabilities.drop`] },
  { rule: 'pss-restricted-capabilities', name: 'a container adds CHOWN (in the Baseline set)', edit: (s) => { sc0(s).capabilities.add = ['CHOWN']; }, fields: [`${P}.containers[0].securityContext.capabilities.add[0]`] },
  { rule: 'pss-restricted-proc-mount', name: 'a pod in a user namespace unmasks /proc (Baseline allows it)', edit: (s) => { s.hostUsers = false; s.containers[1].securityContext.procMount = 'Unmasked'; },
    fields: [`${P}.containers[1].securityContext.procMount`] },
];

const COMPLIANT: { name: string; edit: (spec: Spec, meta: Spec) => void }[] = [
  { name: 'the compliant fixture itself', edit: () => {} },
  { name: 'hostProcess, hostNetwork, hostPID, hostIPC, privileged set to false', edit: (s) => {
    Object.assign(s, { hostNetwork: false, hostPID: false, hostIPC: false });
    s.securityContext.windowsOptions = { hostProcess: false };
    sc0(s).privileged = false;
  } },
  { name: 'only NET_BIND_SERVICE added', edit: (s) => { sc0(s).capabilities.add = ['NET_BIND_SERVICE']; } },
  { name: 'hostPort 0 and probes with an empty host', edit: (s) => {
    app0(s).ports = [{ containerPort: 8080, hostPort: 0 }];
    app0(s).readinessProbe = { httpGet: { path: '/readyz', port: 8080, host: '' } };
  } },
  { name: 'AppArmor RuntimeDefault, Localhost and allowed annotations', edit: (s, m) => {
    s.securityContext.appArmorProfile = { type: 'RuntimeDefault' };
    sc0(s).appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-app' };
    m.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/k8s-app', 'container.apparmor.security.beta.kubernetes.io/proxy': 'runtime/default' };
  } },
  { name: 'allowed SELinux types', edit: (s) => {
    s.securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c123,c456' };
    sc0(s).seLinuxOptions = { type: 'container_engine_t' };
    s.containers[1].securityContext.seLinuxOptions = { type: '', user: '', role: '' };
  } },
  { name: 'procMount Default', edit: (s) => { sc0(s).procMount = 'Default'; } },
  { name: 'every safe sysctl', edit: (s) => {
    s.securityContext.sysctls = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
      'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'].map((name) => ({ name, value: '1' }));
  } },
  { name: 'every Restricted volume type', edit: (s) => {
    s.volumes.push(
      { name: 'cm', configMap: { name: 'cm' } }, { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io' } }, { name: 'info', downwardAPI: { items: [] } },
      { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'token', projected: { sources: [] } }, { name: 'creds', secret: { secretName: 'creds' } },
    );
  } },
  { name: 'runAsNonRoot and seccomp on every container instead of the pod', edit: (s) => {
    s.securityContext = {};
    for (const c of [...s.initContainers, ...s.containers]) Object.assign(c.securityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  } },
  { name: 'a pod in a user namespace may run as root', edit: (s) => {
    s.hostUsers = false;
    s.securityContext = { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } };
    sc0(s).runAsNonRoot = false;
  } },
  { name: 'a Windows pod needs no allowPrivilegeEscalation, seccomp or dropped capabilities', edit: (s) => {
    s.os = { name: 'windows' };
    delete s.securityContext.seccompProfile;
    for (const c of [...s.initContainers, ...s.containers]) c.securityContext = {};
  } },
];

describe('the pss-baseline and pss-restricted packs', () => {
  test('have one error rule per control, on every workload kind, with a fix for libk8s and for plain YAML', () => {
    expect(PSS.map((r) => r.id)).toEqual([
      'pss-baseline-host-process', 'pss-baseline-host-namespaces', 'pss-baseline-privileged', 'pss-baseline-capabilities', 'pss-baseline-host-path-volumes',
      'pss-baseline-host-ports', 'pss-baseline-host-probes', 'pss-baseline-apparmor', 'pss-baseline-selinux', 'pss-baseline-proc-mount', 'pss-baseline-seccomp', 'pss-baseline-sysctls',
      'pss-restricted-volume-types', 'pss-restricted-privilege-escalation', 'pss-restricted-run-as-non-root', 'pss-restricted-run-as-user', 'pss-restricted-seccomp',
      'pss-restricted-capabilities', 'pss-restricted-proc-mount',
    ]);
    for (const r of PSS) {
      expect(r.pack).toBe(r.id.startsWith('pss-baseline-') ? 'pss-baseline' : 'pss-restricted');
      expect(r.severity).toBe('error');
      expect(r.kinds).toEqual(WORKLOAD_KINDS);
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.fix).toMatch(/libk8s/);
      expect(r.fix).toMatch(/In YAML:/);
    }
  });

  test('every rule has a fixture that breaks it', () => {
    expect(new Set(VIOLATIONS.map((c) => c.rule))).toEqual(new Set(PSS.map((r) => r.id)));
  });

  test('the aliases name the rules for waivers and severities', () => {
    expect(engine.find('runAsPrivileged')?.id).toBe('pss-baseline-privileged');
    expect(engine.find('privileged-container')?.id).toBe('pss-baseline-privileged');
    expect(engine.find('container-security-context-privileged')?.id).toBe('pss-baseline-privileged');
    expect(engine.find('hostPathSet')?.id).toBe('pss-baseline-host-path-volumes');
    expect(engine.find('privilegeEscalationAllowed')?.id).toBe('pss-restricted-privilege-escalation');
    const waived = new Guardrails({ packs: [...PSS_PACKS], waivers: [{ rule: 'privilege-escalation-container', reason: 'legacy setuid binary' }] })
      .check([{ manifest: deployment((s) => { delete sc0(s).allowPrivilegeEscalation; }), origin: {} }]);
    expect(waived.findings.map((f) => [f.rule, f.waived?.reason])).toEqual([['pss-restricted-privilege-escalation', 'legacy setuid binary']]);
  });

  test("Polaris's insecureCapabilities is the production pack's capabilities-drop-all, not this control: waiving it leaves the control on", () => {
    expect(engine.find('insecureCapabilities')?.id).toBe('capabilities-drop-all');
    const added = deployment((s) => { sc0(s).capabilities = { drop: ['ALL'], add: ['SYS_PTRACE'] }; });
    const report = new Guardrails({ waivers: [{ rule: 'insecureCapabilities', reason: 'Polaris check waived' }] }).check([{ manifest: added, origin: {} }]);
    expect(report.findings.filter((f) => f.rule === 'pss-restricted-capabilities').map((f) => [f.field, f.waived])).toEqual([[`${P}.containers[0].securityContext.capabilities.add[0]`, undefined]]);
  });

  test('an alias shared by two rules (one check elsewhere, two controls here) waives both', () => {
    const root = deployment((s) => { delete s.securityContext.runAsNonRoot; s.securityContext.runAsUser = 0; s.initContainers = []; s.containers = [s.containers[0]]; });
    expect(ruleIds(root)).toEqual(['pss-restricted-run-as-non-root', 'pss-restricted-run-as-user']);
    const report = new Guardrails({ packs: [...PSS_PACKS], waivers: [{ rule: 'runAsRootAllowed', reason: 'vendor image needs root' }] }).check([{ manifest: root, origin: {} }]);
    expect(report.findings.map((f) => [f.rule, f.waived?.reason])).toEqual([
      ['pss-restricted-run-as-non-root', 'vendor image needs root'],
      ['pss-restricted-run-as-user', 'vendor image needs root'],
    ]);
  });

  test.each(VIOLATIONS)('$rule: $name', (c) => {
    const manifest = deployment(c.edit);
    expect(ruleIds(manifest)).toEqual([...(c.rules ?? [c.rule])].sort());
    const own = findings(manifest).filter((f) => f.rule === c.rule);
    expect(own.map((f) => f.field).sort()).toEqual([...c.fields].sort());
    if (c.message) expect(own.map((f) => f.message)).toContain(c.message);
    for (const f of own) {
      expect(f.severity).toBe('error');
      expect(f.object).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop', namespace: 'shop' });
    }
  });

  test.each(COMPLIANT)('compliant: $name', ({ edit }) => {
    expect(findings(deployment(edit))).toEqual([]);
  });

  test.each(WORKLOAD_KINDS.map((kind) => [kind]))('checks a %s at its own pod spec path', (kind) => {
    const prefix = kind === 'Pod' ? 'spec' : `${TEMPLATE_PATH[kind].join('.')}.spec`;
    const meta = kind === 'Pod' ? 'metadata' : `${TEMPLATE_PATH[kind].join('.')}.metadata`;
    expect(findings(workload(kind))).toEqual([]);
    const bad = workload(kind, (s, m) => {
      s.initContainers[0].securityContext.privileged = true;
      m.annotations = { 'container.apparmor.security.beta.kubernetes.io/migrate': 'unconfined' };
    });
    expect(findings(bad).map((f) => `${f.rule} ${f.field}`)).toEqual([
      `pss-baseline-apparmor ${meta}.annotations['container.apparmor.security.beta.kubernetes.io/migrate']`,
      `pss-baseline-privileged ${prefix}.initContainers[0].securityContext.privileged`,
    ]);
  });

  test('ignores kinds that run no pods, and objects without a pod spec', () => {
    const report = engine.check([
      { manifest: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop' }, spec: { hostNetwork: true } }, origin: {} },
      { manifest: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'empty' } }, origin: {} },
    ]);
    expect(report.findings).toEqual([]);
  });

  test('Baseline exempts a pod in a user namespace from the procMount control', () => {
    const m = deployment((s) => { s.hostUsers = false; sc0(s).procMount = 'Unmasked'; });
    expect(ruleIds(m)).toEqual(['pss-restricted-proc-mount']);
  });

  test('reports each container that breaks a control, and the pod apart from its containers', () => {
    const m = deployment((s) => {
      s.hostPID = true;
      for (const c of s.containers) c.securityContext.privileged = true;
    });
    expect(findings(m).map((f) => f.message)).toEqual([
      "the pod sets hostPID: true, sharing the node's process namespace",
      "container 'app' sets privileged: true",
      "container 'proxy' sets privileged: true",
    ]);
  });
});

// ---------------------------------------------------------------------------
// libk8s's own output meets both packs

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';

/** Renders every environment and returns the Pod Security findings and how many workloads were checked. */
function pssFindings(app: App): { findings: Finding[]; workloads: number } {
  const rendered = app.render();
  const reports = app.check(rendered);
  for (const r of reports) expect(r.unchecked.map((u) => u.kind)).not.toContain('Deployment');
  const workloads = rendered.flatMap((r) => r.objects).filter((o) => WORKLOAD_KINDS.includes(o.manifest.kind)).length;
  return { findings: reports.flatMap((r) => r.findings).filter((f) => (PSS_PACKS as readonly string[]).includes(f.pack)), workloads };
}

const WEB_SERVICES: [string, Partial<WebServiceProps<'dev' | 'prod'>>, PlatformProps | undefined][] = [
  ['internal (defaults)', {}, undefined],
  ['routed through the Gateway, with extra ports', { route: { subdomain: 'www', path: '/' }, ports: [{ name: 'metrics', port: 9090 }, { name: 'dns', port: 5353, protocol: 'UDP' }] }, undefined],
  ['routed through an Ingress and autoscaled', { route: { kind: 'ingress', host: 'shop.example.org' }, autoscale: { min: 2, max: 10, cpuPercent: 60, memoryPercent: 80 } }, undefined],
  ['with sidecars, init containers, config and every volume type', {
    config: { files: { 'app.yaml': 'port: 8080\n' } },
    env: { DB_PASSWORD: Env.secret('db', 'password'), POD_IP: Env.field('status.podIP'), LOG_LEVEL: 'info' },
    volumes: [
      { name: 'cache', mountPath: '/cache', source: { type: 'emptyDir', sizeLimit: '1Gi' } },
      { name: 'shm', mountPath: '/dev/shm', source: { type: 'emptyDir', medium: 'Memory' } },
      { name: 'settings', mountPath: '/etc/settings', source: { type: 'configMap', configMap: 'settings' } },
      { name: 'tls', mountPath: '/etc/tls', source: { type: 'secret', secret: 'tls' } },
      { name: 'data', mountPath: '/data', readOnly: false, source: { type: 'persistentVolumeClaim', claimName: 'data' } },
    ],
    sidecars: [
      { name: 'proxy', image: 'ghcr.io/acme/proxy:2.3.4', ports: [{ name: 'admin', port: 9901 }], mounts: [{ volume: 'tls', mountPath: '/tls', readOnly: true }], size: 'small' },
      { name: 'logs', image: 'ghcr.io/acme/logs:1.0.0', env: { TARGET: 'stdout' }, mounts: [{ volume: 'cache', mountPath: '/cache' }] },
    ],
    initContainers: [
      { name: 'migrate', image: 'ghcr.io/acme/migrate:1.4.2', command: ['/migrate'], env: { DB_PASSWORD: Env.secret('db', 'password') }, mounts: [{ volume: 'data', mountPath: '/data' }] },
      { name: 'warm', image: 'ghcr.io/acme/warm:1.0.0', args: ['--all'] },
    ],
  }, undefined],
  ['with exec, TCP and gRPC probes and per-environment overrides', {
    probes: { startup: { type: 'exec', command: ['/healthcheck'] }, readiness: { type: 'tcp' }, liveness: { type: 'grpc', port: 8080 } },
    replicas: 3,
    overrides: { dev: { replicas: 1, size: 'nano', image: 'ghcr.io/acme/storefront:1.5.0-rc.1' }, prod: { autoscale: { min: 3, max: 12 } } },
  }, undefined],
  ['on a platform with its own UID, sizes and priority class', { size: 'large', resources: { cpuLimit: null } },
    { runAsUser: 2000, priorityClassName: 'business', dropCpuLimits: true, preStopSeconds: 10 }],
];

describe("libk8s's own output", () => {
  test.each(WEB_SERVICES)('a WebService %s meets Baseline and Restricted', (_name, props, platform) => {
    const app = newApp(platform ? { platform } : {});
    new WebService(app, 'storefront', { image: IMAGE, ...props });
    const { findings: found, workloads } = pssFindings(app);
    expect(workloads).toBe(2); // one Deployment per environment
    expect(found).toEqual([]);
  });

  test('several WebServices in one app meet Baseline and Restricted', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, route: { subdomain: 'www' } });
    new WebService(app, 'api', { image: 'ghcr.io/acme/api:2.0.0', route: { subdomain: 'api', kind: 'ingress' }, autoscale: { min: 2, max: 6 } });
    new WebService(app, 'worker', { image: 'ghcr.io/acme/worker:3.1.0', initContainers: [{ name: 'wait', image: 'ghcr.io/acme/wait:1.0.0' }] });
    const { findings: found, workloads } = pssFindings(app);
    expect(workloads).toBe(6);
    expect(found).toEqual([]);
  });

  test('a patch that breaks a control is caught and traced to its construct', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE })
      .addJsonPatch({ kind: 'Deployment', environment: 'prod' }, JsonPatch.replace('/spec/template/spec/containers/0/securityContext/privileged', true));
    const { findings: found } = pssFindings(app);
    expect(found.map((f) => [f.origin.environment, f.origin.construct?.path, f.rule, f.field, f.message])).toEqual([
      ['prod', 'shop/storefront', 'pss-baseline-privileged', 'spec.template.spec.containers[0].securityContext.privileged', "container 'storefront' sets privileged: true"],
    ]);
  });
});
