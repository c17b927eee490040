import { App, Env, Libk8sError, Postgres, Queue, WebService } from 'libk8s';
import { CronSchedule, CronTask, CronTaskProps } from '../../lib/workloads/cron-task';
import { manifests, newApp, only, renderError } from '../support/apps';
import { describeFindings, runPolaris } from '../support/polaris';
import { checkPod, podsOf } from '../support/pss';
import { testRecipe } from '../support/recipes';
import { describeWithReference } from '../support/reference';
import { conformanceProblems } from '../support/schemas';

const IMAGE = 'ghcr.io/acme/reports:1.4.2';
const PATH = "CronTask 'nightly-report' (shop/nightly-report)";

/** The problem lines of a render that must fail, without the heading and the "  - " bullets. */
function problemLines(app: App): string[] {
  return renderError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

/** A CronTask 'nightly-report' in a fresh two-environment app. */
function nightly(props: Partial<CronTaskProps<'dev' | 'prod'>> = {}, app = newApp()): { app: App<'dev' | 'prod'>; task: CronTask<'dev' | 'prod'> } {
  const task = new CronTask(app, 'nightly-report', { image: IMAGE, schedule: '0 3 * * *', ...props });
  return { app, task };
}

/** The CronJob of 'nightly-report' in an environment. */
function cronJob(app: App, env = 'prod'): Record<string, any> {
  return only(manifests(app, env), 'CronJob', 'nightly-report');
}

/** The pod spec of the CronJob's runs. */
function podSpec(app: App, env = 'prod'): Record<string, any> {
  return cronJob(app, env).spec.jobTemplate.spec.template.spec;
}

/** A schedule the type would refuse, for the render-time checks. */
const untyped = (s: string) => s as CronSchedule;

describe('a default CronTask', () => {
  test('renders a ServiceAccount, CronJob and NetworkPolicy, and nothing else (no Deployment, Service, PodDisruptionBudget or autoscaler)', () => {
    const { app } = nightly();
    expect(manifests(app).map((m) => `${m.apiVersion} ${m.kind}/${m.metadata.name}`)).toEqual([
      'v1 ServiceAccount/nightly-report',
      'batch/v1 CronJob/nightly-report',
      'networking.k8s.io/v1 NetworkPolicy/nightly-report',
    ]);
  });

  test('renders the same manifests as its snapshot', () => {
    const { app } = nightly({ timeZone: 'Europe/Amsterdam' });
    expect(manifests(app)).toMatchSnapshot();
  });

  test('schedules with concurrencyPolicy Forbid, a 300 s starting deadline, 3 + 3 Jobs of history, not suspended, in the controller time zone', () => {
    const { app } = nightly();
    const { jobTemplate, ...spec } = cronJob(app).spec;
    expect(spec).toEqual({
      schedule: '0 3 * * *',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      suspend: false,
    });
    expect(jobTemplate).toBeDefined();
  });

  test('runs each Job with 2 retries, a one-hour deadline, and a podFailurePolicy that does not count disruptions; no TTL (the history limits clean up)', () => {
    const { app } = nightly();
    const { template, ...job } = cronJob(app).spec.jobTemplate.spec;
    expect(job).toEqual({
      backoffLimit: 2,
      activeDeadlineSeconds: 3600,
      podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
    });
    expect(template.spec.containers).toHaveLength(1);
  });

  test('labels the CronJob, the Job template and the pod template alike, and every other object', () => {
    const { app } = nightly();
    const expected = {
      'app.kubernetes.io/name': 'nightly-report',
      'app.kubernetes.io/instance': 'nightly-report',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'libk8s',
      'app.kubernetes.io/version': '1.4.2',
      'libk8s.io/team': 'commerce',
    };
    const list = manifests(app);
    for (const m of list) expect(m.metadata.labels).toEqual(expected);
    const cj = only(list, 'CronJob');
    expect(cj.spec.jobTemplate.metadata.labels).toEqual(expected);
    expect(cj.spec.jobTemplate.spec.template.metadata.labels).toEqual(expected);
  });

  test('the pod never restarts in place, is not spread, has no probes, no preStop pause and no ports', () => {
    const { app } = nightly();
    const spec = podSpec(app);
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.topologySpreadConstraints).toBeUndefined();
    const [main] = spec.containers;
    for (const field of ['startupProbe', 'readinessProbe', 'livenessProbe', 'lifecycle', 'ports']) expect(main[field]).toBeUndefined();
    expect(spec.terminationGracePeriodSeconds).toBe(30);
  });

  test('the pod is otherwise on the golden path: own ServiceAccount without a token, restricted security context, requests and limits, /tmp', () => {
    const { app } = nightly();
    const spec = podSpec(app);
    expect(spec).toMatchObject({
      serviceAccountName: 'nightly-report',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
    });
    expect(spec.containers[0]).toMatchObject({
      name: 'nightly-report',
      image: IMAGE,
      imagePullPolicy: 'Always',
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      resources: { requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    });
    expect(only(manifests(app), 'ServiceAccount').automountServiceAccountToken).toBe(false);
  });

  test('the NetworkPolicy lets out DNS only and lets in only its own pods (it serves nothing)', () => {
    const { app } = nightly();
    expect(only(manifests(app), 'NetworkPolicy').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'nightly-report' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'nightly-report' } } }] }],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    });
  });

  test('puts every object in the environment namespace', () => {
    const { app } = nightly();
    expect(new Set(manifests(app, 'prod').map((m) => m.metadata.namespace))).toEqual(new Set(['shop']));
    expect(new Set(manifests(app, 'dev').map((m) => m.metadata.namespace))).toEqual(new Set(['shop-dev']));
  });
});

