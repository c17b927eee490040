/**
 * The platform's settings for who reaches a workload from outside its app:
 * the monitoring stack that scrapes metrics ports, and which kinds of
 * Service may expose pods outside the cluster (PlatformProps.monitoring,
 * PlatformProps.exposure).
 */

/** The platform's Prometheus (Prometheus Operator) stack. */
export interface MonitoringProps {
  /**
   * The namespace Prometheus runs in: NetworkPolicies admit it on metrics
   * ports (and on ports whose `ingress` names `'monitoring'`).
   * @default 'monitoring'
   */
  readonly namespace?: string;
  /**
   * The labels of the Prometheus pods there. The default is the label the
   * Prometheus Operator puts on every Prometheus pod it runs (kube-prometheus-stack included).
   * @default { 'app.kubernetes.io/name': 'prometheus' }
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * Labels on every ServiceMonitor and PodMonitor, for the Prometheus
   * resource's `serviceMonitorSelector`/`podMonitorSelector` (kube-prometheus-stack
   * selects `release: <its release name>` unless told otherwise).
   * @default - none
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusSpec
   */
  readonly monitorLabels?: Readonly<Record<string, string>>;
}

/** PlatformProps.monitoring with every default resolved. */
export interface Monitoring {
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly monitorLabels: Readonly<Record<string, string>>;
}

/** Which Services may expose pods outside the cluster; each allowance is reported with every guardrails run. */
export interface ExposureProps {
  /**
   * Services of type LoadBalancer are allowed (the `service-type` rule lets
   * them pass). One open to every address still needs `publicLoadBalancers`.
   * @default false
   */
  readonly loadBalancers?: boolean;
  /**
   * Services of type NodePort are allowed (the `service-type` rule lets them pass).
   * @default false
   */
  readonly nodePorts?: boolean;
  /**
   * LoadBalancers open to every address (no `loadBalancerSourceRanges`, or
   * 0.0.0.0/0) are allowed: the `public-load-balancer` rule is off, with
   * that reason in every report. Implies `loadBalancers`.
   * @default false
   */
  readonly publicLoadBalancers?: boolean;
}

/** PlatformProps.exposure with every default resolved. */
export type Exposure = Required<ExposureProps>;

export function resolveMonitoring(props: MonitoringProps | false | undefined): Monitoring | undefined {
  if (props === false) return undefined;
  return {
    namespace: props?.namespace ?? 'monitoring',
    podLabels: props?.podLabels ?? { 'app.kubernetes.io/name': 'prometheus' },
    monitorLabels: props?.monitorLabels ?? {},
  };
}

export function resolveExposure(props: ExposureProps | undefined): Exposure {
  const publicLoadBalancers = props?.publicLoadBalancers ?? false;
  return { loadBalancers: (props?.loadBalancers ?? false) || publicLoadBalancers, nodePorts: props?.nodePorts ?? false, publicLoadBalancers };
}
