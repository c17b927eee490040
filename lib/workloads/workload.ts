import { createHash } from 'crypto';
import * as k8s from '../core/kube';
import { IConstruct } from 'constructs';
import { AnyComponent, Component, RenderContext } from '../core/component';
import { ProblemList, show } from '../core/errors';
import { selectorLabels, standardLabels, versionLabel } from '../core/labels';
import type { SizeName } from '../core/platform';
import type { Access } from '../core/recipe';
import {
  ANNOTATIONS_MAX_BYTES, annotationsBytes, checkAnnotationsSize, checkDnsLabel, checkImage, checkIntRange, checkMetadataMaps, checkRecord, isRecord, parseImage,
} from '../core/rules';
import { addWire, ConnectOptions, isResource } from '../core/wiring';
import { checkPodNetworkAndMounts, checkPodParts, CONFIG_VOLUME } from '../pod/checks';
import { checkCommandArgs, checkEnv, checkProbes, checkResources, checkSize, ContainerProps, envVars, PortProps, resolveResources } from '../pod/container';
import { containerProbes, sidecarProbes } from '../pod/probes';
import { goldenHorizontalPodAutoscaler, goldenPodDisruptionBudget, goldenServiceAccount, nativeSidecar, patchPreStop, podController, PreStopHook, preStopLifecycle } from '../pod/controllers';
import { goldenNetworkPolicy } from '../pod/network-policy';
import { goldenContainer, goldenPodSpec, tmpMount, tmpVolume } from '../pod/template';
import { checkWorkloadWires } from '../wiring/checks';
import { deriveWiring, DerivedWiring } from '../wiring/derive';
import { checkResourceTargets, withDefaultTarget } from './autoscale';
import { checkLifecycle, resolvePreStop, rolloutOf } from './lifecycle';
import { AutoscaleProps, PodObjects, PodOptions, RenderedPod, ScalingProps, WorkloadObjects, WorkloadOverrides, WorkloadProps } from './props';

export * from './props';

type AnyWorkloadProps = WorkloadProps & ScalingProps & { readonly overrides?: { readonly [env: string]: WorkloadOverrides | undefined } };

/** One environment's settings of a pod-running construct: the props with the overrides merged in, every default resolved. */
export interface PodSettings<P> {
  /** The props with the environment's overrides merged in. */
  readonly props: P;
  /** The size preset. */
  readonly size: SizeName;
  /** Seconds between SIGTERM and SIGKILL. */
  readonly terminationGracePeriodSeconds: number;
  /** Where the `config` files are mounted; undefined without `config`. */
  readonly configMountPath?: string;
  /** The fixed replica count; undefined when an autoscaler owns it. */
  readonly replicas?: number;
  /** The HPA's targets (cpu 70 % when no target is given); undefined without `autoscale`. */
  readonly autoscale?: AutoscaleProps;
  /** The main container's preStop hook; undefined for a run or `{ action: 'none' }`. */
  readonly preStop?: PreStopHook;
}

/**
 * The shared base of pod-running constructs: the props and their
 * per-environment settings (resolved once, in the constructor), validation
 * of what every workload has, and rendering of the golden-path pod through
 * `lib/pod`, with the environment variables, NetworkPolicy rules and
 * identity the wiring derives.
 */
export abstract class Workload<P extends AnyWorkloadProps, O extends PodObjects> extends Component<O> {
  /** The props as given (before per-environment overrides). */
  public readonly props: P;
  /** Each environment's settings, by environment name. */
  protected readonly settings: ReadonlyMap<string, PodSettings<P>>;

  protected constructor(scope: IConstruct, id: string, props: P) {
    super(scope, id, (props as { readonly environments?: unknown } | undefined)?.environments);
    this.props = props;
    this.settings = new Map(this.app.environmentNames.map((env) => [env, this.resolve(this.effective(env))]));
  }

  /** The settings of environment `env`. */
  protected settingsFor(env: string): PodSettings<P> {
    return this.settings.get(env) ?? this.resolve(this.props);
  }

  /** The props with one environment's overrides merged in. */
  protected effective(env: string): P {
    const o = overrideOf(this.props, env);
    if (!o) return this.props;
    const merged: Record<string, unknown> = { ...(this.props as object), ...o };
    if (o.resources) merged.resources = { ...this.props.resources, ...o.resources };
    if (o.env) merged.env = { ...this.props.env, ...o.env };
    // an override that sets one of replicas/autoscale replaces the other
    if (o.replicas !== undefined && o.autoscale === undefined) merged.autoscale = undefined;
    if (o.autoscale !== undefined && o.replicas === undefined) merged.replicas = undefined;
    return merged as P;
  }

