import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import * as k8s from '../core/kube';
import { ProblemList, show } from '../core/errors';
import type { Platform } from '../core/platform';
import { isRecord } from '../core/rules';
import { checkPortName, PortProps } from '../pod/container';
import { AppProtocol, checkAppProtocol, defaultPortName, isAppProtocol } from '../pod/ports';

export { AppProtocol } from '../pod/ports';

/**
 * What a serving workload's ports speak: the main port's protocol and name,
 * each port's appProtocol, and the route kind that follows them (a
 * GRPCRoute for gRPC, an HTTPRoute or Ingress for HTTP, none for tcp/tls).
 */

/** The main port's application protocol and name. */
export interface ProtocolProps {
  /**
   * What the main port speaks: names it (unless `portName` does), sets the
   * Service port's `appProtocol`, makes the default probes HTTP GETs
   * (`http`, `https`, `h2c`, `ws`, `wss`), gRPC health checks (`grpc`) or
   * TCP connects (`tcp`, `tls`), and a route an HTTPRoute, or a GRPCRoute for `grpc`.
   * @default 'http'
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#application-protocol
   */
  readonly protocol?: AppProtocol;
  /**
   * The main port's name (an IANA service name), which probes, the Service's
   * targetPort and NetworkPolicy rules refer to.
   * @default - the protocol: 'http', 'grpc', …
   */
  readonly portName?: string;
}

/** The gRPC part of a route. */
export interface GrpcRouteMatchProps {
  /**
   * The gRPC services (fully qualified, e.g. `shop.v1.CartService`) a
   * GRPCRoute routes to the service; only for a `grpc` WebService.
   * @default - every service
   * @see https://gateway-api.sigs.k8s.io/reference/spec/#grpcmethodmatch
   */
  readonly grpcServices?: readonly string[];
}

/** The route kinds: Gateway API HTTPRoute or GRPCRoute, or a networking.k8s.io Ingress. */
export type RouteKind = 'httproute' | 'grpcroute' | 'ingress';

/** The main port of a serving workload: its number, name and protocol. */
export function mainPort(p: ProtocolProps & { readonly port?: number }): PortProps {
  const protocol = p.protocol ?? 'http';
  return { name: mainPortName(p), port: p.port ?? 8080, appProtocol: protocol };
}

export function mainPortName(p: ProtocolProps): string {
  return typeof p.portName === 'string' ? p.portName : defaultPortName(p.protocol);
}

/** The route kind a route renders as: its `kind`, else a GRPCRoute for a gRPC main port and an HTTPRoute otherwise. */
export function routeKind(route: { readonly kind?: RouteKind }, protocol: AppProtocol | undefined): RouteKind {
  return route.kind ?? (protocol === 'grpc' ? 'grpcroute' : 'httproute');
}

/** `protocol`, `portName` and each extra port's `appProtocol`. */
export function checkProtocolProps(problems: ProblemList, p: ProtocolProps & { readonly ports?: unknown }): void {
  if (p.protocol !== undefined) checkAppProtocol(problems, 'protocol', p.protocol);
  if (p.portName !== undefined) checkPortName(problems, 'portName', p.portName);
  if (!Array.isArray(p.ports)) return;
  p.ports.forEach((x: unknown, i) => {
    if (isRecord(x) && x.appProtocol !== undefined) checkAppProtocol(problems, `ports[${i}].appProtocol`, x.appProtocol, x.protocol ?? 'TCP');
  });
}

