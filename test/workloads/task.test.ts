import { App, Env, Postgres, WebService } from 'libk8s';
import { Task, TaskProps } from '../../lib/workloads/task';
import { manifests, newApp, only, renderError } from '../support/apps';
import { describeFindings, runPolaris } from '../support/polaris';
import { checkPod, podsOf } from '../support/pss';
import { testRecipe } from '../support/recipes';
import { describeWithReference } from '../support/reference';
import { conformanceProblems } from '../support/schemas';

const IMAGE = 'ghcr.io/acme/shop-migrations:1.4.2';
const PATH = "Task 'migrate' (shop/migrate)";

/** The problem lines of a render that must fail, without the heading and the "  - " bullets. */
function problemLines(app: App): string[] {
  return renderError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

/** A Task 'migrate' in a fresh two-environment app. */
function migrate(props: Partial<TaskProps<'dev' | 'prod'>> = {}, app = newApp()): { app: App<'dev' | 'prod'>; task: Task<'dev' | 'prod'> } {
  const task = new Task(app, 'migrate', { image: IMAGE, ...props });
  return { app, task };
}

function job(app: App, env = 'prod'): Record<string, any> {
  return only(manifests(app, env), 'Job', 'migrate');
}

describe('a default Task', () => {
  test('renders a ServiceAccount, Job and NetworkPolicy, and nothing else', () => {
    const { app } = migrate();
    expect(manifests(app).map((m) => `${m.apiVersion} ${m.kind}/${m.metadata.name}`)).toEqual([
      'v1 ServiceAccount/migrate',
      'batch/v1 Job/migrate',
      'networking.k8s.io/v1 NetworkPolicy/migrate',
    ]);
  });

  test('renders the same manifests as its snapshot', () => {
    const { app } = migrate();
    expect(manifests(app)).toMatchSnapshot();
  });

  test('runs with 2 retries, a one-hour deadline, a day of TTL and a podFailurePolicy that does not count disruptions', () => {
    const { app } = migrate();
    const { template, ...spec } = job(app).spec;
    expect(spec).toEqual({
      backoffLimit: 2,
      activeDeadlineSeconds: 3600,
      ttlSecondsAfterFinished: 86400,
      podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
    });
    expect(template.metadata.labels['app.kubernetes.io/instance']).toBe('migrate');
  });

  test('the pod never restarts in place, is not spread, has no probes and no preStop pause', () => {
    const { app } = migrate();
    const spec = job(app).spec.template.spec;
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.topologySpreadConstraints).toBeUndefined();
    for (const field of ['startupProbe', 'readinessProbe', 'livenessProbe', 'lifecycle', 'ports']) expect(spec.containers[0][field]).toBeUndefined();
    expect(spec).toMatchObject({ serviceAccountName: 'migrate', automountServiceAccountToken: false, securityContext: { runAsNonRoot: true } });
  });

  test('sets no Job selector: Kubernetes generates it', () => {
    expect(job(migrate().app).spec.selector).toBeUndefined();
  });
});

describe('Task props and overrides', () => {
  test('backoffLimit, activeDeadlineSeconds and ttlSecondsAfterFinished set the Job', () => {
    const { app } = migrate({ backoffLimit: 0, activeDeadlineSeconds: 300, ttlSecondsAfterFinished: 0 });
    expect(job(app).spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 300, ttlSecondsAfterFinished: 0 });
  });

  test('image, size and env differ per environment', () => {
    const { app } = migrate({ env: { MODE: 'apply' }, overrides: { dev: { image: 'ghcr.io/acme/shop-migrations:1.5.0', env: { MODE: 'dry-run' }, size: 'nano' } } });
    const dev = job(app, 'dev').spec.template.spec.containers[0];
    const prod = job(app, 'prod').spec.template.spec.containers[0];
    expect([dev.image, dev.env]).toEqual(['ghcr.io/acme/shop-migrations:1.5.0', [{ name: 'MODE', value: 'dry-run' }]]);
    expect([prod.image, prod.env]).toEqual([IMAGE, [{ name: 'MODE', value: 'apply' }]]);
    expect(dev.resources).not.toEqual(prod.resources);
  });

  test('connect(postgres) gives the connection variables, the egress and the identity', () => {
    const app = newApp({ platform: { recipes: [testRecipe()], environmentRecipes: { '*': 'test-cloud' } } });
    const db = new Postgres(app, 'db', {});
    migrate({}, app).task.connect(db);
    const own = manifests(app).filter((m) => m.metadata.name === 'migrate');
    expect(only(own, 'Job').spec.template.spec.containers[0].env).toContainEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-connection', key: 'password' } } });
    expect(only(own, 'NetworkPolicy').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 5432 }] });
  });

  test('connect(webService) gives the URL variable and egress to it', () => {
    const app = newApp();
    const api = new WebService(app, 'api', { image: 'ghcr.io/acme/api:2.0.0' });
    migrate({}, app).task.connect(api);
    const own = manifests(app).filter((m) => m.metadata.name === 'migrate');
    expect(only(own, 'Job').spec.template.spec.containers[0].env).toEqual([{ name: 'API_URL', value: 'http://api.shop.svc:80' }]);
    expect(only(own, 'NetworkPolicy').spec.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'api' } } }], ports: [{ protocol: 'TCP', port: 8080 }],
    });
  });
});

