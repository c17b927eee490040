/**
 * The production pack, part 1: what every container and pod needs —
 * resources, probes, images, hardening, environment, shutdown.
 */
import { SECRET_LOOKING_NAME } from '../../core/rules';
import { containersOf, LONG_RUNNING_KINDS, podSpecOf, WORKLOAD_KINDS } from '../pod-spec';
import { Rule, Violation } from '../../core/policy';
import {
  containerName, declaredPorts, imageRef, probePort, PROBES, productionRule, runningContainers, show,
} from './production-support';
import { DIFFER_FIX, probeCheck } from './probe-identity';

/** A request or limit that is absent, empty or zero counts as not set. */
function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && v !== 0 && v !== '0';
}

/** One rule per resource field, all alike: every running container sets it. */
function resourceRule(id: string, severity: Rule['severity'], fields: readonly ['requests' | 'limits', string][], description: string, fix: string, aliases: Rule['aliases']): Rule {
  return productionRule({
    id, severity, description, fix, aliases, kinds: WORKLOAD_KINDS,
    check(s) {
      const pod = podSpecOf(s.manifest);
      if (!pod) return undefined;
      const out: Violation[] = [];
      for (const ref of runningContainers(pod)) {
        for (const [group, resource] of fields) {
          if (!isSet(ref.container.resources?.[group]?.[resource])) {
            out.push({ message: `${containerName(ref)} has no ${resource} ${group === 'requests' ? 'request' : 'limit'}`, field: `${ref.path}.resources.${group}.${resource}` });
          }
        }
      }
      return out;
    },
  });
}

const resourcesRequests = resourceRule('resources-requests', 'warning', [['requests', 'cpu'], ['requests', 'memory']],
  'Every container requests cpu and memory, so the scheduler places it on a node that has them.',
  "libk8s sets requests from the size preset: pick a 'size' or set 'resources.cpu' and 'resources.memory'. In YAML: set resources.requests.cpu and resources.requests.memory on every container, init containers included.",
  { kubeScore: 'container-resources', polaris: ['cpuRequestsMissing', 'memoryRequestsMissing'], kubeLinter: 'unset-cpu-requirements' });

const resourcesMemoryLimit = resourceRule('resources-memory-limit', 'warning', [['limits', 'memory']],
  'Every container has a memory limit, so a leak kills that container instead of starving the node.',
  "libk8s sets the limit from the size preset: pick a 'size' or set 'resources.memoryLimit'. In YAML: set resources.limits.memory on every container.",
  { polaris: 'memoryLimitsMissing', kubeLinter: 'unset-memory-requirements' });

const resourcesCpuLimit = resourceRule('resources-cpu-limit', 'info', [['limits', 'cpu']],
  'Every container has a cpu limit (advice: some platforms drop cpu limits on purpose to avoid throttling).',
  "libk8s sets it from the size preset ('resources.cpuLimit'); a platform that drops cpu limits (dropCpuLimits) turns this rule off. In YAML: set resources.limits.cpu, or turn the rule off in the platform's guardrails.",
  { polaris: 'cpuLimitsMissing' });

const resourcesEphemeralStorage = resourceRule('resources-ephemeral-storage', 'warning', [['requests', 'ephemeral-storage']],
  "Every container requests ephemeral-storage, so it is not scheduled onto a node whose disk is full and evicted.",
  "libk8s sets it from the size preset ('resources.ephemeralStorage'). In YAML: set resources.requests.ephemeral-storage (and a limit) on every container.",
  { kubeScore: 'container-ephemeral-storage-request-and-limit' });

/** Bare pods that run to completion need no probes. */
function runsToCompletion(m: Readonly<Record<string, any>>): boolean {
  return m.kind === 'Pod' && ['Never', 'OnFailure'].includes(m.spec?.restartPolicy);
}

/**
 * Readiness and liveness are checked per pod, as kube-score does: a probe on
 * one container guards the pod. When the pod names its main container
 * (`kubectl.kubernetes.io/default-container`, as libk8s does), that
 * container must carry the probe.
 */