  /** Resolves the defaults of one environment's props (tolerant: validation reports what is wrong). */
  private resolve(p: P): PodSettings<P> {
    const props = (typeof p === 'object' && p !== null ? p : {}) as P;
    const a = props.autoscale;
    return {
      props,
      size: props.size ?? this.app.platform.defaultSize,
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? this.defaultGracePeriod,
      configMountPath: props.config ? props.config.mountPath ?? `/etc/${String(this.name)}` : undefined,
      replicas: a || !this.scales ? undefined : props.replicas ?? 2,
      autoscale: a && withDefaultTarget(a),
      preStop: this.podOptions.preStop === false ? undefined : resolvePreStop(props.preStop, this.app.platform),
    };
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
    const platform = this.app.platform;
    checkImage(problems, 'image', p.image);
    checkCommandArgs(problems, '', p);
    checkEnv(problems, 'env', p.env);
    if (checkSize(problems, 'size', platform, p.size)) {
      checkResources(problems, 'resources', resolveResources(platform, p.size ?? platform.defaultSize, p.resources));
    }
    if (this.scales) this.checkScaling(problems, p, '', undefined);
    // a port that is not an object is reported by the subclass's own port checks
    const ports = this.ports(p).filter(isRecord);
    if (this.podOptions.probes !== false) checkProbes(problems, 'probes', p.probes, { main: ports[0], ports });
    checkPodParts(problems, p, this.name, platform);
    checkLifecycle(problems, { props: p, preStop: this.podOptions.preStop !== false, deployment: this.scales, kind: this.kind, platform, environments: this.app.environments.filter((e) => this.placedIn(e)),
      override: (env) => overrideOf(p, env), settings: (env) => this.settingsFor(env) });
    checkPodNetworkAndMounts(problems, p, this.name);
    checkMetadataMaps(problems, 'labels', p.labels, p.annotations);
    checkMetadataMaps(problems, 'podAnnotations', undefined, p.podAnnotations, 'podAnnotations');
    checkMetadataMaps(problems, 'serviceAccountAnnotations', undefined, p.serviceAccountAnnotations, 'serviceAccountAnnotations');
    this.checkAnnotationSizes(problems, p);
    this.checkOverrides(problems);
    checkWorkloadWires(this, p, problems);
  }

  /**
   * The annotations each object ends up with, per environment, against the
   * API server's 256 KiB limit: every object's (the environment's and
   * `annotations`), the ServiceAccount's (and `serviceAccountAnnotations`)
   * and the pods' (`podAnnotations` and libk8s's own two).
   */
  private checkAnnotationSizes(problems: ProblemList, p: P): void {
    const records = (...maps: unknown[]): Record<string, unknown> => Object.assign({}, ...maps.filter(isRecord));
    const pod = records({ 'kubectl.kubernetes.io/default-container': String(this.name) }, p.podAnnotations, isRecord(p.config) ? { 'libk8s.io/config-hash': '0'.repeat(16) } : undefined);
    checkAnnotationsSize(problems, 'podAnnotations', pod, 'the pod template');
    const envs = this.app.environments;
    for (const [prop, extra, what] of [['annotations', undefined, 'every object'], ['serviceAccountAnnotations', p.serviceAccountAnnotations, 'the ServiceAccount']] as const) {
      if (prop === 'serviceAccountAnnotations' && extra === undefined) continue;
      const sizes = envs.map((e) => annotationsBytes(records(e.annotations, p.annotations, extra)));
      // an environment whose own annotations are over the limit is reported by the app, once
      const over = envs.filter((e, i) => sizes[i] > ANNOTATIONS_MAX_BYTES && !(isRecord(e.annotations) && annotationsBytes(e.annotations) > ANNOTATIONS_MAX_BYTES));
      // the same size everywhere (no environment adds annotations) is one problem, not one per environment
      if (over.length === envs.length && new Set(sizes).size === 1) checkAnnotationsSize(problems, prop, records(envs[0].annotations, p.annotations, extra), what);
      else for (const e of over) checkAnnotationsSize(problems, prop, records(e.annotations, p.annotations, extra), `${what} in environment '${e.name}'`, e.name);
    }
  }