describe('Task validation', () => {
  test.each<[string, Partial<TaskProps>, string]>([
    ['a negative TTL', { ttlSecondsAfterFinished: -1 },
      "'ttlSecondsAfterFinished' -1 is not a whole number in the range 0-2147483647. Fix: use the seconds a finished Job is kept, e.g. 86400 (a day); 0 deletes it at once, with its logs."],
    ['a negative backoffLimit', { backoffLimit: -2 }, "'backoffLimit' -2 is not a whole number in the range 0-100."],
    ['a fractional deadline', { activeDeadlineSeconds: 1.5 }, "'activeDeadlineSeconds' 1.5 is not a whole number in the range 1-∞."],
  ])('%s fails', (_name, props, sentence) => {
    const lines = problemLines(migrate(props).app);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${PATH}: ${sentence}`);
  });

  test('probes are refused with one problem', () => {
    // @ts-expect-error a Task takes no probes
    const { app } = migrate({ probes: { startup: { type: 'grpc', port: 9000 } } });
    expect(problemLines(app)).toEqual([
      `${PATH}: 'probes' is set, but a Task's pod runs to completion and serves nothing: no Service waits for it to be ready, and a failing liveness probe would only kill the run. `
      + "Fix: remove it; 'activeDeadlineSeconds' stops a run that hangs.",
    ]);
  });

  test('a grace period shorter than the platform preStop pause is fine: a Task has none', () => {
    const { app } = migrate({ terminationGracePeriodSeconds: 1, env: { DB_PASSWORD: Env.secret('db', 'password') } });
    expect(job(app).spec.template.spec.terminationGracePeriodSeconds).toBe(1);
  });
});

describeWithReference('Task against the reference (Kubernetes 1.27 and 1.33, PSS restricted, Polaris) and the guardrails', () => {
  const make = () => migrate({ config: { files: { 'plan.sql': 'select 1;' } }, sidecars: [{ name: 'proxy', image: 'ghcr.io/acme/proxy:2.0.0' }] }, newApp({ platform: { priorityClassName: 'batch-low' } })).app;

  test('every object validates against the Kubernetes 1.27 and 1.33 schemas', () => {
    for (const app of [migrate().app, make()]) for (const env of ['dev', 'prod']) expect(conformanceProblems(manifests(app, env))).toEqual([]);
  });

  test('the pod violates no Pod Security Standard (restricted)', () => {
    const pods = podsOf(manifests(make()));
    expect(pods.map((p) => p.owner)).toEqual(['Job/migrate']);
    expect(checkPod(pods[0].pod)).toEqual([]);
  });

  test('Polaris finds nothing (with a PriorityClass named; without one, only priorityClassNotSet)', () => {
    expect(describeFindings(runPolaris(manifests(make())))).toEqual([]);
    expect(describeFindings(runPolaris(manifests(migrate().app)))).toEqual(['priorityClassNotSet Job/migrate']);
  });

  test('the built-in guardrails find nothing', () => {
    for (const app of [migrate().app, make()]) {
      expect(app.check(app.render()).flatMap((r) => r.findings).map((f) => `${f.rule} ${f.object.kind}/${f.object.name}: ${f.message}`)).toEqual([]);
    }
  });
});
