import { createHash } from 'crypto';
import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { AnyComponent, Component, RenderContext } from '../core/component';
import type { Access, ResourceRef } from '../core/recipe';
import { checkWorkloadWiring, deriveWiring, DerivedWiring, ServingWorkload, wiredEnvNames } from '../wiring/derive';
import { addWire, at, checkWires, envPrefix, isResource, wireLabel, wireProp, wiresFrom } from '../core/wiring';
import { ProblemList, show } from '../core/errors';
import { policySelector, selectorLabels, standardLabels, versionLabel } from '../core/labels';
import { SizeName } from '../core/platform';
import { checkDnsLabel, checkImage, checkIntRange, checkMetadataMaps, checkPort, cidrStrictlyInside, parseCidr, parseImage } from '../core/rules';
import {
  checkContainer, checkEnv, checkProbes, checkResources, checkSize, ContainerProps, EnvValue, envVars, PortProps, probe, ProbesProps,
  resolveResources, resourceRequirements, ResourcesProps, restrictedSecurityContext, VolumeProps,
} from '../pod/container';

/** Files mounted from a ConfigMap; a change to them rolls the pods. */
export interface ConfigFilesProps {
  /** File name to content. */
  readonly files: Readonly<Record<string, string>>;
  /**
   * Where the files appear in the main container.
   * @default `/etc/<construct id>`
   */
  readonly mountPath?: string;
}

/** Horizontal autoscaling on resource use. */
export interface AutoscaleProps {
  /** Fewest replicas. */
  readonly min: number;
  /** Most replicas; must be greater than `min`. */
  readonly max: number;
  /**
   * Target average cpu use, percent of the request.
   * @default 70 (when memoryPercent is not set either)
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
   */
  readonly cpuPercent?: number;
  /**
   * Target average memory use, percent of the request.
   * @default - none
   */
  readonly memoryPercent?: number;
}

/** Egress allowed beyond DNS (and, later, what the workload connects to). */
export interface EgressRule {
  /** A CIDR such as `0.0.0.0/0` or `10.20.0.0/16`. */
  readonly cidr: string;
  /** @default - none */
  readonly except?: readonly string[];
  /** TCP ports; @default - every port */
  readonly ports?: readonly number[];
}

/** What may differ per environment. */
export interface WorkloadOverrides {
  /** @default - the construct's value */
  readonly image?: string;
  /** @default - the construct's value */
  readonly replicas?: number;
  /** @default - the construct's value */
  readonly autoscale?: AutoscaleProps;
  /** @default - the construct's value */
  readonly size?: SizeName;
  /** Merged over the construct's value. @default - the construct's value */
  readonly resources?: ResourcesProps;
  /** Merged over the construct's env. @default - the construct's value */
  readonly env?: Readonly<Record<string, EnvValue>>;
}

export interface WorkloadProps {
  /**
   * The image, pinned by tag or digest (no `:latest`).
   * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Container
   */
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's cmd */
  readonly args?: readonly string[];
  /**
   * Environment variables: literals for plain values, `Env.secret(...)` for
   * anything secret (a literal under a secret-looking name is an error).
   * @default - none
   */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /**
   * Config files mounted read-only from a ConfigMap; their content hash is a
   * pod annotation, so changing a file rolls the pods.
   * @default - none
   */
  readonly config?: ConfigFilesProps;
  /**
   * A size preset for requests and limits.
   * @default - the platform's defaultSize ('small')
   */
  readonly size?: SizeName;
  /** Overrides single values of the size preset. @default - none */
  readonly resources?: ResourcesProps;
  /** @default - startup, readiness and liveness HTTP probes on the platform's health paths */
  readonly probes?: ProbesProps;
  /** Extra volumes, mounted in the main container. @default - only `/tmp` */
  readonly volumes?: readonly VolumeProps[];
  /** Extra containers beside the main one. @default - none */
  readonly sidecars?: readonly ContainerProps[];
  /** Containers that run to completion before the main one starts. @default - none */
  readonly initContainers?: readonly ContainerProps[];
  /** Extra labels on every object (not selectors). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Extra annotations on every object. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Extra annotations on the pods only. @default - none */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Annotations on the ServiceAccount (e.g. a cloud identity). @default - none */
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
  /**
   * Seconds between SIGTERM and SIGKILL; must exceed the preStop pause.
   * @default 30
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
   */
  readonly terminationGracePeriodSeconds?: number;
  /** Egress beyond DNS. @default - DNS only */
  readonly egress?: readonly EgressRule[];
}