/** A route's kind against the main port's protocol: gRPC is routed by a GRPCRoute (or an HTTPRoute), never by path; tcp and tls are not routed. */
export function checkRouteKind(problems: ProblemList, prop: string, r: { readonly kind?: unknown; readonly path?: unknown } & GrpcRouteMatchProps, protocol: unknown, env?: string): void {
  if (r.kind !== undefined && r.kind !== 'httproute' && r.kind !== 'ingress' && r.kind !== 'grpcroute') {
    problems.add(`${prop}.kind`, `${show(r.kind)} is not a route kind`, "use 'httproute', 'grpcroute' or 'ingress'.", env);
    return;
  }
  const proto = isAppProtocol(protocol) ? protocol : 'http';
  const kind = routeKind(r as { kind?: RouteKind }, proto);
  if (proto === 'tcp' || proto === 'tls') {
    problems.add(prop, `is set, but the main port's protocol is ${show(proto)}: HTTPRoutes, GRPCRoutes and Ingresses route HTTP, not a ${proto.toUpperCase()} stream`,
      `leave 'route' out, or expose the port through a LoadBalancer Service (service: { type: 'LoadBalancer' }).`, env);
    return;
  }
  if (kind === 'grpcroute' && proto !== 'grpc') {
    problems.add(`${prop}.kind`, `is 'grpcroute', but the main port's protocol is ${show(proto)}`, "set protocol: 'grpc', or use 'httproute'.", env);
  }
  if (proto === 'grpc' && kind === 'ingress') {
    problems.add(`${prop}.kind`, "is 'ingress', but the main port speaks gRPC, which an Ingress does not route without controller-specific annotations",
      "leave 'kind' out (a gRPC service gets a GRPCRoute on the platform Gateway).", env);
  }
  if (kind === 'grpcroute' && r.path !== undefined) {
    problems.add(`${prop}.path`, `${show(r.path)} is set, but a GRPCRoute matches gRPC services, not URL paths`,
      "leave 'path' out, and name the services in 'grpcServices' (e.g. ['shop.v1.CartService']) to route only those.", env);
  }
  if (r.grpcServices !== undefined) checkGrpcServices(problems, `${prop}.grpcServices`, r.grpcServices, kind, env);
}

/** What the GRPCRoute CRD's CEL rule accepts as a gRPC service name. */
const GRPC_SERVICE = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i;

function checkGrpcServices(problems: ProblemList, prop: string, services: unknown, kind: RouteKind, env?: string): void {
  if (kind !== 'grpcroute') {
    problems.add(prop, `is set, but the route is ${kind === 'ingress' ? 'an Ingress' : 'an HTTPRoute'}, which matches paths, not gRPC services`, "leave it out, or route a gRPC service (protocol: 'grpc').", env);
    return;
  }
  if (!Array.isArray(services) || services.length === 0) {
    problems.add(prop, `${show(services)} is not a list of gRPC service names`, "pass e.g. ['shop.v1.CartService'], or leave it out to route every service.", env);
    return;
  }
  if (services.length > 64) {
    problems.add(prop, `lists ${services.length} services; a GRPCRoute rule matches at most 64`, 'list at most 64, or leave it out to route every service.', env);
    return;
  }
  const seen = new Set<string>();
  services.forEach((s: unknown, i) => {
    if (typeof s !== 'string' || s.length > 1024 || !GRPC_SERVICE.test(s)) {
      problems.add(`${prop}[${i}]`, `${show(s)} is not a gRPC service name (dot-separated identifiers of letters, digits and '_')`, "use the fully qualified name, e.g. 'shop.v1.CartService'.", env);
    } else if (seen.has(s)) {
      problems.add(`${prop}[${i}]`, `${show(s)} is listed twice`, 'list each service once.', env);
    }
    if (typeof s === 'string') seen.add(s);
  });
}

/** What a route attaches to and where it sends requests. */
export interface RouteTarget {
  readonly host: string;
  /** The Service (the workload's name) and its port. */
  readonly service: string;
  readonly servicePort: number;
  readonly grpcServices?: readonly string[];
}

/**
 * A Gateway API GRPCRoute on the platform Gateway's HTTPS listener, as an
 * HTTPRoute attaches: every gRPC request for the host (or only those for
 * `grpcServices`) to the workload's Service.
 */
export function grpcRoute(scope: Construct, meta: k8s.ObjectMeta, platform: Platform, t: RouteTarget): ApiObject {
  const backendRefs = [{ group: '', kind: 'Service', name: t.service, port: t.servicePort, weight: 1 }];
  return new ApiObject(scope, 'GRPCRoute', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: meta,
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: platform.gateway.name, namespace: platform.gateway.namespace, sectionName: platform.gateway.listener }],
      hostnames: [t.host],
      rules: [{
        matches: t.grpcServices?.length ? t.grpcServices.map((service) => ({ method: { type: 'Exact', service } })) : undefined,
        backendRefs,
      }],
    },
  });
}