function probePresenceRule(id: string, probe: 'readinessProbe' | 'livenessProbe', severity: Rule['severity'], description: string, fix: string, aliases: Rule['aliases']): Rule {
  return productionRule({
    id, severity, description, fix, aliases, kinds: [...LONG_RUNNING_KINDS, 'Pod'],
    check(s) {
      const pod = podSpecOf(s.manifest);
      if (!pod || runsToCompletion(s.manifest)) return undefined;
      const containers = containersOf(pod).filter((c) => c.kind === 'container');
      if (containers.length === 0) return undefined;
      const main = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
      const mainRef = containers.find((c) => c.container.name === main);
      if (mainRef) {
        return mainRef.container[probe] ? [] : [{ message: `${containerName(mainRef)}, the pod's default container, has no ${probe}`, field: `${mainRef.path}.${probe}` }];
      }
      if (containers.some((c) => c.container[probe])) return [];
      return [{ message: `no container has a ${probe} (containers: ${containers.map((c) => c.container.name).join(', ')})`, field: `${containers[0].path}.${probe}` }];
    },
  });
}

const probesReadiness = probePresenceRule('probes-readiness', 'readinessProbe', 'warning',
  'Long-running pods have a readiness probe, so a Service sends traffic and a rollout proceeds only once the pod is ready.',
  "libk8s adds readiness, liveness and startup probes on the platform's health paths; keep 'probes.readiness' pointing at an endpoint that reports readiness. In YAML: add a readinessProbe (httpGet on a readiness endpoint) to the main container.",
  { kubeScore: 'pod-probes', polaris: 'readinessProbeMissing', kubeLinter: 'no-readiness-probe' });

const probesLiveness = probePresenceRule('probes-liveness', 'livenessProbe', 'info',
  'Long-running pods have a liveness probe, so a deadlocked process is restarted (advice: a liveness probe that also fails on dependencies does more harm than none).',
  "libk8s adds one on the platform's liveness path unless 'probes.liveness' is false. In YAML: add a livenessProbe that checks only the process itself (not its dependencies).",
  { kubeScore: 'pod-probes', polaris: 'livenessProbeMissing', kubeLinter: 'no-liveness-probe' });

const probesDiffer: Rule = productionRule({
  id: 'probes-differ',
  severity: 'warning',
  description: 'A container\'s readiness and liveness probes differ, so a dependency outage takes pods out of rotation instead of restarting all of them.',
  fix: "Make the liveness probe check only the process and the readiness probe what serving needs: different paths for HTTP GETs, different services for gRPC health checks, different commands for exec probes (libk8s's defaults differ). In YAML: point the livenessProbe at a check of the process alone, or drop it.",
  aliases: { kubeScore: 'pod-probes-identical' },
  kinds: WORKLOAD_KINDS,
  check(s) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    // what each probe checks (a named port as its number), timing aside
    return runningContainers(pod).flatMap((ref): Violation[] => {
      const r = probeCheck(ref.container.readinessProbe, ref.container);
      const l = probeCheck(ref.container.livenessProbe, ref.container);
      return r !== undefined && l !== undefined && r.key === l.key
        ? [{ message: `${containerName(ref)} has readiness and liveness probes that check the same thing (${l.description})`, field: `${ref.path}.livenessProbe`, fix: DIFFER_FIX[l.type] }]
        : [];
    });
  },
});

const probesTargetPorts: Rule = productionRule({
  id: 'probes-target-ports',
  severity: 'warning',
  description: 'HTTP, TCP and gRPC probes target a port the container declares (by name or number).',
  fix: "In libk8s, a probe's 'port' names one of the workload's ports ('http' or one of 'ports'). In YAML: declare the port under the container's ports (name and containerPort) or point the probe at a declared one.",
  aliases: { kubeLinter: ['readiness-port', 'liveness-port', 'startup-port'] },
  kinds: WORKLOAD_KINDS,
  check(s) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    const out: Violation[] = [];
    for (const ref of runningContainers(pod)) {
      const { names, numbers } = declaredPorts(ref.container);
      for (const probe of PROBES) {
        const target = probePort(ref.container[probe]);
        if (!target) continue;
        const numeric = typeof target.port === 'number' ? target.port : /^\d+$/.test(target.port) ? Number(target.port) : undefined;
        const ok = numeric !== undefined ? numbers.has(numeric) : names.has(target.port as string);
        if (!ok) {
          const declared = (ref.container.ports ?? []).map((p: any) => (p.name ? `${p.name} (${p.containerPort})` : String(p.containerPort))).join(', ') || 'none';
          out.push({
            message: `${containerName(ref)} ${probe} targets port ${show(target.port)}, which the container does not declare (declared: ${declared})`,
            field: `${ref.path}.${probe}.${target.field}`,
          });
        }
      }
    }
    return out;
  },
});