describe('CronTask props', () => {
  test('timeZone is the CronJob time zone', () => {
    const { app } = nightly({ timeZone: 'Europe/Amsterdam' });
    expect(cronJob(app).spec.timeZone).toBe('Europe/Amsterdam');
  });

  test.each(['UTC', 'Etc/UTC', 'America/New_York', 'Asia/Kolkata', 'Etc/GMT+5'])('timeZone %s is accepted', (timeZone) => {
    const { app } = nightly({ timeZone });
    expect(cronJob(app).spec.timeZone).toBe(timeZone);
  });

  test('concurrencyPolicy, startingDeadlineSeconds, the history limits and suspend are passed through', () => {
    const { app } = nightly({ concurrencyPolicy: 'Replace', startingDeadlineSeconds: 10, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 10, suspend: true });
    expect(cronJob(app).spec).toMatchObject({
      concurrencyPolicy: 'Replace', startingDeadlineSeconds: 10, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 10, suspend: true,
    });
  });

  test("concurrencyPolicy 'Allow' is passed through", () => {
    const { app } = nightly({ concurrencyPolicy: 'Allow', schedule: '* * * * *', activeDeadlineSeconds: 7200 });
    expect(cronJob(app).spec.concurrencyPolicy).toBe('Allow');
  });

  test('backoffLimit and activeDeadlineSeconds set the Job template', () => {
    const { app } = nightly({ backoffLimit: 0, activeDeadlineSeconds: 600 });
    expect(cronJob(app).spec.jobTemplate.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 600 });
  });

  test.each<[CronSchedule]>([
    ['*/15 * * * *'], ['0 9-17/2 * * MON-FRI'], ['0 0 1,15 * *'], ['30 4 * jan,Jul sun'], ['5/10 * * * *'], ['0 0 ? * 1'],
    ['0 0 29 2 *'], ['0 0 31 1-3 *'], ['0 0 30 2 1'], ['0 0 31 */2 *'], ['  0   3 * * *  '],
    ['@yearly'], ['@annually'], ['@monthly'], ['@weekly'], ['@daily'], ['@midnight'], ['@hourly'],
  ])('schedule %j is accepted and written without surrounding spaces', (schedule) => {
    const { app } = nightly({ schedule });
    expect(cronJob(app).spec.schedule).toBe(schedule.trim());
  });

  test('command, args, env, size and terminationGracePeriodSeconds shape the main container (a grace period below the preStop pause is fine: there is none)', () => {
    const { app } = nightly({
      command: ['/app/report'], args: ['--since', '24h'], env: { REPORT_BUCKET: 'reports', DB_PASSWORD: Env.secret('reports-db', 'password') },
      size: 'medium', terminationGracePeriodSeconds: 2,
    });
    const spec = podSpec(app);
    expect(spec.terminationGracePeriodSeconds).toBe(2);
    expect(spec.containers[0]).toMatchObject({
      command: ['/app/report'], args: ['--since', '24h'],
      env: [{ name: 'REPORT_BUCKET', value: 'reports' }, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'reports-db', key: 'password' } } }],
    });
    expect(spec.containers[0].resources.requests.cpu).not.toBe('100m');
  });

  test('config files become a ConfigMap mounted read-only, with their hash on the pod template', () => {
    const { app } = nightly({ config: { files: { 'report.yaml': 'format: csv\n' } } });
    const list = manifests(app);
    expect(only(list, 'ConfigMap').metadata.name).toBe('nightly-report-config');
    const template = only(list, 'CronJob').spec.jobTemplate.spec.template;
    expect(template.metadata.annotations['libk8s.io/config-hash']).toMatch(/^[0-9a-f]{16}$/);
    expect(template.spec.containers[0].volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/nightly-report', readOnly: true });
  });

  test('volumes, sidecars and init containers are added to the pod', () => {
    const { app } = nightly({
      volumes: [{ name: 'scratch', mountPath: '/scratch', source: { type: 'emptyDir', sizeLimit: '1Gi' } }],
      initContainers: [{ name: 'wait-db', image: 'ghcr.io/acme/wait:1.0.0' }],
      sidecars: [{ name: 'proxy', image: 'ghcr.io/acme/proxy:2.0.0', ports: [{ name: 'proxy', port: 5432 }] }],
    });
    const spec = podSpec(app);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['nightly-report', 'proxy']);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['wait-db']);
    expect(spec.volumes.map((v: any) => v.name)).toEqual(['tmp', 'scratch']);
  });

  test('labels and annotations go on every object, the Job template included; podAnnotations on the pod only', () => {
    const { app } = nightly({ labels: { 'acme.io/cost-center': 'reports' }, annotations: { 'acme.io/owner': 'data' }, podAnnotations: { 'acme.io/scrape': 'false' } });
    const cj = cronJob(app);
    expect(cj.metadata.annotations).toEqual({ 'acme.io/owner': 'data' });
    expect(cj.spec.jobTemplate.metadata).toMatchObject({ labels: { 'acme.io/cost-center': 'reports' }, annotations: { 'acme.io/owner': 'data' } });
    expect(cj.spec.jobTemplate.spec.template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/default-container': 'nightly-report', 'acme.io/scrape': 'false' });
  });

  test('the platform priority class is set on the pod', () => {
    const { app } = nightly({}, newApp({ platform: { priorityClassName: 'batch-low' } }));
    expect(podSpec(app).priorityClassName).toBe('batch-low');
  });
});

