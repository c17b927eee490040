import { ApiObject } from 'cdk8s';
import * as k8s from '../core/kube';
// the published object types name cdk8s-plus-27's classes, as the other objects' types do (workloads/props.ts)
import type { k8s as plus } from 'cdk8s-plus-27';
import { PlacementProps, RenderContext, Scope } from '../core/component';
import { ProblemList, show } from '../core/errors';
import { Environment } from '../core/environment';
import { selectorLabels } from '../core/labels';
import { WiredValue, wiredValue } from '../core/wiring';
import { Served } from '../wiring/derive';
import { checkDnsSubdomain, checkList, checkPort, isRecord } from '../core/rules';
import { checkPortName, PortProps } from '../pod/container';
import { RolloutProps, ScalingProps, Workload, WorkloadObjects, WorkloadOverrides, WorkloadProps } from './workload';
import { checkIngressProps, IngressProps, peerContext, portsWithIngress, ServicePortProps, serviceSpec } from './ingress';
import { checkMetrics, MetricsOptions, metricsPort, resolveMetrics, serviceMonitor, withMonitoringIngress } from './monitoring';
import { declaredIngress } from '../pod/network-policy';
import { serviceAppProtocol } from '../pod/ports';
import { checkProtocolProps, checkRouteKind, GrpcRouteMatchProps, grpcRoute, mainPort, mainPortName, ProtocolProps, RouteKind, routeKind } from './protocols';

/** How a WebService is reached from outside the cluster. */
export interface RouteProps extends GrpcRouteMatchProps {
  /**
   * URL path prefix routed to the service (an HTTPRoute or Ingress; a GRPCRoute matches `grpcServices` instead).
   * @default '/'
   * @see https://gateway-api.sigs.k8s.io/reference/spec/#httppathmatch
   */
  readonly path?: string;
  /**
   * The full host name; takes precedence over `subdomain`.
   * @default - `subdomain.domain`, or the environment's domain
   */
  readonly host?: string;
  /**
   * A name under the environment's domain: `api` gives `api.shop.example.com`.
   * @default - the environment's domain itself
   */
  readonly subdomain?: string;
  /**
   * `httproute` or `grpcroute` (Gateway API, attached to the platform
   * Gateway's HTTPS listener) or `ingress` (networking.k8s.io Ingress with
   * cert-manager TLS). A GRPCRoute matches gRPC services, not paths.
   * @default - 'grpcroute' for a gRPC WebService (protocol: 'grpc'), else 'httproute'
   */
  readonly kind?: RouteKind;
}

/** What may differ per environment for a WebService. */
export interface WebServiceOverrides extends WorkloadOverrides {
  /** Merged over the construct's route; `false` removes the route. @default - the construct's value */
  readonly route?: RouteProps | false;
}

export interface WebServiceProps<E extends string = string> extends WorkloadProps, ScalingProps, RolloutProps, IngressProps, MetricsOptions, PlacementProps<E>, ProtocolProps {
  /**
   * The port the app listens on, named after its `protocol` (`http` by
   * default) unless `portName` names it.
   * @default 8080
   */
  readonly port?: number;
  /**
   * The Service port the main port is exposed on inside the cluster.
   * @default 80
   */
  readonly servicePort?: number;
  /** More ports, exposed on the Service under the same number, each with who may connect to it. @default - none */
  readonly ports?: readonly ServicePortProps[];
  /**
   * Route from outside the cluster; leave out for an internal service.
   * @default - none (internal: reachable only inside the app)
   */
  readonly route?: RouteProps;
  /** Values per environment name. @default - none */
  readonly overrides?: { readonly [K in E]?: WebServiceOverrides };
}

/** One environment's serving settings of a WebService. */
interface ServingSettings {
  readonly servicePort: number;
  readonly ports: readonly PortProps[];
  readonly route?: RouteProps;
}

/** The objects a WebService emits in one environment. */
export interface WebServiceObjects extends WorkloadObjects {
  service: plus.KubeService;
  httpRoute?: ApiObject;
  /** With a route of a gRPC WebService. @default - none without one */
  grpcRoute?: ApiObject;
  ingress?: plus.KubeIngress;
  /** With a metrics port (see `metrics`). @default - none without one */
  serviceMonitor?: ApiObject;
}

/**
 * A long-running HTTP service: Deployment, Service, route (Gateway API
 * HTTPRoute or Ingress) with TLS, HPA or fixed replicas, PodDisruptionBudget,
 * NetworkPolicy and ServiceAccount, all on the golden path.
 */
export class WebService<E extends string = string> extends Workload<WebServiceProps<E>, WebServiceObjects> {
  public readonly kind = 'WebService';

  /** Each environment's Service port, container ports and route, defaults resolved. */
  private readonly serving: ReadonlyMap<string, ServingSettings>;