const imageTag: Rule = productionRule({
  id: 'image-tag',
  severity: 'error',
  description: 'Every image is pinned by a version tag or digest, never `latest` or no tag: what runs is what was reviewed, and a rollback brings back the old code.',
  fix: 'Use a version tag like "ghcr.io/acme/app:1.4.2" or a digest "@sha256:…", in the libk8s props and in YAML alike.',
  aliases: { kubeScore: 'container-image-tag', polaris: 'tagNotSpecified', kubeLinter: 'latest-tag' },
  kinds: WORKLOAD_KINDS,
  check(s) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    return containersOf(pod).flatMap((ref): Violation[] => {
      const image = ref.container.image;
      if (typeof image !== 'string' || image === '') return [{ message: `${containerName(ref)} has no image`, field: `${ref.path}.image` }];
      const { tag, digest } = imageRef(image);
      if (digest) return [];
      if (!tag) return [{ message: `${containerName(ref)} image ${show(image)} has no tag, so the node runs whatever "latest" is at pull time`, field: `${ref.path}.image` }];
      if (tag === 'latest') return [{ message: `${containerName(ref)} image ${show(image)} uses the mutable tag "latest"`, field: `${ref.path}.image` }];
      return [];
    });
  },
});

const imagePullPolicy: Rule = productionRule({
  id: 'image-pull-policy',
  severity: 'warning',
  description: 'Every container pulls with imagePullPolicy Always, so the registry checks the pull secret and the node never runs a stale cached image.',
  fix: 'libk8s sets imagePullPolicy: Always on every container. In YAML: set imagePullPolicy: Always (with a pinned tag the pull is a cheap manifest check).',
  aliases: { kubeScore: 'container-image-pull-policy', polaris: 'pullPolicyNotAlways' },
  kinds: WORKLOAD_KINDS,
  check(s) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    return runningContainers(pod).flatMap((ref): Violation[] => {
      const policy = ref.container.imagePullPolicy;
      if (policy === 'Always') return [];
      if (policy === undefined) {
        const { tag, digest } = imageRef(String(ref.container.image ?? ''));
        // Kubernetes defaults an untagged or :latest image to Always (and image-tag reports the tag)
        if (!digest && (!tag || tag === 'latest')) return [];
        return [{ message: `${containerName(ref)} has no imagePullPolicy, so Kubernetes defaults it to IfNotPresent`, field: `${ref.path}.imagePullPolicy` }];
      }
      return [{ message: `${containerName(ref)} has imagePullPolicy ${show(policy)}`, field: `${ref.path}.imagePullPolicy` }];
    });
  },
});

const readOnlyRootFs: Rule = productionRule({
  id: 'read-only-root-fs',
  severity: 'error',
  description: 'Every container runs with a read-only root filesystem, so an intruder cannot alter binaries or drop tools into the image.',
  fix: "libk8s sets readOnlyRootFilesystem: true and mounts an emptyDir at /tmp; add 'volumes' for other writable paths. In YAML: set securityContext.readOnlyRootFilesystem: true on every container and mount emptyDir volumes where the app writes.",
  aliases: { kubeScore: 'container-security-context-readonlyrootfilesystem', polaris: 'notReadOnlyRootFilesystem', kubeLinter: 'no-read-only-root-fs' },
  kinds: WORKLOAD_KINDS,
  check(s) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    return runningContainers(pod).flatMap((ref): Violation[] => {
      const v = ref.container.securityContext?.readOnlyRootFilesystem;
      return v === true ? [] : [{
        message: `${containerName(ref)} ${v === false ? 'sets readOnlyRootFilesystem: false' : 'does not set readOnlyRootFilesystem: true'}`,
        field: `${ref.path}.securityContext.readOnlyRootFilesystem`,
      }];
    });
  },
});

const SECCOMP_OK = ['RuntimeDefault', 'Localhost'];