describe('CronTask overrides per environment', () => {
  test('schedule, suspend, image, size and env differ per environment; the rest is shared', () => {
    const { app } = nightly({
      env: { MODE: 'full', LOG: 'info' },
      overrides: {
        dev: { schedule: '@hourly', suspend: true, image: 'ghcr.io/acme/reports:1.5.0-rc.1', size: 'nano', env: { MODE: 'sample' } },
      },
    });
    const dev = cronJob(app, 'dev');
    const prod = cronJob(app, 'prod');
    expect([dev.spec.schedule, dev.spec.suspend]).toEqual(['@hourly', true]);
    expect([prod.spec.schedule, prod.spec.suspend]).toEqual(['0 3 * * *', false]);
    const devMain = dev.spec.jobTemplate.spec.template.spec.containers[0];
    const prodMain = prod.spec.jobTemplate.spec.template.spec.containers[0];
    expect(devMain.image).toBe('ghcr.io/acme/reports:1.5.0-rc.1');
    expect(prodMain.image).toBe(IMAGE);
    expect(devMain.env).toEqual([{ name: 'MODE', value: 'sample' }, { name: 'LOG', value: 'info' }]);
    expect(prodMain.env).toEqual([{ name: 'MODE', value: 'full' }, { name: 'LOG', value: 'info' }]);
    expect(devMain.resources).not.toEqual(prodMain.resources);
    expect(dev.metadata.labels['app.kubernetes.io/version']).toBe('1.5.0-rc.1');
  });

  test('resources overrides are merged over the construct resources', () => {
    const { app } = nightly({ resources: { memory: '300Mi', memoryLimit: '600Mi' }, overrides: { prod: { resources: { memoryLimit: '1Gi' } } } });
    expect(podSpec(app, 'prod').containers[0].resources).toMatchObject({ requests: { memory: '300Mi' }, limits: { memory: '1Gi' } });
    expect(podSpec(app, 'dev').containers[0].resources).toMatchObject({ requests: { memory: '300Mi' }, limits: { memory: '600Mi' } });
  });

  test('overrides for an environment the app does not have are a compile error and a render error', () => {
    const app = newApp();
    // @ts-expect-error 'staging' is not one of the app's environments ('dev' | 'prod')
    new CronTask(app, 'nightly-report', { image: IMAGE, schedule: '0 3 * * *', overrides: { staging: { suspend: true } } });
    expect(problemLines(app)).toEqual([
      `${PATH}: 'overrides.staging' names environment "staging", which the app does not have. Fix: use one of the app's environments: dev, prod.`,
    ]);
  });

  test('a bad schedule or suspend in an override is reported for that environment', () => {
    const { app } = nightly({ overrides: { prod: { schedule: '0 24 * * *', suspend: 'no' as unknown as boolean } } });
    expect(problemLines(app)).toEqual([
      `${PATH} [environment 'prod']: 'overrides.prod.schedule' "0 24 * * *" has hour 24, out of range 0-23. Fix: use an hour from 0 to 23.`,
      `${PATH} [environment 'prod']: 'overrides.prod.suspend' "no" is not true or false. Fix: use true or false.`,
    ]);
  });
});