/** Replica count or autoscaling: the two are exclusive. */
export interface ScalingProps {
  /**
   * A fixed replica count; exclusive with `autoscale`.
   * @default 2 when there is no autoscale
   */
  readonly replicas?: number;
  /**
   * A HorizontalPodAutoscaler; the Deployment then has no `spec.replicas`.
   * @default - none
   */
  readonly autoscale?: AutoscaleProps;
}

/** The props of a workload with one environment's overrides applied. */
export interface Effective<P> {
  /** The props with the overrides merged in. */
  readonly props: P;
  /** The environment whose overrides they are. @default - none: the props as given */
  readonly environment?: string;
}

/** The objects every pod-running construct emits; subclasses add their controller. */
export interface PodObjects {
  /** The workload's own ServiceAccount (with its cloud identity's annotations). */
  serviceAccount: k8s.KubeServiceAccount;
  /** Ingress and egress of its pods. */
  networkPolicy: k8s.KubeNetworkPolicy;
  /** The `config` files. @default - none without `config` */
  configMap?: k8s.KubeConfigMap;
  [key: string]: ApiObject | undefined;
}

/** The objects every Deployment-based workload emits; subclasses add theirs. */
export interface WorkloadObjects extends PodObjects {
  /** The Deployment of its pods. */
  deployment: k8s.KubeDeployment;
  /** Allows one pod at a time to be disrupted. */
  podDisruptionBudget: k8s.KubePodDisruptionBudget;
  /** With `autoscale`. @default - none with a fixed replica count or an external autoscaler */
  horizontalPodAutoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  [key: string]: ApiObject | undefined;
}

/** What a pod-running construct's pod differs in. */
export interface PodOptions {
  /** @default - the API default (Always) */
  readonly restartPolicy?: 'Never' | 'OnFailure';
  /** topologySpreadConstraints over zone and node. @default true */
  readonly spread?: boolean;
  /** Startup, readiness and liveness probes on the main container. @default true */
  readonly probes?: boolean;
  /** The preStop pause on the main container (for pods behind endpoints). @default true */
  readonly preStop?: boolean;
}

/** The objects of a pod-running construct before its controller. */
export interface RenderedPod {
  /** See PodObjects.serviceAccount. */
  readonly serviceAccount: k8s.KubeServiceAccount;
  /** See PodObjects.configMap. @default - none without `config` */
  readonly configMap?: k8s.KubeConfigMap;
  /** The pod template on the golden path. */
  readonly template: k8s.PodTemplateSpec;
}

const TMP_VOLUME = 'tmp';
const CONFIG_VOLUME = 'config';

/**
 * The shared base of Deployment-based workloads: pod template with the
 * golden-path defaults, ServiceAccount, PDB, NetworkPolicy, HPA and config.
 */