const seccompProfile: Rule = productionRule({
  id: 'seccomp-profile',
  severity: 'error',
  description: 'Every container runs under the RuntimeDefault (or a Localhost) seccomp profile, set on the pod or the container; never Unconfined. (pss-restricted checks the same.)',
  fix: 'libk8s sets seccompProfile: { type: RuntimeDefault } on the pod and every container. In YAML: set spec.securityContext.seccompProfile.type: RuntimeDefault on the pod (containers inherit it) and remove any Unconfined.',
  aliases: { kubeScore: 'container-seccomp-profile' },
  kinds: WORKLOAD_KINDS,
  check(s) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    const podType = pod.spec.securityContext?.seccompProfile?.type;
    const refs = runningContainers(pod);
    const own = (r: (typeof refs)[number]) => r.container.securityContext?.seccompProfile?.type;
    if (podType === undefined && refs.length > 0 && refs.every((r) => own(r) === undefined)) {
      return [{ message: 'neither the pod nor any container sets a seccomp profile, so containers run Unconfined', field: `${pod.path}.securityContext.seccompProfile.type` }];
    }
    const out: Violation[] = [];
    if (podType !== undefined && !SECCOMP_OK.includes(podType) && refs.some((r) => own(r) === undefined)) {
      out.push({ message: `the pod's seccomp profile is ${show(podType)}`, field: `${pod.path}.securityContext.seccompProfile.type` });
    }
    for (const r of refs) {
      const t = own(r);
      if (t !== undefined && !SECCOMP_OK.includes(t)) out.push({ message: `${containerName(r)} sets seccomp profile ${show(t)}`, field: `${r.path}.securityContext.seccompProfile.type` });
      else if (t === undefined && podType === undefined) out.push({ message: `${containerName(r)} has no seccomp profile (nor has the pod)`, field: `${r.path}.securityContext.seccompProfile.type` });
    }
    return out;
  },
});

const capabilitiesDropAll: Rule = productionRule({
  id: 'capabilities-drop-all',
  severity: 'error',
  description: 'Every container drops ALL Linux capabilities (adding back only what it needs). (pss-restricted checks the same.)',
  fix: 'libk8s sets capabilities: { drop: [ALL] } on every container. In YAML: set securityContext.capabilities.drop: ["ALL"] and add back only what is needed, e.g. NET_BIND_SERVICE.',
  aliases: { polaris: 'insecureCapabilities' },
  kinds: WORKLOAD_KINDS,
  check(s) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    return runningContainers(pod).flatMap((ref): Violation[] => {
      const drop = ref.container.securityContext?.capabilities?.drop;
      const ok = Array.isArray(drop) && drop.some((c) => typeof c === 'string' && c.toUpperCase() === 'ALL');
      return ok ? [] : [{ message: `${containerName(ref)} does not drop ALL capabilities (drop: ${show(drop ?? [])})`, field: `${ref.path}.securityContext.capabilities.drop` }];
    });
  },
});

const envNoDuplicates: Rule = productionRule({
  id: 'env-no-duplicates',
  severity: 'warning',
  description: 'No container sets the same environment variable twice (the last one silently wins).',
  fix: "In libk8s, env is a map, so a name appears once; check 'overrides' for the value you meant. In YAML: remove the duplicate entry from the container's env.",
  aliases: { kubeScore: 'environment-variable-key-duplication', kubeLinter: 'duplicate-env-var' },
  kinds: WORKLOAD_KINDS,
  check(s) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    const out: Violation[] = [];
    for (const ref of containersOf(pod)) {
      const seen = new Set<string>();
      (Array.isArray(ref.container.env) ? ref.container.env : []).forEach((e: any, i: number) => {
        if (seen.has(e?.name)) out.push({ message: `${containerName(ref)} sets ${e.name} more than once`, field: `${ref.path}.env[${i}].name` });
        seen.add(e?.name);
      });
    }
    return out;
  },
});

/**
 * Names whose literal values are secrets: libk8s's own list
 * (SECRET_LOOKING_NAME, which `Env` props are validated against) and the
 * names Polaris's sensitiveContainerEnvVar adds.
 */
export function secretLookingName(name: string): boolean {
  return SECRET_LOOKING_NAME.test(name) || /BEARER/i.test(name) || /^AZURE_.+KEY$/i.test(name) || /^OCI_CLI_KEY_CONTENT$/i.test(name);
}

const PRIVATE_KEY = /-BEGIN\s+.*PRIVATE KEY-/i;

const envNoSecretLiterals: Rule = productionRule({
  id: 'env-no-secret-literals',
  severity: 'error',
  description: 'No secret is written as a literal env value (names like PASSWORD, TOKEN, SECRET, API_KEY, or a private key): it would sit in Git and in the manifest in plain text.',
  fix: "In libk8s, use Env.secret('<secret>', '<key>') for the variable. In YAML: replace value: with valueFrom.secretKeyRef naming a Secret (created by your secret manager, not committed).",
  aliases: { polaris: 'sensitiveContainerEnvVar', kubeLinter: 'env-var-secret' },
  kinds: WORKLOAD_KINDS,
  check(s) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    const out: Violation[] = [];
    for (const ref of containersOf(pod)) {
      (Array.isArray(ref.container.env) ? ref.container.env : []).forEach((e: any, i: number) => {
        const value = e?.value;
        if (typeof value !== 'string' || value === '') return;
        const byName = typeof e.name === 'string' && secretLookingName(e.name);
        if (byName || PRIVATE_KEY.test(value)) {
          // never echo the value itself
          out.push({ message: `${containerName(ref)} sets ${e.name} to a literal ${byName ? 'value, and the name looks secret' : 'private key'}`, field: `${ref.path}.env[${i}].value` });
        }
      });
    }
    return out;
  },
});