describe('CronTask wiring', () => {
  test('connect(webService) gives the URL variable and egress to it, and the web service lets the task in', () => {
    const app = newApp();
    const api = new WebService(app, 'api', { image: 'ghcr.io/acme/api:2.0.0', port: 3000 });
    const { task } = nightly({}, app);
    expect(task.connect(api)).toBe(task);
    const list = manifests(app);
    const own = list.filter((m) => m.metadata.name === 'nightly-report');
    expect(only(own, 'CronJob').spec.jobTemplate.spec.template.spec.containers[0].env).toEqual([{ name: 'API_URL', value: 'http://api.shop.svc:80' }]);
    expect(only(own, 'NetworkPolicy').spec.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'api' } } }], ports: [{ protocol: 'TCP', port: 3000 }],
    });
    expect(only(list, 'NetworkPolicy', 'api').spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'nightly-report' } } }],
      ports: [{ protocol: 'TCP', port: 'http' }],
    }]);
  });

  test('connect(postgres) and sendTo(queue) give the connection Secret variables, the egress and the identity', () => {
    const app = newApp({ platform: { recipes: [testRecipe()], environmentRecipes: { '*': 'test-cloud' } } });
    const db = new Postgres(app, 'db', {});
    const outbox = new Queue(app, 'outbox', {});
    const { task } = nightly({}, app);
    task.connect(db).sendTo(outbox);
    const own = manifests(app).filter((m) => m.metadata.name === 'nightly-report');
    const cj = only(own, 'CronJob');
    const names = cj.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(names).toEqual(expect.arrayContaining(['DB_HOST', 'DB_PASSWORD', 'OUTBOX_URL']));
    expect(cj.spec.jobTemplate.spec.template.spec.containers[0].env).toContainEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-connection', key: 'password' } } });
    expect(only(own, 'NetworkPolicy').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 5432 }] });
    expect(only(own, 'ServiceAccount').metadata.annotations).toEqual({ 'test.libk8s.io/role': 'nightly-report' });
    expect(cj.spec.jobTemplate.spec.template.metadata.labels['test.libk8s.io/identity']).toBe('true');
    expect(only(own, 'TestRole').spec.grants).toEqual(['connect:arn:test:postgres:db', 'send:arn:test:queue:outbox']);
  });

  test('nothing can connect to a CronTask: it serves no port', () => {
    const app = newApp();
    const { task } = nightly({}, app);
    new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' }).connect(task);
    expect(renderError(app)).toMatch(/WebService 'web' \(shop\/web\): 'connect\(nightly-report\)' connects to CronTask 'nightly-report' \(at test\/workloads\/cron-task\.test\.ts:\d+\), which serves no port to connect to\./);
  });
});

