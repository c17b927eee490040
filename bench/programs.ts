/**
 * The two programs the benchmark compares, built in memory for N services.
 *
 * - libk8s: one App, one environment (prod), N WebServices, each with a
 *   route, autoscaling, a config file and a secret env var, so every
 *   golden-path object is emitted (ServiceAccount, ConfigMap, Deployment,
 *   PodDisruptionBudget, HorizontalPodAutoscaler, NetworkPolicy, Service,
 *   HTTPRoute: 8 objects per service).
 * - baseline: what a user would otherwise write with cdk8s-plus-27: one Chart
 *   per service with a Deployment, its Service (exposeViaService) and an HPA
 *   (3 objects per service), written with cdk8s `App.synth()`.
 */
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { App, Env, OutputLayout, Postgres, Queue, QueueWorker, WebService } from '../lib';

/** Variants of the libk8s program, for the layouts and the re-synth. */
export interface Libk8sVariant {
  /** @default - BENCH_LAYOUT, else 'object' */
  readonly layout?: OutputLayout;
  /** This service gets another image (a one-service change). @default - BENCH_BUMP, else none */
  readonly bump?: number;
}

/** Builds the libk8s program (construct only, nothing written). */
export function buildLibk8s(n: number, outdir: string, variant: Libk8sVariant = {}): App {
  const bump = variant.bump ?? (process.env.BENCH_BUMP ? Number(process.env.BENCH_BUMP) : undefined);
  const app = new App({
    name: 'bench',
    team: 'platform',
    outdir,
    // BENCH_LAYOUT=construct measures the one-file-per-construct layout
    outputLayout: variant.layout ?? (process.env.BENCH_LAYOUT as OutputLayout | undefined) ?? 'object',
    environments: { prod: { namespace: 'bench', domain: 'bench.example.com' } },
  });
  for (let i = 0; i < n; i++) {
    new WebService(app, `svc-${i}`, {
      image: `ghcr.io/acme/svc-${i}:${i === bump ? 2 : 1}.${i % 50}.0`,
      port: 8080,
      route: { subdomain: `svc-${i}`, path: '/' },
      autoscale: { min: 2, max: 10, cpuPercent: 70 },
      env: { LOG_LEVEL: 'info', DB_PASSWORD: Env.secret(`svc-${i}-db`, 'password') },
      config: { files: { 'app.yaml': `name: svc-${i}\nreplicasHint: ${i % 7}\n` } },
    });
  }
  // BENCH_PROGRAM=app-model wires them as a portfolio: every 10 services share a Postgres and send to a Queue
  // that a QueueWorker consumes (crossplane-aws: RDS, SQS + DLQ, an IAM role per workload, KEDA)
  if (process.env.BENCH_PROGRAM === 'app-model') wirePortfolio(app, n);
  return app;
}

/** Adds, per 10 services, a Postgres, a Queue and its QueueWorker, and wires each service to both. */
function wirePortfolio(app: App, n: number): void {
  const services = app.components.filter((c) => c instanceof WebService) as unknown as WebService[];
  for (let g = 0; g * 10 < n; g++) {
    const db = new Postgres(app, `db-${g}`);
    const queue = new Queue(app, `queue-${g}`);
    new QueueWorker(app, `worker-${g}`, { image: `ghcr.io/acme/worker-${g}:1.0.0`, queue, autoscale: { min: 0, max: 10 } }).connect(db);
    for (const svc of services.slice(g * 10, g * 10 + 10)) svc.connect(db).sendTo(queue);
  }
}

/** Builds the plain cdk8s-plus-27 program: one chart per service. */
export function buildBaseline(n: number, outdir: string): cdk8s.App {
  const app = new cdk8s.App({ outdir });
  for (let i = 0; i < n; i++) {
    const chart = new cdk8s.Chart(app, `svc-${i}`, { namespace: 'bench' });
    const deployment = new kplus.Deployment(chart, 'Deployment', {
      containers: [{
        image: `ghcr.io/acme/svc-${i}:1.${i % 50}.0`,
        portNumber: 8080,
        envVariables: { LOG_LEVEL: kplus.EnvValue.fromValue('info') },
      }],
    });
    deployment.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
    new kplus.HorizontalPodAutoscaler(chart, 'HPA', {
      target: deployment,
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
    });
  }
  return app;
}