/** Seconds a preStop hook waits: `sleep N` as exec, in `sh -c`, or the sleep action. */
function preStopSeconds(c: Record<string, any>): number | undefined {
  const pre = c.lifecycle?.preStop;
  if (!pre) return undefined;
  if (typeof pre.sleep?.seconds === 'number') return pre.sleep.seconds;
  const cmd: unknown[] = pre.exec?.command ?? [];
  if (typeof cmd[0] === 'string' && /(^|\/)sleep$/.test(cmd[0]) && /^\d+(\.\d+)?$/.test(String(cmd[1]))) return Number(cmd[1]);
  const script = cmd.find((x) => typeof x === 'string' && /(^|[\s;&|])sleep\s+\d/.test(x)) as string | undefined;
  const m = script ? /(^|[\s;&|])sleep\s+(\d+(\.\d+)?)/.exec(script) : null;
  return m ? Number(m[2]) : undefined;
}

const gracefulShutdown: Rule = productionRule({
  id: 'graceful-shutdown',
  severity: 'warning',
  description: 'terminationGracePeriodSeconds is longer than any preStop pause, so the process gets SIGTERM and time to finish in-flight work before SIGKILL.',
  fix: "In libk8s, keep 'terminationGracePeriodSeconds' above the platform's preStopSeconds (30 by default against 5). In YAML: raise spec.terminationGracePeriodSeconds above the preStop sleep plus the app's own shutdown time.",
  kinds: WORKLOAD_KINDS,
  check(s) {
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    const grace = typeof pod.spec.terminationGracePeriodSeconds === 'number' ? pod.spec.terminationGracePeriodSeconds : 30;
    return containersOf(pod).filter((c) => c.kind === 'container').flatMap((ref): Violation[] => {
      const pause = preStopSeconds(ref.container);
      return pause !== undefined && pause >= grace
        ? [{ message: `${containerName(ref)} preStop hook pauses ${pause} s, but terminationGracePeriodSeconds is ${grace}${pod.spec.terminationGracePeriodSeconds === undefined ? ' (the default)' : ''}, so the process is killed without a chance to shut down`, field: `${pod.path}.terminationGracePeriodSeconds` }]
        : [];
    });
  },
});

const priorityClass: Rule = productionRule({
  id: 'priority-class',
  severity: 'warning',
  description: 'Pods name a PriorityClass — only when the platform requires it (options: { required: true, allowed?: [...] }); priority classes are cluster policy, so by default this reports nothing.',
  fix: "Set 'priorityClassName' in the platform props (libk8s puts it on every pod). In YAML: set spec.priorityClassName to one of the cluster's PriorityClasses.",
  aliases: { polaris: 'priorityClassNotSet' },
  kinds: WORKLOAD_KINDS,
  check(s, ctx) {
    if (ctx.options.required !== true) return undefined;
    const pod = podSpecOf(s.manifest);
    if (!pod) return undefined;
    const name = pod.spec.priorityClassName;
    const allowed = Array.isArray(ctx.options.allowed) ? (ctx.options.allowed as unknown[]).map(String) : undefined;
    if (typeof name !== 'string' || name === '') return [{ message: 'the pod names no priorityClassName', field: `${pod.path}.priorityClassName` }];
    if (allowed && !allowed.includes(name)) return [{ message: `priorityClassName ${show(name)} is not one of the platform's: ${allowed.join(', ')}`, field: `${pod.path}.priorityClassName` }];
    return [];
  },
});

export const CONTAINER_RULES: readonly Rule[] = [
  resourcesRequests, resourcesMemoryLimit, resourcesCpuLimit, resourcesEphemeralStorage,
  probesReadiness, probesLiveness, probesDiffer, probesTargetPorts,
  imageTag, imagePullPolicy,
  readOnlyRootFs, seccompProfile, capabilitiesDropAll,
  envNoDuplicates, envNoSecretLiterals,
  gracefulShutdown, priorityClass,
];