describe('CronTask validation: the schedule', () => {
  test.each<[string, string]>([
    ['0 25 * * *', '"0 25 * * *" has hour 25, out of range 0-23. Fix: use an hour from 0 to 23.'],
    ['60 3 * * *', '"60 3 * * *" has minute 60, out of range 0-59. Fix: use a minute from 0 to 59.'],
    ['0 3 0 * *', '"0 3 0 * *" has day-of-month 0, out of range 1-31. Fix: use a day-of-month from 1 to 31.'],
    ['0 3 * 13 *', '"0 3 * 13 *" has month 13, out of range 1-12. Fix: use a month from 1 to 12.'],
    ['0 3 * * 7', '"0 3 * * 7" has day-of-week 7, out of range 0-6. Fix: use 0 (or SUN) for Sunday: Kubernetes takes day-of-week 0-6, and 7 is an error there.'],
    ['0 3 * * 1-7', '"0 3 * * 1-7" has day-of-week 7, out of range 0-6.'],
    ['0 22-2 * * *', '"0 22-2 * * *" has hour range "22-2", whose start is after its end. Fix: split it in two: "22-23,0-2".'],
    ['*/0 * * * *', '"*/0 * * * *" has minute "*/0", with a step of 0. Fix: use a step of at least 1, e.g. "*/5".'],
    ['*/x * * * *', '"*/x * * * *" has minute "*/x", whose step "x" is not a whole number.'],
    ['0 3 * * MONDAY', '"0 3 * * MONDAY" has day-of-week "MONDAY", which is not a number or a name (SUN-SAT). Fix: use a day-of-week from 0 to 6, or a name.'],
    ['0 3 * DECEMBER *', '"0 3 * DECEMBER *" has month "DECEMBER", which is not a number or a name (JAN-DEC).'],
    ['0 noon * * *', '"0 noon * * *" has hour "noon", which is not a number. Fix: use an hour from 0 to 23.'],
    ['0 3 L * *', '"0 3 L * *" has day-of-month "L": "L", "W" and "#" are Quartz extensions Kubernetes\' cron parser does not have.'],
    ['0 3 * * 5#2', '"0 3 * * 5#2" has day-of-week "5#2": "L", "W" and "#" are Quartz extensions'],
    ['0 3,,4 * * *', '"0 3,,4 * * *" has an empty item in the hour list "3,,4". Fix: remove the extra ",".'],
    ['0 1-2-3 * * *', '"0 1-2-3 * * *" has hour "1-2-3", with more than one "-".'],
    ['? 3 * * *', '"? 3 * * *" has "?" as the minute; it is allowed only in day-of-month and day-of-week. Fix: use "*".'],
    ['0 0 3 * * *', '"0 0 3 * * *" has 6 fields; Kubernetes takes 5 (minute hour day-of-month month day-of-week), with no seconds. Fix: drop the seconds field: "0 3 * * *".'],
    ['0 3 * *', '"0 3 * *" has 4 fields; Kubernetes takes 5 (minute hour day-of-month month day-of-week). Fix: give all five, e.g. "0 3 * * *" (03:00 every day).'],
    ['every day', '"every day" has 2 fields;'],
    ['0 0 12 ? * MON *', '"0 0 12 ? * MON *" has 7 fields;'],
    ['@every 1h', '"@every 1h" is not a schedule Kubernetes documents for a CronJob (only @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly and cron expressions). Fix: write it as a cron expression, e.g. "0 * * * *".'],
    ['@every 15m', '"@every 15m" is not a schedule Kubernetes documents for a CronJob'],
    ['@every 90m', '"@every 90m" is not a schedule Kubernetes documents for a CronJob (only @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly and cron expressions). Fix: write it as a cron expression, e.g. "*/15 * * * *" for every 15 minutes or "0 */2 * * *" for every 2 hours.'],
    ['@Daily', '"@Daily" is not a macro Kubernetes knows: macros are lowercase. Fix: use "@daily".'],
    ['@fortnightly', '"@fortnightly" is not a macro Kubernetes knows. Fix: use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, or a cron expression such as "0 3 * * *" (03:00 every day).'],
    ['CRON_TZ=Europe/Amsterdam 0 3 * * *', '"CRON_TZ=Europe/Amsterdam 0 3 * * *" sets a time zone inside the schedule, which Kubernetes rejects. Fix: use timeZone: "Europe/Amsterdam" and schedule: "0 3 * * *".'],
    ['TZ=UTC 0 3 * * *', '"TZ=UTC 0 3 * * *" sets a time zone inside the schedule, which Kubernetes rejects. Fix: use timeZone: "UTC" and schedule: "0 3 * * *".'],
    ['0 0 30 2 *', '"0 0 30 2 *" never runs: no month it names (FEB) has day 30. Fix: pick a day-of-month that one of the months has (February has 29 days only in leap years).'],
    ['0 0 31 4,jun *', '"0 0 31 4,jun *" never runs: no month it names (APR, JUN) has day 31.'],
    ['', '"" is empty.'],
  ])('schedule %j fails', (schedule, sentence) => {
    const { app } = nightly({ schedule: untyped(schedule) });
    const lines = problemLines(app);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${PATH}: 'schedule' ${sentence}`);
  });

  test('a simple @every interval gets the cron expression that means it as its fix', () => {
    expect(renderError(nightly({ schedule: untyped('@every 15m') }).app)).toContain('Fix: write it as a cron expression, e.g. "*/15 * * * *".');
    expect(renderError(nightly({ schedule: untyped('@every 6h') }).app)).toContain('Fix: write it as a cron expression, e.g. "0 */6 * * *".');
  });

  test('the example of the design: an hour out of range names the field and the value', () => {
    const { app } = nightly({ schedule: '0 25 * * *' });
    expect(problemLines(app)).toEqual([`${PATH}: 'schedule' "0 25 * * *" has hour 25, out of range 0-23. Fix: use an hour from 0 to 23.`]);
  });

  test('every bad field of one schedule is reported', () => {
    const { app } = nightly({ schedule: '61 24 32 0 8' });
    expect(problemLines(app).map((l) => l.replace(/^.*?: 'schedule' "61 24 32 0 8" has /, '').replace(/, out.*$/, ''))).toEqual([
      'minute 61', 'hour 24', 'day-of-month 32', 'month 0', 'day-of-week 8',
    ]);
  });

  test('a missing schedule fails (and is a compile error)', () => {
    const app = newApp();
    // @ts-expect-error 'schedule' is required
    new CronTask(app, 'nightly-report', { image: IMAGE });
    expect(problemLines(app)).toEqual([
      `${PATH}: 'schedule' is not set. Fix: give a cron expression such as "0 3 * * *" (03:00 every day), or a macro such as "@hourly".`,
    ]);
  });

  test('the schedule type refuses a misspelt macro or missing fields at compile time', () => {
    const app = newApp();
    // @ts-expect-error '@every 1h' is neither a macro nor five fields
    new CronTask(app, 'a', { image: IMAGE, schedule: '@every 1h' });
    // @ts-expect-error four fields
    new CronTask(app, 'b', { image: IMAGE, schedule: '0 3 * *' });
    expect(problemLines(app)).toHaveLength(2);
  });
});

describe('CronTask validation: other props', () => {
  test.each<[string, Partial<CronTaskProps>, string]>([
    ['an unknown time zone', { timeZone: 'Europe/Amsterdm' },
      `'timeZone' "Europe/Amsterdm" is not an IANA time zone name. Fix: use a tz database name such as "Europe/Amsterdam" or "America/New_York", or leave it out for the time zone of the controller.`],
    ['a time zone in the wrong case', { timeZone: 'europe/amsterdam' },
      `'timeZone' "europe/amsterdam" is not spelt as the tz database spells it; Kubernetes reads zone names case-sensitively. Fix: use "Europe/Amsterdam".`],
    ['a link in the wrong case', { timeZone: 'asia/kolkata' }, `'timeZone' "asia/kolkata" is not spelt as the tz database spells it; Kubernetes reads zone names case-sensitively. Fix: use "Asia/Kolkata".`],
    ['"Local"', { timeZone: 'Local' }, `'timeZone' "Local" is not an explicit time zone, which Kubernetes requires.`],
    ['an empty time zone', { timeZone: '' }, `'timeZone' "" is not a time zone name.`],
    ['an offset', { timeZone: '+01:00' }, `'timeZone' "+01:00" is not an IANA time zone name.`],
    ['an unknown concurrency policy', { concurrencyPolicy: 'Sometimes' as any },
      `'concurrencyPolicy' "Sometimes" is not a concurrency policy. Fix: use 'Forbid' (skip a run while one runs), 'Replace' or 'Allow'.`],
    ['a starting deadline under 10 s', { startingDeadlineSeconds: 5 },
      `'startingDeadlineSeconds' 5 is not a whole number in the range 10-∞. Fix: use at least 10: the CronJob controller checks schedules every 10 seconds, so a shorter deadline can skip runs; e.g. 300.`],
    ['a negative history limit', { successfulJobsHistoryLimit: -1 },
      `'successfulJobsHistoryLimit' -1 is not a whole number in the range 0-100. Fix: use a whole number of finished Jobs to keep, from 0 to 100, e.g. 3.`],
    ['a fractional history limit', { failedJobsHistoryLimit: 1.5 }, `'failedJobsHistoryLimit' 1.5 is not a whole number in the range 0-100.`],
    ['a huge history limit', { failedJobsHistoryLimit: 1000 }, `'failedJobsHistoryLimit' 1000 is not a whole number in the range 0-100.`],
    ['a negative backoffLimit', { backoffLimit: -1 },
      `'backoffLimit' -1 is not a whole number in the range 0-100. Fix: use a whole number of retries from 0 (none) to 100, e.g. 2.`],
    ['a zero deadline', { activeDeadlineSeconds: 0 },
      `'activeDeadlineSeconds' 0 is not a whole number in the range 1-∞. Fix: use the most seconds one run may take, retries included, e.g. 3600.`],
    ['suspend that is not a boolean', { suspend: 'true' as any }, `'suspend' "true" is not true or false. Fix: use true or false.`],
  ])('%s fails', (_name, props, sentence) => {
    const { app } = nightly(props);
    const lines = problemLines(app);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${PATH}: ${sentence}`);
  });

  test('probes are refused, as a compile error and a render error, with one problem however they are set', () => {
    // @ts-expect-error a CronTask takes no probes
    const { app } = nightly({ probes: { readiness: { path: '/ready', port: 'http' }, liveness: { type: 'tcp', port: 'admin' } } });
    expect(problemLines(app)).toEqual([
      `${PATH}: 'probes' is set, but a CronTask's pod runs to completion and serves nothing: no Service waits for it to be ready, and a failing liveness probe would only kill the run. `
      + "Fix: remove it; 'activeDeadlineSeconds' stops a run that hangs.",
    ]);
  });

  test('replicas and autoscale (from plain JavaScript) are refused', () => {
    const { app } = nightly({ replicas: 2, autoscale: { min: 2, max: 4 } } as any);
    expect(problemLines(app)).toEqual([
      `${PATH}: 'replicas' is set, but a CronTask runs one pod per run. Fix: remove it (a CronTask has no replicas to scale).`,
      `${PATH}: 'autoscale' is set, but a CronTask runs one pod per run. Fix: remove it (a CronTask has no replicas to scale).`,
    ]);
  });

  test('an id longer than 52 characters fails: the controller appends 11 to name each Job', () => {
    const id = 'r'.repeat(53);
    const app = newApp();
    new CronTask(app, id, { image: IMAGE, schedule: '@daily' });
    expect(problemLines(app)).toEqual([
      `CronTask '${id}' (shop/${id}): 'id' "${id}" is 53 characters long; a CronJob name may have at most 52, as the controller appends 11 characters to name each run's Job. `
      + 'Fix: use a shorter name of at most 52 characters.',
    ]);
    const ok = newApp();
    new CronTask(ok, 'r'.repeat(52), { image: IMAGE, schedule: '@daily' });
    expect(only(manifests(ok), 'CronJob').metadata.name).toHaveLength(52);
  });

  test('the base checks still apply: image, env, size', () => {
    const { app } = nightly({ image: 'reports:latest', env: { API_TOKEN: 'abc' }, size: 'huge' as any });
    const lines = problemLines(app);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(`${PATH}: 'image' "reports:latest"`);
    expect(lines[1]).toContain(`${PATH}: 'env.API_TOKEN' is a literal value for a name that looks secret`);
    expect(lines[2]).toContain(`${PATH}: 'size' "huge" is not a size preset`);
  });

  test('every problem is reported in one run, as one Libk8sError', () => {
    const app = newApp();
    new CronTask(app, 'nightly-report', {
      image: IMAGE,
      schedule: '0 25 * * 7',
      timeZone: 'Mars/Olympus_Mons',
      concurrencyPolicy: 'Never' as any,
      startingDeadlineSeconds: 1,
      successfulJobsHistoryLimit: -3,
      backoffLimit: 1000,
      activeDeadlineSeconds: -1,
      // @ts-expect-error a CronTask takes no probes
      probes: { liveness: false },
    });
    let error: unknown;
    try {
      app.render();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Libk8sError);
    expect((error as Libk8sError).problems.map((p) => `${p.prop}: ${p.message}`)).toEqual([
      "probes: is set, but a CronTask's pod runs to completion and serves nothing: no Service waits for it to be ready, and a failing liveness probe would only kill the run",
      'backoffLimit: 1000 is not a whole number in the range 0-100',
      'activeDeadlineSeconds: -1 is not a whole number in the range 1-∞',
      'schedule: "0 25 * * 7" has hour 25, out of range 0-23',
      'schedule: "0 25 * * 7" has day-of-week 7, out of range 0-6',
      'timeZone: "Mars/Olympus_Mons" is not an IANA time zone name',
      'concurrencyPolicy: "Never" is not a concurrency policy',
      'startingDeadlineSeconds: 1 is not a whole number in the range 10-∞',
      'successfulJobsHistoryLimit: -3 is not a whole number in the range 0-100',
    ]);
  });
});