  constructor(scope: Scope<E>, id: string, props: WebServiceProps<NoInfer<E>>) {
    super(scope, id, props);
    this.serving = new Map([...this.settings].map(([env, s]) => {
      const overridden = this.props?.overrides?.[env as E]?.route;
      // an override's route is merged over the construct's (as validate() checks it); `route: false` removes it
      const route = overridden === false ? undefined : overridden ? { ...this.props.route, ...overridden } : s.props.route;
      return [env, { servicePort: s.props.servicePort ?? 80, ports: this.ports(s.props), route }];
    }));
  }

  /** The Service host (`<name>.<namespace>.svc`), for `Env.compose` in a workload that connects to this one. */
  public get host(): WiredValue { return wiredValue(this, 'host'); }
  /** The Service port, for `Env.compose`. */
  public get port(): WiredValue { return wiredValue(this, 'port'); }
  /** `host:port` (what a gRPC client dials), for `Env.compose`. */
  public get hostport(): WiredValue { return wiredValue(this, 'hostport'); }
  /** `http://host:port`, for `Env.compose`. */
  public get url(): WiredValue { return wiredValue(this, 'url'); }

  /** What workloads that `connect()` to this one reach: the Service and the container ports. */
  public served(env: Environment): Served {
    const s = this.servingIn(env.name);
    return { serviceName: this.name, servicePort: s.servicePort, ports: s.ports.map((x) => ({ name: x.name, port: x.port, protocol: x.protocol, appProtocol: x.appProtocol })) };
  }

  private servingIn(env: string): ServingSettings {
    return this.serving.get(env) ?? { servicePort: this.props.servicePort ?? 80, ports: this.ports(this.props), route: this.props.route };
  }

  protected ports(p: WebServiceProps<E>): PortProps[] {
    return [mainPort(p), ...(Array.isArray(p.ports) ? p.ports : []), ...metricsPort(p)];
  }

  protected override validate(problems: ProblemList): void {
    super.validate(problems);
    const id = this.name;
    if (typeof id === 'string' && /^[0-9]/.test(id) && id.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(id)) {
      // the id names the Service, and a Service name is a DNS-1035 label
      problems.add('id', `${show(id)} starts with a digit, but it is the Service's name, which must start with a letter (DNS-1035 label)`,
        `use a name like ${show(`svc-${id}`.slice(0, 63).replace(/-+$/, ''))}.`);
    }
    const p = this.props;
    if (typeof p !== 'object' || p === null) return;
    if (p.port !== undefined) checkPort(problems, 'port', p.port);
    if (p.servicePort !== undefined) checkPort(problems, 'servicePort', p.servicePort);
    checkProtocolProps(problems, p);
    const main = mainPortName(p);
    const names = new Map<string, string>([[main, p.portName === undefined ? `'port' (the main port is named ${show(main)} after its protocol)` : `'portName'`]]);
    const numbers = new Map<number, string>([[p.port ?? 8080, p.port === undefined ? `'port' (8080 by default)` : `'port'`]]);
    const ports = checkList(problems, 'ports', p.ports, "[{ name: 'metrics', port: 9090 }]") ? p.ports ?? [] : [];
    for (const [i, x] of ports.entries()) {
      const prop = `ports[${i}]`;
      if (!isRecord(x)) {
        problems.add(prop, `${show(x)} is not a port`, "pass { name, port }, e.g. { name: 'metrics', port: 9090 }.");
        continue;
      }
      if (checkPortName(problems, `${prop}.name`, x.name)) {
        const other = names.get(x.name);
        if (other) problems.add(`${prop}.name`, `${show(x.name)} is already the name of ${other}`, 'give each port its own name.');
        names.set(x.name, `'${prop}'`);
      }
      if (checkPort(problems, `${prop}.port`, x.port)) {
        const other = numbers.get(x.port);
        if (other) problems.add(`${prop}.port`, `${x.port} is already used by ${other}`, 'give each port its own number.');
        numbers.set(x.port, `'${prop}'`);
      }
    }
    if (p.route) this.checkRoute(problems, 'route', p.route, undefined);
    checkIngressProps(problems, p, this.app.platform);
    checkMetrics(problems, p, this.ports(p), this.app.platform);
  }

  protected override checkOverride(problems: ProblemList, prefix: string, env: string, o: WebServiceOverrides): void {
    if (o.route) this.checkRoute(problems, `${prefix}.route`, { ...this.props.route, ...o.route }, env);
  }