export abstract class Workload<P extends WorkloadProps & ScalingProps & { readonly overrides?: { readonly [env: string]: WorkloadOverrides | undefined } }, O extends PodObjects>
  extends Component<O> {
  /** The props as given (before per-environment overrides). */
  public readonly props: P;

  protected constructor(scope: IConstruct, id: string, props: P) {
    super(scope, id);
    this.props = props;
  }

  /** The props with one environment's overrides merged in. */
  protected effective(env: string): P {
    const o = (this.props.overrides as Record<string, WorkloadOverrides | undefined> | undefined)?.[env];
    if (!o) return this.props;
    const merged: Record<string, unknown> = { ...(this.props as object), ...o };
    if (o.resources) merged.resources = { ...this.props.resources, ...o.resources };
    if (o.env) merged.env = { ...this.props.env, ...o.env };
    // an override that sets one of replicas/autoscale replaces the other
    if (o.replicas !== undefined && o.autoscale === undefined) merged.autoscale = undefined;
    if (o.autoscale !== undefined && o.replicas === undefined) merged.replicas = undefined;
    return merged as P;
  }

  /** The port names and numbers of the main container. */
  protected abstract ports(props: P): PortProps[];

  protected validate(problems: ProblemList): void {
    const p = this.props;
    checkDnsLabel(problems, 'id', this.node.id);
    if (typeof p !== 'object' || p === null) {
      problems.add(undefined, 'has no props', 'pass the props object, e.g. { image: "ghcr.io/acme/app:1.0.0" }.');
      return;
    }
    checkImage(problems, 'image', p.image);
    checkEnv(problems, 'env', p.env);
    if (checkSize(problems, 'size', this.app.platform, p.size)) {
      checkResources(problems, 'resources', resolveResources(this.app.platform, p.size ?? this.app.platform.defaultSize, p.resources));
    }
    if (this.scales) this.checkScaling(problems, p, '', undefined);
    const ports = this.ports(p);
    const names = new Set(ports.map((x) => x.name));
    if (this.podOptions.probes !== false) checkProbes(problems, 'probes', p.probes, names, new Set(ports.map((x) => x.port)));
    const volumeNames = new Set<string>([TMP_VOLUME, ...(p.config ? [CONFIG_VOLUME] : [])]);
    for (const [i, v] of (p.volumes ?? []).entries()) {
      if (!checkDnsLabel(problems, `volumes[${i}].name`, v.name)) continue;
      if (volumeNames.has(v.name)) problems.add(`volumes[${i}].name`, `${show(v.name)} is used twice (libk8s reserves "tmp" and "config")`, 'give each volume its own name.');
      volumeNames.add(v.name);
      if (!v.mountPath?.startsWith('/')) problems.add(`volumes[${i}].mountPath`, `${show(v.mountPath)} is not an absolute path`, 'use a path like "/data".');
    }
    const containerNames = new Set<string>([this.node.id]);
    for (const [list, prop] of [[p.sidecars, 'sidecars'], [p.initContainers, 'initContainers']] as const) {
      for (const [i, c] of (list ?? []).entries()) {
        const cp = `${prop}[${i}]`;
        if (checkDnsLabel(problems, `${cp}.name`, c.name) && containerNames.has(c.name)) {
          problems.add(`${cp}.name`, `${show(c.name)} is used by another container of this pod`, 'give each container its own name.');
        }
        containerNames.add(c.name);
        checkContainer(problems, cp, c, this.app.platform, volumeNames);
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
    const grace = p.terminationGracePeriodSeconds;
    if (grace !== undefined && checkIntRange(problems, 'terminationGracePeriodSeconds', grace, 0, 86400) && this.podOptions.preStop !== false && grace <= this.app.platform.preStopSeconds) {
      problems.add('terminationGracePeriodSeconds', `${grace} is not longer than the preStop pause of ${this.app.platform.preStopSeconds} s, so in-flight requests are cut off`,
        `use more than ${this.app.platform.preStopSeconds}, e.g. 30.`);
    }
    for (const [i, e] of (p.egress ?? []).entries()) {
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
    // the API server rejects two volume mounts at one path in a container
    checkMountPaths(problems, [
      ['/tmp', "libk8s's /tmp volume"],
      [p.config ? p.config.mountPath ?? `/etc/${this.name}` : undefined, 'config.mountPath'],
      ...(p.volumes ?? []).map((v, i) => [v.mountPath, `volumes[${i}].mountPath`] as const),
    ]);
    for (const [list, prop] of [[p.sidecars, 'sidecars'], [p.initContainers, 'initContainers']] as const) {
      for (const [i, c] of (list ?? []).entries()) {
        checkMountPaths(problems, [['/tmp', "libk8s's /tmp volume"], ...(c.mounts ?? []).map((m, j) => [m.mountPath, `${prop}[${i}].mounts[${j}].mountPath`] as const)]);
      }
    }
    checkMetadataMaps(problems, 'labels', p.labels, p.annotations);
    checkMetadataMaps(problems, 'podAnnotations', undefined, p.podAnnotations, 'podAnnotations');
    checkMetadataMaps(problems, 'serviceAccountAnnotations', undefined, p.serviceAccountAnnotations, 'serviceAccountAnnotations');
    this.checkOverrides(problems);
    this.checkWiring(problems);
  }

  /** Wiring problems only this workload can see: targets it cannot use, env names the wiring would overwrite. */
  private checkWiring(problems: ProblemList): void {
    checkWires(this, problems);
    for (const w of wiresFrom(this)) {
      const prop = `${w.via}(${w.to.node.id})`;
      const type = (w.to as unknown as Partial<ResourceRef>).resourceType;
      if (w.via === 'connect' && type === 'queue') {
        problems.add(prop, `connects to Queue '${w.to.node.id}'${at(w)}, which says neither sending nor consuming`,
          `use ${this.node.id}.sendTo(${w.to.node.id}) to send, or a QueueWorker with queue: ${w.to.node.id} to consume.`);
      } else if (w.via === 'sendTo' && type !== 'queue') {
        problems.add(prop, `sends to ${w.to.kind} '${w.to.node.id}'${at(w)}, which is not a Queue`, `use connect(${w.to.node.id}).`);
      } else if (!isResource(w.to) && typeof (w.to as unknown as Partial<ServingWorkload>).served !== 'function' && w.to !== (this as unknown)) {
        problems.add(prop, `connects to ${w.to.kind} '${w.to.node.id}'${at(w)}, which serves no port to connect to`,
          'connect to a WebService (it has a Service), a resource, or put a Queue between the two.');
      }
    }
    this.checkWiredEnv(problems);
    checkWorkloadWiring(this, problems);
  }

  /**
   * Variables the wiring would give twice, in any environment: two wires
   * that give one name (ids like `orders-db` and `orders--db` make one
   * prefix), and a name of the props' `env` or an override's `env` that a
   * wire gives too. Each is reported once.
   */
  private checkWiredEnv(problems: ProblemList): void {
    const reported = new Set<string>();
    const once = (prop: string, message: string, fix: string, env?: string) => {
      const key = JSON.stringify([prop, message, env]);
      if (reported.has(key)) return;
      reported.add(key);
      problems.add(prop, message, fix, env);
    };
    const overrides = (this.props.overrides ?? {}) as Record<string, WorkloadOverrides | undefined>;
    for (const env of this.app.environments) {
      const { names, clashes } = wiredEnvNames(this, env);
      for (const { first, second, names: both } of clashes) {
        const [a, b] = [first.to.node.id, second.to.node.id];
        const prefix = envPrefix(a);
        once(wireProp(second), `gives ${both.join(', ')}, which ${wireLabel(first)} gives too, so one would overwrite the other`,
          prefix === envPrefix(b) ? `rename '${a}' or '${b}': both ids make the prefix ${prefix}_.` : `rename '${a}' or '${b}' so their variables differ.`);
      }
      const own: [Readonly<Record<string, unknown>> | undefined, string, string | undefined][] = [
        [this.props.env, 'env', undefined],
        [overrides[env.name]?.env, `overrides.${env.name}.env`, env.name],
      ];
      for (const [vars, prop, only] of own) {
        for (const name of Object.keys(vars ?? {})) {
          const w = names.get(name);
          if (!w) continue;
          const by = wireLabel(w);
          once(`${prop}.${name}`, `is also set by ${by}, which would overwrite it`, `rename the variable, or drop it and use the one ${by} provides.`, only);
        }
      }
    }
  }

  private checkOverrides(problems: ProblemList): void {
    const known = new Set(this.app.environmentNames as readonly string[]);
    for (const [env, o] of Object.entries((this.props.overrides ?? {}) as Record<string, WorkloadOverrides | undefined>)) {
      const prefix = `overrides.${env}`;
      if (!known.has(env)) {
        problems.add(prefix, `names environment ${show(env)}, which the app does not have`,
          `use one of the app's environments: ${[...known].join(', ')}.`);
        continue;
      }
      if (!o) continue;
      if (o.image !== undefined) checkImage(problems, `${prefix}.image`, o.image);
      if (o.env) checkEnv(problems, `${prefix}.env`, o.env);
      const eff = this.effective(env);
      if (o.size !== undefined || o.resources !== undefined) {
        if (checkSize(problems, `${prefix}.size`, this.app.platform, o.size)) {
          checkResources(problems, `${prefix}.resources`, resolveResources(this.app.platform, eff.size ?? this.app.platform.defaultSize, eff.resources));
        }
      }
      if (this.scales && (o.replicas !== undefined || o.autoscale !== undefined)) this.checkScaling(problems, eff, `${prefix}.`, env);
      this.checkOverride(problems, prefix, env, o);
    }
  }

  /** Subclass hook for override props only it has. */
  protected checkOverride(_problems: ProblemList, _prefix: string, _env: string, _o: WorkloadOverrides): void {}

  protected checkScaling(problems: ProblemList, p: ScalingProps, prefix: string, env: string | undefined): void {
    if (p.replicas !== undefined && p.autoscale !== undefined) {
      problems.add(`${prefix}replicas`, `${p.replicas} is set together with 'autoscale'; a fixed count would fight the autoscaler`,
        "remove 'replicas' (the autoscaler's min applies) or remove 'autoscale'.", env);
    }
    if (p.replicas !== undefined) checkIntRange(problems, `${prefix}replicas`, p.replicas, 0, 1000);
    const a = p.autoscale;
    if (a) {
      const minOk = checkIntRange(problems, `${prefix}autoscale.min`, a.min, 1, 1000, `use a whole number of at least 1 (a ${this.kind} scales with a HorizontalPodAutoscaler, which cannot scale to zero; a QueueWorker can).`);
      const maxOk = checkIntRange(problems, `${prefix}autoscale.max`, a.max, 1, 1000);
      if (minOk && maxOk && a.min > a.max) {
        problems.add(`${prefix}autoscale`, `min ${a.min} is greater than max ${a.max}`, `set min to at most ${a.max}, or raise max.`, env);
      } else if (minOk && maxOk && a.min === a.max) {
        problems.add(`${prefix}autoscale`, `min and max are both ${a.min}, so nothing scales`, `use replicas: ${a.min} instead, or raise max above ${a.min}.`, env);
      }
      if (a.cpuPercent !== undefined) checkIntRange(problems, `${prefix}autoscale.cpuPercent`, a.cpuPercent, 1, 1000);
      if (a.memoryPercent !== undefined) checkIntRange(problems, `${prefix}autoscale.memoryPercent`, a.memoryPercent, 1, 1000);
    }
  }

  /** Labels of every object of this workload in `ctx`'s environment. */
  protected labels(ctx: RenderContext, p: P): Record<string, string> {
    const ref = parseImage(p.image);
    return { ...p.labels, ...standardLabels(this.app, ctx.environment, this.name, versionLabel(ref?.tag, ref?.digest)) };
  }

  protected metadata(ctx: RenderContext, p: P, name = this.name): k8s.ObjectMeta {
    const annotations = { ...ctx.environment.annotations, ...p.annotations };
    return {
      name,
      namespace: ctx.environment.namespace,
      labels: this.labels(ctx, p),
      annotations: Object.keys(annotations).length ? annotations : undefined,
    };
  }

  /**
   * Renders what every pod-running construct has: the ServiceAccount (with
   * its cloud identity), the config, and the pod template on the golden path
   * with the wiring's environment variables.
   */
  protected renderPod(ctx: RenderContext, p: P, wiring: DerivedWiring, options: PodOptions = {}): RenderedPod {
    const platform = ctx.platform;
    const scope = ctx.scope;
    const meta = this.metadata(ctx, p);
    const selector = selectorLabels(this.name);

    const saAnnotations = { ...meta.annotations, ...p.serviceAccountAnnotations, ...wiring.identity.serviceAccountAnnotations };
    const serviceAccount = new k8s.KubeServiceAccount(scope, 'ServiceAccount', {
      metadata: { ...meta, annotations: Object.keys(saAnnotations).length ? saAnnotations : undefined },
      automountServiceAccountToken: false,
    });

    let configMap: k8s.KubeConfigMap | undefined;
    const podAnnotations: Record<string, string> = { 'kubectl.kubernetes.io/default-container': this.name, ...p.podAnnotations };
    if (p.config) {
      const data = Object.fromEntries(Object.keys(p.config.files).sort().map((k) => [k, p.config!.files[k]]));
      configMap = new k8s.KubeConfigMap(scope, 'ConfigMap', { metadata: this.metadata(ctx, p, `${this.name}-config`), data });
      podAnnotations['libk8s.io/config-hash'] = createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
    }

    const uid = platform.runAsUser;
    const ports = this.ports(p);
    const size = p.size ?? platform.defaultSize;
    const volumes: k8s.Volume[] = [{ name: TMP_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } }];
    const mounts: k8s.VolumeMount[] = [{ name: TMP_VOLUME, mountPath: '/tmp' }];
    if (configMap) {
      volumes.push({ name: CONFIG_VOLUME, configMap: { name: `${this.name}-config` } });
      mounts.push({ name: CONFIG_VOLUME, mountPath: p.config!.mountPath ?? `/etc/${this.name}`, readOnly: true });
    }
    for (const v of p.volumes ?? []) {
      const s = v.source;
      switch (s.type) {
        case 'emptyDir': volumes.push({ name: v.name, emptyDir: { medium: s.medium, sizeLimit: s.sizeLimit ? k8s.Quantity.fromString(s.sizeLimit) : undefined } }); break;
        case 'configMap': volumes.push({ name: v.name, configMap: { name: s.configMap } }); break;
        case 'secret': volumes.push({ name: v.name, secret: { secretName: s.secret } }); break;
        case 'persistentVolumeClaim': volumes.push({ name: v.name, persistentVolumeClaim: { claimName: s.claimName } }); break;
      }
      mounts.push({ name: v.name, mountPath: v.mountPath, readOnly: v.readOnly ?? (s.type === 'configMap' || s.type === 'secret') });
    }

    const primary = ports[0]?.port;
    /** What every container of the pod shares: pinned pulls, resources, the restricted security context. */
    const container = (c: Omit<ContainerProps, 'size' | 'mounts' | 'probes'>, size: SizeName, volumeMounts: k8s.VolumeMount[]): k8s.Container => ({
      name: c.name,
      image: c.image,
      imagePullPolicy: 'Always',
      command: c.command ? [...c.command] : undefined,
      args: c.args ? [...c.args] : undefined,
      env: envVars(c.env),
      ports: c.ports?.length ? c.ports.map((x) => ({ name: x.name, containerPort: x.port, protocol: x.protocol ?? 'TCP' })) : undefined,
      resources: resourceRequirements(resolveResources(platform, size, c.resources)),
      securityContext: restrictedSecurityContext(uid),
      volumeMounts,
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
    const main: k8s.Container = {
      ...container({ ...p, name: this.name, ports }, size, mounts),
      env: mergeEnv(envVars(p.env), wiring.env),
      ...(options.probes === false ? {} : {
        startupProbe: p.probes?.startup === false ? undefined : probe('startup', p.probes?.startup, platform, primary),
        readinessProbe: probe('readiness', p.probes?.readiness, platform, primary),
        livenessProbe: p.probes?.liveness === false ? undefined : probe('liveness', p.probes?.liveness, platform, primary),
      }),
      // the sleep action is newer than the typed 1.27 objects; patchPreStop() swaps it in
      lifecycle: options.preStop === false ? undefined : { preStop: { exec: { command: ['sleep', String(platform.preStopSeconds)] } } },
    };
    const extra = (c: ContainerProps): k8s.Container => container(c, c.size ?? 'nano',
      [{ name: TMP_VOLUME, mountPath: '/tmp' }, ...(c.mounts ?? []).map((m) => ({ name: m.volume, mountPath: m.mountPath, readOnly: m.readOnly }))]);

    const podSpec: k8s.PodSpec = {
      serviceAccountName: this.name,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      priorityClassName: platform.priorityClassName,
      restartPolicy: options.restartPolicy,
      terminationGracePeriodSeconds: p.terminationGracePeriodSeconds ?? this.defaultGracePeriod,
      securityContext: {
        runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      topologySpreadConstraints: options.spread === false ? undefined : ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
        maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector }, matchLabelKeys: ['pod-template-hash'],
      })),
      initContainers: p.initContainers?.length ? p.initContainers.map(extra) : undefined,
      containers: [main, ...(p.sidecars ?? []).map((c): k8s.Container => ({
        ...extra(c),
        startupProbe: c.probes?.startup && probe('startup', c.probes.startup, platform, c.ports?.[0]?.port),
        readinessProbe: c.probes?.readiness && probe('readiness', c.probes.readiness, platform, c.ports?.[0]?.port),
        livenessProbe: c.probes?.liveness && probe('liveness', c.probes.liveness, platform, c.ports?.[0]?.port),
      }))],
      volumes,
    };

    const template: k8s.PodTemplateSpec = {
      metadata: { labels: { ...this.labels(ctx, p), ...wiring.identity.podLabels }, annotations: podAnnotations },
      spec: podSpec,
    };
    return { serviceAccount, configMap, template };
  }

  /** The preStop pause as the platform makes it, patched onto `obj` at `podPath` (the kubelet sleep action is newer than the typed 1.27 objects). */
  protected patchPreStop(obj: ApiObject, podPath: string, platform: RenderContext['platform']): void {
    if (platform.preStopAction === 'sleep') {
      obj.addJsonPatch(JsonPatch.replace(`${podPath}/containers/0/lifecycle/preStop`, { sleep: { seconds: platform.preStopSeconds } }));
    }
  }

  /** How this construct's pod differs from a long-running one (runs to completion: no probes, no preStop). */
  protected get podOptions(): PodOptions {
    return {};
  }

  /** Whether the construct has replicas or autoscaling to check: a pod that runs to completion (a restartPolicy) has neither. */
  protected get scales(): boolean {
    return this.podOptions.restartPolicy === undefined;
  }

  /** Seconds between SIGTERM and SIGKILL unless the props say otherwise. */
  protected get defaultGracePeriod(): number {
    return 30;
  }

  /** The wiring of this workload in `ctx`'s environment: env, NetworkPolicy rules, identity. */
  protected wiring(ctx: RenderContext): DerivedWiring {
    const name = ctx.environment.name;
    const override = (this.props.overrides as Record<string, WorkloadOverrides | undefined> | undefined)?.[name];
    const env = new Map<string, string>([
      ...Object.keys(this.props.env ?? {}).map((k): [string, string] => [k, `env.${k}`]),
      ...Object.keys(override?.env ?? {}).map((k): [string, string] => [k, `overrides.${name}.env.${k}`]),
    ]);
    return deriveWiring(this, ctx, { env, serviceAccountAnnotations: this.props.serviceAccountAnnotations });
  }

  /** Renders the objects every Deployment-based workload has; subclasses add Service, routes, autoscalers. */
  protected renderWorkload(ctx: RenderContext, p: P, ingress: k8s.NetworkPolicyIngressRule[], wiring: DerivedWiring = this.wiring(ctx), options: { externalAutoscaler?: boolean } = {}): WorkloadObjects {
    const platform = ctx.platform;
    const scope = ctx.scope;
    const meta = this.metadata(ctx, p);
    const selector = selectorLabels(this.name);
    const { serviceAccount, configMap, template } = this.renderPod(ctx, p, wiring, this.podOptions);

    const autoscale = p.autoscale;
    const deployment = new k8s.KubeDeployment(scope, 'Deployment', {
      metadata: meta,
      spec: {
        replicas: autoscale || options.externalAutoscaler ? undefined : p.replicas ?? 2,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template,
      },
    });
    this.patchPreStop(deployment, '/spec/template/spec', platform);

    const podDisruptionBudget = new k8s.KubePodDisruptionBudget(scope, 'PodDisruptionBudget', {
      metadata: meta,
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
    });

    let horizontalPodAutoscaler: k8s.KubeHorizontalPodAutoscalerV2 | undefined;
    if (autoscale && !options.externalAutoscaler) {
      const metrics: k8s.MetricSpecV2[] = [];
      const cpu = autoscale.cpuPercent ?? (autoscale.memoryPercent === undefined ? 70 : undefined);
      if (cpu !== undefined) metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpu } } });
      if (autoscale.memoryPercent !== undefined) metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: autoscale.memoryPercent } } });
      horizontalPodAutoscaler = new k8s.KubeHorizontalPodAutoscalerV2(scope, 'HorizontalPodAutoscaler', {
        metadata: meta,
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas: autoscale.min,
          maxReplicas: autoscale.max,
          metrics,
          behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
        },
      });
    }

    const networkPolicy = this.renderNetworkPolicy(ctx, p, ingress, wiring);
    return { serviceAccount, configMap, deployment, podDisruptionBudget, horizontalPodAutoscaler, networkPolicy };
  }

  /**
   * The NetworkPolicy: DNS egress, egress to what the workload is wired to
   * and the props' `egress`; ingress from `ingress` and from the workloads
   * that connect to this one. Polaris asks for at least one ingress rule, so
   * a workload nobody calls admits only its own pods (on its ports).
   */
  protected renderNetworkPolicy(ctx: RenderContext, p: P, ingress: k8s.NetworkPolicyIngressRule[], wiring: DerivedWiring): k8s.KubeNetworkPolicy {
    const egress: k8s.NetworkPolicyEgressRule[] = [{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
    }, ...wiring.egress];
    for (const e of p.egress ?? []) {
      egress.push({
        to: [{ ipBlock: { cidr: e.cidr, except: e.except ? [...e.except] : undefined } }],
        ports: e.ports?.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })),
      });
    }
    const rules = [...ingress, ...wiring.ingress];
    if (rules.length === 0) {
      const ports = this.ports(p);
      rules.push({
        from: [{ podSelector: { matchLabels: policySelector(this.name) } }],
        ports: ports.length ? ports.map((x) => ({ protocol: x.protocol ?? 'TCP', port: k8s.IntOrString.fromString(x.name) })) : undefined,
      });
    }
    return new k8s.KubeNetworkPolicy(ctx.scope, 'NetworkPolicy', {
      metadata: this.metadata(ctx, p),
      spec: { podSelector: { matchLabels: policySelector(this.name) }, policyTypes: ['Ingress', 'Egress'], ingress: rules, egress },
    });
  }

  /** The ServiceAccount name: the workload's name. */
  public get serviceAccountName(): string {
    return this.name;
  }

  /**
   * Wires this workload to a resource or to another workload. From this one
   * call libk8s derives the environment variables (from the resource's
   * connection Secret), NetworkPolicy egress here and ingress there, and the
   * cloud permission on this workload's identity.
   *
   * - `connect(db)` (Postgres, Redis): address and credentials, network path.
   * - `connect(bucket)`: read and write on its objects; `{ access: 'read' }` for read only.
   * - `connect(webService)`: `<ID>_URL` and the network path both ways.
   * - a Queue: use `sendTo(queue)`, or a QueueWorker to consume it.
   */
  public connect(target: AnyComponent, options: { readonly access?: 'read' | 'readwrite' } = {}): this {
    const type = (target as unknown as Partial<ResourceRef>).resourceType;
    const access: Access = type === 'bucket' ? options.access ?? 'readwrite' : type === 'queue' ? 'consume' : 'connect';
    addWire(this, target, access, 'connect');
    return this;
  }

  /** Lets this workload send messages to `queue`: its URL in the environment and the send permission. */
  public sendTo(queue: AnyComponent & { readonly resourceType: 'queue' }): this {
    addWire(this, queue, 'send', 'sendTo');
    return this;
  }
}

/** The props' variables then the wiring's (validation rejects a name in both). */
function mergeEnv(own: k8s.EnvVar[] | undefined, wired: readonly k8s.EnvVar[]): k8s.EnvVar[] | undefined {
  const all = [...(own ?? []), ...wired];
  return all.length ? all : undefined;
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