/** The variants the reference checks run on: defaults, every prop, wired to a web service and resources. */
function variants(): [string, () => App][] {
  return [
    ['a default CronTask', () => nightly().app],
    ['a CronTask with every prop', () => nightly({
      timeZone: 'Europe/Amsterdam', concurrencyPolicy: 'Replace', startingDeadlineSeconds: 60, successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 5,
      suspend: true, backoffLimit: 4, activeDeadlineSeconds: 900, terminationGracePeriodSeconds: 10,
      command: ['/app/report'], args: ['--all'], env: { MODE: 'full', DB_PASSWORD: Env.secret('db', 'password') },
      config: { files: { 'report.yaml': 'format: csv\n' } }, size: 'medium', resources: { memoryLimit: '1Gi' },
      volumes: [{ name: 'scratch', mountPath: '/scratch', source: { type: 'emptyDir', sizeLimit: '1Gi' } }],
      initContainers: [{ name: 'wait-db', image: 'ghcr.io/acme/wait:1.0.0' }],
      sidecars: [{ name: 'proxy', image: 'ghcr.io/acme/proxy:2.0.0', ports: [{ name: 'proxy', port: 5432 }] }],
      labels: { 'acme.io/cost-center': 'reports' }, annotations: { 'acme.io/owner': 'data' }, podAnnotations: { 'acme.io/scrape': 'false' },
      egress: [{ cidr: '0.0.0.0/0', ports: [443] }],
      overrides: { dev: { schedule: '*/30 * * * *', suspend: false, size: 'nano' } },
    }).app],
    ['a wired CronTask', () => {
      const app = newApp({ platform: { recipes: [testRecipe()], environmentRecipes: { '*': 'test-cloud' } } });
      const api = new WebService(app, 'api', { image: 'ghcr.io/acme/api:2.0.0' });
      const db = new Postgres(app, 'db', {});
      nightly({}, app).task.connect(api).connect(db).sendTo(new Queue(app, 'outbox', {}));
      return app;
    }],
  ];
}