  private checkRoute(problems: ProblemList, prop: string, r: RouteProps, only: string | undefined): void {
    if (r.path !== undefined && !r.path.startsWith('/')) problems.add(`${prop}.path`, `${show(r.path)} does not start with "/"`, `use ${show('/' + r.path)}.`);
    else if (r.path !== undefined) checkRoutePath(problems, `${prop}.path`, r.path);
    if (r.host !== undefined) checkDnsSubdomain(problems, `${prop}.host`, r.host);
    if (r.subdomain !== undefined) checkDnsSubdomain(problems, `${prop}.subdomain`, r.subdomain);
    checkRouteKind(problems, prop, r, this.props.protocol, only);
    if (r.host === undefined) {
      for (const env of this.app.environments) {
        if ((only !== undefined && env.name !== only) || !this.placedIn(env)) continue;
        if (only === undefined && this.props.overrides?.[env.name as E]?.route !== undefined) continue;
        if (!env.domain) {
          problems.add(`${prop}.host`, `is not set and environment '${env.name}' has no domain, so the route has no host name`,
            `set 'domain' on environment '${env.name}' or a 'host' on the route.`, env.name);
        }
      }
    }
  }

  protected render(ctx: RenderContext): WebServiceObjects {
    const settings = this.settingsFor(ctx.environment.name);
    const p = settings.props;
    const { servicePort, ports, route } = this.servingIn(ctx.environment.name);
    const platform = ctx.platform;

    const ingressPorts = ports.map((x) => ({ protocol: x.protocol ?? 'TCP', port: k8s.IntOrString.fromString(x.name) }));
    const ingress: k8s.NetworkPolicyIngressRule[] = [];
    if (route && route.kind === 'ingress') {
      ingress.push({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': platform.ingressControllerNamespace } } }], ports: [ingressPorts[0]] });
    } else if (route) {
      ingress.push({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': platform.gateway.namespace } } }], ports: [ingressPorts[0]] });
    }
    const metrics = resolveMetrics(p, ports, platform);
    ingress.push(...declaredIngress(withMonitoringIngress(portsWithIngress(p.ingress, ports, p.service), metrics), peerContext(platform, p.service)));
    const objects = this.renderWorkload(ctx, settings, ingress) as WebServiceObjects;
    const meta = this.metadata(ctx, p);
    if (metrics) objects.serviceMonitor = serviceMonitor(ctx.scope, meta, this.name, metrics, platform);

    const serviceAnnotations = { ...meta.annotations, ...p.service?.annotations };
    objects.service = new k8s.KubeService(ctx.scope, 'Service', {
      metadata: { ...meta, annotations: Object.keys(serviceAnnotations).length ? serviceAnnotations : undefined },
      spec: {
        ...serviceSpec(p.service),
        selector: selectorLabels(this.name),
        ports: ports.map((x, i) => ({
          name: x.name, protocol: x.protocol ?? 'TCP', appProtocol: serviceAppProtocol(x.appProtocol), port: i === 0 ? servicePort : x.port, targetPort: k8s.IntOrString.fromString(x.name),
        })),
      },
    });

    if (route) {
      const host = route.host ?? (route.subdomain ? `${route.subdomain}.${ctx.environment.domain}` : ctx.environment.domain!);
      const path = route.path ?? '/';
      if (route.kind === 'ingress') {
        objects.ingress = new k8s.KubeIngress(ctx.scope, 'Ingress', {
          metadata: { ...meta, annotations: { ...meta.annotations, 'cert-manager.io/cluster-issuer': platform.clusterIssuer } },
          spec: {
            ingressClassName: platform.ingressClassName,
            tls: [{ hosts: [host], secretName: `${this.name}-tls` }],
            rules: [{ host, http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: this.name, port: { number: servicePort } } } }] } }],
          },
        });
      } else if (routeKind(route, p.protocol) === 'grpcroute') {
        objects.grpcRoute = grpcRoute(ctx.scope, meta, platform, { host, service: this.name, servicePort, grpcServices: route.grpcServices });
      } else {
        objects.httpRoute = new ApiObject(ctx.scope, 'HTTPRoute', {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: meta,
          spec: {
            parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: platform.gateway.name, namespace: platform.gateway.namespace, sectionName: platform.gateway.listener }],
            hostnames: [host],
            rules: [{
              matches: [{ path: { type: 'PathPrefix', value: path } }],
              backendRefs: [{ group: '', kind: 'Service', name: this.name, port: servicePort, weight: 1 }],
            }],
          },
        });
      }
    }
    return objects;
  }
}

/**
 * What the Gateway API's HTTPRoute CRD (CEL rules on a PathPrefix match) and
 * the API server's Ingress validation (Prefix paths) reject in a path.
 */
function checkRoutePath(problems: ProblemList, prop: string, path: string): void {
  const bad = ['//', '/./', '/../', '%2f', '%2F', '#'].find((s) => path.includes(s)) ?? ['/..', '/.'].find((s) => path.endsWith(s));
  if (bad !== undefined) {
    problems.add(prop, `${show(path)} contains ${show(bad)}, which HTTPRoute and Ingress reject in a path`, 'use a normalized path like "/api/v1".');
  } else if (!/^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/.test(path)) {
    problems.add(prop, `${show(path)} has characters a URL path may not hold unescaped`, 'percent-encode them (e.g. a space as "%20") or leave them out.');
  }
}