  private checkOverrides(problems: ProblemList): void {
    const known = new Set(this.app.environmentNames as readonly string[]);
    const platform = this.app.platform;
    if (!checkRecord(problems, 'overrides', this.props.overrides, '{ prod: { replicas: 3 } }')) return;
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
        if (checkSize(problems, `${prefix}.size`, platform, o.size)) {
          checkResources(problems, `${prefix}.resources`, resolveResources(platform, eff.size ?? platform.defaultSize, eff.resources));
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
      checkResourceTargets(problems, `${prefix}autoscale`, a, env);
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
  protected renderPod(ctx: RenderContext, s: PodSettings<P>, wiring: DerivedWiring, controller: 'Deployment' | 'Job' | 'CronJob'): RenderedPod {
    const { platform, scope } = ctx;
    const p = s.props;
    const options = this.podOptions;
    const meta = this.metadata(ctx, p);

    const saAnnotations = { ...meta.annotations, ...p.serviceAccountAnnotations, ...wiring.identity.serviceAccountAnnotations };
    const serviceAccount = goldenServiceAccount(scope, { ...meta, annotations: Object.keys(saAnnotations).length ? saAnnotations : undefined });

    let configMap: k8s.KubeConfigMap | undefined;
    const podAnnotations: Record<string, string> = { 'kubectl.kubernetes.io/default-container': this.name, ...p.podAnnotations };
    const volumes: k8s.Volume[] = [tmpVolume()];
    const mounts: k8s.VolumeMount[] = [tmpMount()];
    if (p.config) {
      const data = Object.fromEntries(Object.keys(p.config.files).sort().map((k) => [k, p.config!.files[k]]));
      configMap = new k8s.KubeConfigMap(scope, 'ConfigMap', { metadata: this.metadata(ctx, p, `${this.name}-config`), data });
      podAnnotations['libk8s.io/config-hash'] = createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
      volumes.push({ name: CONFIG_VOLUME, configMap: { name: `${this.name}-config` } });
      mounts.push({ name: CONFIG_VOLUME, mountPath: s.configMountPath!, readOnly: true });
    }
    for (const v of p.volumes ?? []) {
      const src = v.source;
      switch (src.type) {
        case 'emptyDir': volumes.push({ name: v.name, emptyDir: { medium: src.medium, sizeLimit: src.sizeLimit ? k8s.Quantity.fromString(src.sizeLimit) : undefined } }); break;
        case 'configMap': volumes.push({ name: v.name, configMap: { name: src.configMap } }); break;
        case 'secret': volumes.push({ name: v.name, secret: { secretName: src.secret } }); break;
        case 'persistentVolumeClaim': volumes.push({ name: v.name, persistentVolumeClaim: { claimName: src.claimName } }); break;
      }
      mounts.push({ name: v.name, mountPath: v.mountPath, readOnly: v.readOnly ?? (src.type === 'configMap' || src.type === 'secret') });
    }

    const ports = this.ports(p);
    const main: k8s.Container = {
      ...goldenContainer({ ...p, name: this.name, ports, size: s.size, mounts }, platform),
      env: wiring.containerEnv(envVars(p.env, wiring.compose)),
      // probes default to the main port in its protocol; startup follows readiness unless given
      ...(options.probes === false ? {} : containerProbes(p.probes, platform, { main: ports[0], ports })),
      // the sleep action is newer than the typed 1.27 objects; patchPreStop() swaps it in
      lifecycle: preStopLifecycle(s.preStop),
    };
    const extra = (c: ContainerProps): k8s.Container => goldenContainer({
      ...c, size: c.size ?? 'nano', mounts: [tmpMount(), ...(c.mounts ?? []).map((m) => ({ name: m.volume, mountPath: m.mountPath, readOnly: m.readOnly }))],
    }, platform);
    const sidecar = (c: ContainerProps): k8s.Container => ({
      ...extra(c),
      ...sidecarProbes(c.probes, c.ports, platform),
    });

    const spec = goldenPodSpec({
      serviceAccountName: this.name,
      controller,
      selector: selectorLabels(this.name),
      restartPolicy: options.restartPolicy,
      terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
      spread: options.spread,
      initContainers: [...(p.sidecars ?? []).filter((c) => c.native === true).map((c) => nativeSidecar(sidecar(c))), ...(p.initContainers ?? []).map(extra)],
      containers: [main, ...(p.sidecars ?? []).filter((c) => c.native !== true).map(sidecar)],
      volumes,
    }, platform);

    const template: k8s.PodTemplateSpec = {
      metadata: { labels: { ...this.labels(ctx, p), ...wiring.identity.podLabels }, annotations: podAnnotations },
      spec,
    };
    return { serviceAccount, configMap, template };
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
    const override = overrideOf(this.props, name);
    const env = new Map<string, string>([
      ...Object.keys(this.props.env ?? {}).map((k): [string, string] => [k, `env.${k}`]),
      ...Object.keys(override?.env ?? {}).map((k): [string, string] => [k, `overrides.${name}.env.${k}`]),
    ]);
    return deriveWiring(this, ctx, { env, serviceAccountAnnotations: this.props.serviceAccountAnnotations });
  }

  /** Renders the objects every Deployment-based workload has; subclasses add Service, routes, autoscalers. */
  protected renderWorkload(ctx: RenderContext, s: PodSettings<P>, ingress: k8s.NetworkPolicyIngressRule[], wiring: DerivedWiring = this.wiring(ctx), options: { externalAutoscaler?: boolean } = {}): WorkloadObjects {
    const meta = this.metadata(ctx, s.props);
    const selector = selectorLabels(this.name);
    const { serviceAccount, configMap, template } = this.renderPod(ctx, s, wiring, 'Deployment');
    const deployment = podController(ctx.scope, {
      kind: 'Deployment', metadata: meta, selector, template, replicas: options.externalAutoscaler ? undefined : s.replicas, ...rolloutOf(s.props),
    }) as k8s.KubeDeployment;
    patchPreStop(deployment, '/spec/template/spec', s.preStop);
    const podDisruptionBudget = goldenPodDisruptionBudget(ctx.scope, meta, selector);
    const horizontalPodAutoscaler = s.autoscale && !options.externalAutoscaler
      ? goldenHorizontalPodAutoscaler(ctx.scope, meta, { kind: 'Deployment', name: this.name }, s.autoscale)
      : undefined;
    const networkPolicy = this.renderNetworkPolicy(ctx, s.props, ingress, wiring);
    return { serviceAccount, configMap, deployment, podDisruptionBudget, horizontalPodAutoscaler, networkPolicy };
  }

  /**
   * The NetworkPolicy: DNS egress, egress to what the workload is wired to
   * and the props' `egress`; ingress from `ingress` and from the workloads
   * that connect to this one. Polaris asks for at least one ingress rule, so
   * a workload nobody calls admits only its own pods (on its ports).
   */
  protected renderNetworkPolicy(ctx: RenderContext, p: P, ingress: k8s.NetworkPolicyIngressRule[], wiring: DerivedWiring): k8s.KubeNetworkPolicy {
    const egress: k8s.NetworkPolicyEgressRule[] = [...wiring.egress, ...(p.egress ?? []).map((e) => ({
      to: [{ ipBlock: { cidr: e.cidr, except: e.except ? [...e.except] : undefined } }],
      ports: e.ports?.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })),
    }))];
    return goldenNetworkPolicy(ctx.scope, {
      metadata: this.metadata(ctx, p),
      name: this.name,
      ingress: [...ingress, ...wiring.ingress],
      ownPorts: this.ports(p).map((x) => ({ protocol: x.protocol ?? 'TCP', port: k8s.IntOrString.fromString(x.name) })),
      egress,
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
   * - `connect(webService)`: `<ID>_URL` (or `{ format: 'hostport' }`, `['host', 'port']`, see ConnectOptions) and the network path both ways.
   * - a Queue: use `sendTo(queue)`, or a QueueWorker to consume it.
   */
  public connect(target: AnyComponent, options: ConnectOptions = {}): this {
    const type = isResource(target) ? target.resourceType : undefined;
    const access: Access = type === 'bucket' ? options.access ?? 'readwrite' : type === 'queue' ? 'consume' : 'connect';
    addWire(this, target, access, 'connect', options);
    return this;
  }

  /** Lets this workload send messages to `queue`: its URL in the environment and the send permission. */
  public sendTo(queue: AnyComponent & { readonly resourceType: 'queue' }): this {
    addWire(this, queue, 'send', 'sendTo');
    return this;
  }
}

/** One environment's overrides: an own entry only (an environment named `constructor` is not Object's constructor). */
function overrideOf(props: AnyWorkloadProps | undefined, env: string): WorkloadOverrides | undefined {
  const overrides = props?.overrides;
  return isRecord(overrides) && Object.hasOwn(overrides, env) ? overrides[env] : undefined;
}