describeWithReference('CronTask against the reference (Kubernetes 1.27 and 1.33, PSS restricted, Polaris) and the guardrails', () => {
  test.each(variants())('%s: every object validates against the Kubernetes 1.27 and 1.33 schemas', (_name, make) => {
    const app = make();
    // the test recipe's made-up kinds (test.libk8s.io) have no schema to hold them against
    const real = (env: string) => manifests(app, env).filter((m) => !String(m.apiVersion).startsWith('test.libk8s.io/'));
    for (const env of ['dev', 'prod']) expect(conformanceProblems(real(env))).toEqual([]);
  });

  test.each(variants())('%s: the pods violate no Pod Security Standard (restricted)', (_name, make) => {
    const app = make();
    const pods = podsOf(manifests(app)).filter((p) => p.owner.startsWith('CronJob/'));
    expect(pods).toHaveLength(1);
    for (const { owner, pod } of pods) expect({ owner, violations: checkPod(pod) }).toEqual({ owner, violations: [] });
  });

  // priorityClassNotSet applies only when the platform names a PriorityClass (cluster policy; see test/polaris.test.ts); the next test names one
  test.each(variants())('%s: Polaris finds nothing but priorityClassNotSet (the platform names no PriorityClass)', (_name, make) => {
    const app = make();
    for (const env of ['dev', 'prod']) {
      expect(describeFindings(runPolaris(manifests(app, env)).filter((f) => f.check !== 'priorityClassNotSet'))).toEqual([]);
    }
  });

  test('Polaris finds nothing at all once the platform names a PriorityClass', () => {
    const { app } = nightly({ timeZone: 'UTC', config: { files: { 'a.txt': 'x' } } }, newApp({ platform: { priorityClassName: 'batch-low' } }));
    for (const env of ['dev', 'prod']) expect(describeFindings(runPolaris(manifests(app, env)))).toEqual([]);
  });

  test.each(variants())('%s: the built-in guardrails find nothing', (_name, make) => {
    const app = make();
    const findings = app.check(app.render()).flatMap((r) => r.findings);
    expect(findings.map((f) => `${f.rule} ${f.object.kind}/${f.object.name}: ${f.message}`)).toEqual([]);
  });
});
