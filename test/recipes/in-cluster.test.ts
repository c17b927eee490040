import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, EnvironmentProps, PlatformProps, QueueWorker, WebService } from 'libk8s';
import type { Recipe, ResourceRef } from '../../lib/core/recipe';
import { inCluster, InClusterOptions } from '../../lib/recipes/in-cluster';
import { Bucket } from '../../lib/resources/bucket';
import { Postgres } from '../../lib/resources/postgres';
import { Queue, QueueProps } from '../../lib/resources/queue';
import { Redis } from '../../lib/resources/redis';
import { only, renderError } from '../support/apps';
import { describeFindings, runPolaris } from '../support/polaris';
import { checkPod, podsOf } from '../support/pss';
import { describeWithReference } from '../support/reference';
import { conformanceProblems, formatSchemaProblem, validateCustomResource } from '../support/schemas';

type Manifest = Record<string, any>;

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';

/** An app whose only environment, dev, gets in-cluster stand-ins (its default for an environment named dev). */
function newApp(options: InClusterOptions = {}, platform: PlatformProps = {}): App {
  return new App({ name: 'shop', team: 'commerce', environments: { dev: { namespace: 'shop-dev' } }, platform: { ...platform, recipes: [inCluster(options)] } });
}

/**
 * The four resources, a storefront that sends to the queue and connects to
 * the rest, and a worker that consumes the queue.
 */
function shop(options: InClusterOptions = {}, platform: PlatformProps = {}, queue: QueueProps = { deadLetter: { maxReceiveCount: 5 } }) {
  const app = newApp(options, platform);
  const orders = new Queue(app, 'orders', queue);
  const db = new Postgres(app, 'db');
  const cache = new Redis(app, 'cache');
  const uploads = new Bucket(app, 'uploads');
  const storefront = new WebService(app, 'storefront', { image: IMAGE }).sendTo(orders).connect(db).connect(cache).connect(uploads);
  const fulfilment = new QueueWorker(app, 'fulfilment', { image: 'ghcr.io/acme/fulfilment:1.4.2', queue: orders }).connect(db);
  return { app, orders, db, cache, uploads, storefront, fulfilment };
}

function render(app: App): Manifest[] {
  return app.render()[0].objects.map((o) => o.manifest);
}

function recipeOf(app: App): Recipe {
  return app.recipes.get('in-cluster')!;
}

const STAND_INS = ['orders', 'db', 'cache', 'uploads'];
/** The objects of the stand-ins: their own and their Secrets Jobs' (all carry the resource's name label). */
const ofStandIns = (objects: Manifest[]) => objects.filter((o) => STAND_INS.includes(o.metadata.labels['app.kubernetes.io/name']));
/** The script of a stand-in's Secrets Job. */
const scriptOf = (objects: Manifest[], id: string): string => only(objects, 'Job', `${id}-secrets`).spec.template.spec.containers[0].command[3];

/**
 * Runs Secrets Job scripts as the cluster would, against a fake kubectl
 * that keeps Secrets as files (get, create that refuses an existing one,
 * merge patch): /bin/sh stands in for busybox's sh, the host's head, od,
 * tr and base64 for its applets.
 */
class FakeCluster {
  public readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-in-cluster-'));
  private readonly bin = path.join(this.dir, 'bin');
  private readonly store = path.join(this.dir, 'secrets');

  constructor() {
    fs.mkdirSync(this.bin);
    fs.mkdirSync(this.store);
    // busybox <applet> args… runs the host's applet
    fs.writeFileSync(path.join(this.bin, 'busybox'), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
    fs.writeFileSync(path.join(this.bin, 'kubectl'), `#!${process.execPath}\n${FAKE_KUBECTL}`, { mode: 0o755 });
  }

  /** Runs a script; its exit status and what it printed. */
  public run(script: string): { status: number | null; out: string } {
    const r = spawnSync('/bin/sh', ['-c', script.split('/tools/busybox').join(path.join(this.bin, 'busybox'))], {
      env: { PATH: `${this.bin}:/usr/bin:/bin`, FAKE_CLUSTER: this.store }, encoding: 'utf8',
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }

  /** A Secret's decoded data, or undefined when it does not exist. */
  public secret(name: string, namespace = 'shop-dev'): Record<string, string> | undefined {
    const file = path.join(this.store, `${namespace}__${name}.json`);
    if (!fs.existsSync(file)) return undefined;
    const data: Record<string, string> = JSON.parse(fs.readFileSync(file, 'utf8')).data;
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
  }

  /** A Secret as stored (metadata and base64 data). */
  public object(name: string, namespace = 'shop-dev'): Manifest {
    return JSON.parse(fs.readFileSync(path.join(this.store, `${namespace}__${name}.json`), 'utf8'));
  }

  /** The kubectl calls so far, verb first. */
  public calls(): string[][] {
    const file = path.join(this.store, 'calls');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
  }

  public dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The fake kubectl (a node script): the calls the Secrets Job makes, as the API server answers them. */
const FAKE_KUBECTL = `
const fs = require('fs'), path = require('path');
const dir = process.env.FAKE_CLUSTER;
let args = process.argv.slice(2);
const ns = (args.find((a) => a.startsWith('--namespace=')) || '=default').split('=')[1];
args = args.filter((a) => !a.startsWith('--namespace='));
fs.appendFileSync(path.join(dir, 'calls'), JSON.stringify(args) + '\\n');
const file = (name) => path.join(dir, ns + '__' + name + '.json');
const fail = (m) => { process.stderr.write(m + '\\n'); process.exit(1); };
const encode = (o) => Object.fromEntries(Object.entries(o || {}).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')]));
const [verb, kind, name, ...rest] = args;
if (verb === 'get' && kind === 'secret') {
  if (!fs.existsSync(file(name))) { if (rest.includes('--ignore-not-found')) process.exit(0); fail('Error from server (NotFound): secrets "' + name + '" not found'); }
  const obj = JSON.parse(fs.readFileSync(file(name), 'utf8'));
  const o = rest[rest.indexOf('-o') + 1];
  if (o === 'name') process.stdout.write('secret/' + name + '\\n');
  else process.stdout.write(obj.data[/^jsonpath=\\{\\.data\\.(.+)\\}$/.exec(o)[1]] || '');
} else if (verb === 'create' && kind === '-f' && name === '-') {
  const obj = JSON.parse(fs.readFileSync(0, 'utf8'));
  if (obj.kind !== 'Secret') fail('not a Secret');
  if (fs.existsSync(file(obj.metadata.name))) fail('Error from server (AlreadyExists): secrets "' + obj.metadata.name + '" already exists');
  obj.data = { ...encode(obj.stringData), ...obj.data };
  delete obj.stringData;
  fs.writeFileSync(file(obj.metadata.name), JSON.stringify(obj));
  process.stdout.write('secret/' + obj.metadata.name + ' created\\n');
} else if (verb === 'patch' && kind === 'secret' && rest[0] === '--type=merge' && rest[1] === '-p') {
  if (!fs.existsSync(file(name))) fail('Error from server (NotFound): secrets "' + name + '" not found');
  const obj = JSON.parse(fs.readFileSync(file(name), 'utf8'));
  const p = JSON.parse(rest[2]);
  obj.metadata.labels = { ...obj.metadata.labels, ...p.metadata.labels };
  obj.data = { ...obj.data, ...encode(p.stringData) };
  fs.writeFileSync(file(name), JSON.stringify(obj));
  process.stdout.write('secret/' + name + ' patched\\n');
} else fail('fake kubectl: unexpected call ' + JSON.stringify(args));
`;

describe('inCluster()', () => {
  test('is named in-cluster and provides queue, postgres, redis and bucket', () => {
    const recipe = inCluster();
    expect(recipe.name).toBe('in-cluster');
    expect([...recipe.provides]).toEqual(['queue', 'postgres', 'redis', 'bucket']);
  });

  test('renders, per resource, its Secrets Job (ServiceAccount, Role, RoleBinding, Job, NetworkPolicy), a ServiceAccount, a StatefulSet, a Service and a NetworkPolicy, and no Secret', () => {
    const objects = render(shop().app);
    const of = (id: string) => objects.filter((o) => o.metadata.labels['app.kubernetes.io/name'] === id).map((o) => `${o.kind}/${o.metadata.name}`);
    const job = (id: string) => ['ServiceAccount', 'Role', 'RoleBinding', 'Job', 'NetworkPolicy'].map((k) => `${k}/${id}-secrets`);
    const standIn = (id: string) => ['ServiceAccount', 'StatefulSet', 'Service', 'NetworkPolicy'].map((k) => `${k}/${id}`);
    expect(of('orders')).toEqual(['ConfigMap/orders-config', ...job('orders'), ...standIn('orders')]);
    for (const id of ['db', 'cache', 'uploads']) expect(of(id)).toEqual([...job(id), ...standIn(id)]);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('renders the same manifests as its snapshot', () => {
    expect(ofStandIns(render(shop().app))).toMatchSnapshot();
  });

  test('is deterministic: two programs, and two renders of one, give identical output', () => {
    const { app } = shop();
    const first = JSON.stringify(render(app));
    expect(JSON.stringify(render(app))).toBe(first);
    expect(JSON.stringify(render(shop().app))).toBe(first);
  });
});

describe('credentials: generated in the cluster, never in the output', () => {
  let cluster: FakeCluster;
  beforeEach(() => { cluster = new FakeCluster(); });
  afterEach(() => cluster.dispose());

  test('no object holds a literal credential: no Secret, no data, no literal value under a secret-like env name', () => {
    for (const objects of [render(shop().app), render(shop({ keda: false }).app)]) {
      const mine = ofStandIns(objects);
      expect(mine.filter((o) => o.kind === 'Secret' || o.data !== undefined && o.kind !== 'ConfigMap' || o.stringData !== undefined)).toEqual([]);
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
      const pods = mine.map((o) => o.spec?.template?.spec).filter(Boolean);
      for (const c of pods.flatMap((p) => [...(p.initContainers ?? []), ...p.containers])) {
        for (const e of c.env ?? []) expect([c.name, e.name, e.value !== undefined && /PASS|SECRET|TOKEN|AUTH|KEY|CREDENTIAL/i.test(e.name)]).toEqual([c.name, e.name, false]);
      }
      // the scripts generate every secret value at run time: no 64- or 40-character hex, no AKIA/DEV key id in them
      for (const id of STAND_INS) expect(scriptOf(objects, id)).not.toMatch(/[0-9a-f]{32}|\b(?:AKIA|DEV)[A-Z0-9]{16,}\b/);
    }
  });

  test('the Job creates each connection Secret with exactly the keys its resource type documents, the secret ones random', () => {
    const { app, orders, db, cache, uploads } = shop();
    const objects = render(app);
    for (const id of STAND_INS) expect(cluster.run(scriptOf(objects, id)).status).toBe(0);
    for (const r of [orders, db, cache, uploads]) expect(Object.keys(cluster.secret(`${r.name}-connection`)!).sort()).toEqual([...r.connectionKeys].sort());
    expect(cluster.secret('orders-connection')).toEqual({
      url: 'http://orders.shop-dev.svc:9324/000000000000/orders', name: 'orders', arn: 'arn:aws:sqs:us-east-1:000000000000:orders',
      region: 'us-east-1', endpoint: 'http://orders.shop-dev.svc:9324',
    });
    expect(cluster.secret('db-connection')).toEqual({ host: 'db.shop-dev.svc', port: '5432', database: 'db', username: 'app', password: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(cluster.secret('cache-connection')).toEqual({ host: 'cache.shop-dev.svc', port: '6379', password: expect.stringMatching(/^[0-9a-f]{64}$/), tls: 'false' });
    expect(cluster.secret('uploads-connection')).toEqual({ name: 'uploads', region: 'us-east-1', endpoint: 'http://uploads.shop-dev.svc:7070', arn: 'arn:aws:s3:::uploads' });
    expect(cluster.secret('db-connection')!.password).not.toBe(cluster.secret('cache-connection')!.password);
    // the Secrets carry the resource's labels
    expect(cluster.object('db-connection').metadata.labels).toEqual({
      'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/managed-by': 'libk8s', 'libk8s.io/team': 'commerce',
    });
  });

  test('only if absent: a second run, and a run of a changed program, keep the generated values and update the plain ones', () => {
    const first = render(shop().app);
    expect(cluster.run(scriptOf(first, 'db')).status).toBe(0);
    const password = cluster.secret('db-connection')!.password;
    const again = cluster.run(scriptOf(first, 'db'));
    expect(again.status).toBe(0);
    expect(again.out).toContain('Secret db-connection exists: kept password, updated host, port, database, username');
    expect(cluster.secret('db-connection')!.password).toBe(password);
    // the program renames the database: the Secret follows, the password stays (the data directory was initialised with it)
    const app = newApp();
    new Postgres(app, 'db', { databaseName: 'orders' });
    expect(cluster.run(scriptOf(render(app), 'db')).status).toBe(0);
    expect(cluster.secret('db-connection')).toEqual({ host: 'db.shop-dev.svc', port: '5432', database: 'orders', username: 'app', password });
    // never created twice, never anything but get, create (once) and patch
    const calls = cluster.calls().map((c) => c.slice(0, 2).join(' '));
    expect(calls.filter((c) => c === 'create -f')).toHaveLength(1);
    expect([...new Set(calls)].sort()).toEqual(['create -f', 'get secret', 'patch secret']);
  });

  test('a create that fails stops the run (the Job retries); an existing Secret is never overwritten', () => {
    const objects = render(shop().app);
    expect(cluster.run(scriptOf(objects, 'cache')).status).toBe(0);
    const before = cluster.secret('cache-connection');
    // a script whose existence check cannot see the Secret (e.g. a failing API call) tries to create it, which fails
    const blind = scriptOf(objects, 'cache').replace('[ -n "$found" ]; }', 'false; }');
    const r = cluster.run(blind);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('AlreadyExists');
    expect(cluster.secret('cache-connection')).toEqual(before);
  });

  test('the queue and bucket stand-ins of an environment share one set of generated dev AWS credentials', () => {
    const objects = render(shop().app);
    const outs = ['uploads', 'orders'].map((id) => cluster.run(scriptOf(objects, id)));
    expect(outs.map((o) => o.status)).toEqual([0, 0]);
    const orders = cluster.secret('orders-aws-credentials')!;
    expect(orders).toEqual({ AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: expect.stringMatching(/^DEV[A-Z0-9]{17}$/), AWS_SECRET_ACCESS_KEY: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(cluster.secret('uploads-aws-credentials')).toEqual(orders);
    expect(cluster.secret('in-cluster.aws-credentials')).toEqual({ AWS_ACCESS_KEY_ID: orders.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: orders.AWS_SECRET_ACCESS_KEY });
    // the runs print no value
    for (const o of outs) for (const v of [orders.AWS_ACCESS_KEY_ID, orders.AWS_SECRET_ACCESS_KEY]) expect(o.out).not.toContain(v);
    // another cluster gets other credentials
    const other = new FakeCluster();
    try {
      expect(other.run(scriptOf(objects, 'orders')).status).toBe(0);
      expect(other.secret('orders-aws-credentials')!.AWS_SECRET_ACCESS_KEY).not.toBe(orders.AWS_SECRET_ACCESS_KEY);
    } finally {
      other.dispose();
    }
  });

  test("the Job's Role may get and patch exactly the Secrets it writes, only get the environment's shared AWS credentials, and create Secrets (RBAC cannot limit create by name); nothing else", () => {
    const objects = render(shop().app);
    const rules = (id: string) => only(objects, 'Role', `${id}-secrets`).rules;
    const limited = (names: string[], shared = false) => [
      { apiGroups: [''], resources: ['secrets'], resourceNames: names, verbs: ['get', 'patch'] },
      ...(shared ? [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['in-cluster.aws-credentials'], verbs: ['get'] }] : []),
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ];
    expect(rules('db')).toEqual(limited(['db-connection']));
    expect(rules('cache')).toEqual(limited(['cache-connection']));
    expect(rules('orders')).toEqual(limited(['orders-connection', 'orders-aws-credentials'], true));
    expect(rules('uploads')).toEqual(limited(['uploads-connection', 'uploads-aws-credentials'], true));
    // the names the script writes are the ones the Role lets it patch; the shared ones it only reads (or creates once)
    for (const id of STAND_INS) {
      const written = [...scriptOf(objects, id).matchAll(/^if exists ([^;]+); then$/gm)].map((m) => m[1]);
      expect(written).toEqual(rules(id)[0].resourceNames);
      expect(scriptOf(objects, id)).not.toMatch(/patch secret in-cluster\.aws-credentials/);
    }
    for (const id of STAND_INS) {
      expect(only(objects, 'RoleBinding', `${id}-secrets`)).toMatchObject({
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${id}-secrets` },
        subjects: [{ kind: 'ServiceAccount', name: `${id}-secrets`, namespace: 'shop-dev' }],
      });
    }
    expect(objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toEqual([]);
  });

  test('only the Job pod mounts a token; its ServiceAccount, like the stand-ins, says false', () => {
    const objects = render(shop().app);
    for (const id of STAND_INS) {
      expect(only(objects, 'ServiceAccount', `${id}-secrets`).automountServiceAccountToken).toBe(false);
      expect(only(objects, 'Job', `${id}-secrets`).spec.template.spec.automountServiceAccountToken).toBe(true);
      expect(only(objects, 'StatefulSet', id).spec.template.spec.automountServiceAccountToken).toBe(false);
    }
  });

  test("the Job's NetworkPolicy lets in nothing but its own pods and lets out DNS and the API server (TCP 443 and 6443) only", () => {
    const spec = only(render(shop().app), 'NetworkPolicy', 'db-secrets').spec;
    expect(spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'db-secrets' } });
    expect(spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'db-secrets' } } }] }]);
    expect(spec.egress.slice(1)).toEqual([{
      to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
      ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }],
    }]);
  });

  test("the Job's pods are not the stand-in's: its Service, StatefulSet and NetworkPolicy do not select them", () => {
    const objects = render(shop().app);
    for (const id of STAND_INS) {
      const labels = only(objects, 'Job', `${id}-secrets`).spec.template.metadata.labels;
      const matches = (sel: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels[k] === v);
      expect(matches(only(objects, 'Service', id).spec.selector)).toBe(false);
      expect(matches(only(objects, 'StatefulSet', id).spec.selector.matchLabels)).toBe(false);
      expect(matches(only(objects, 'NetworkPolicy', id).spec.podSelector.matchLabels)).toBe(false);
    }
  });

  test('the Job runs on the golden path: pinned kubectl and busybox (configurable), restartPolicy Never, a deadline and retries', () => {
    const job = only(render(shop({ images: { kubectl: 'registry.example.com/kubectl:v1.33.0', busybox: 'registry.example.com/busybox:1.37.0' } }).app), 'Job', 'db-secrets');
    const pod = job.spec.template.spec;
    expect(pod.initContainers.map((c: Manifest) => [c.name, c.image, c.command])).toEqual([['busybox', 'registry.example.com/busybox:1.37.0', ['cp', '/bin/busybox', '/tools/busybox']]]);
    expect(pod.containers.map((c: Manifest) => [c.name, c.image, c.command.slice(0, 3)])).toEqual([['kubectl', 'registry.example.com/kubectl:v1.33.0', ['/tools/busybox', 'sh', '-c']]]);
    expect([pod.restartPolicy, job.spec.backoffLimit, job.spec.activeDeadlineSeconds, job.spec.ttlSecondsAfterFinished]).toEqual(['Never', 4, 600, undefined]);
    const defaults = only(render(shop().app), 'Job', 'db-secrets').spec.template.spec;
    expect([defaults.initContainers[0].image, defaults.containers[0].image]).toEqual(['busybox:1.37.0', 'registry.k8s.io/kubectl:v1.33.0']);
    // its script generates values from /dev/urandom
    expect(scriptOf(render(shop().app), 'db')).toMatch(/head -c "\$1" \/dev\/urandom/);
    // and reaches sh as written: the kubelet expands $(NAME) for the container's env names, and $$ to $
    for (const id of STAND_INS) {
      const script = scriptOf(render(shop().app), id);
      expect(script).not.toContain('$$');
      for (const name of ['HOME', 'PATH', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT']) expect(script).not.toContain(`$(${name})`);
    }
  });

  test('an unpinned kubectl or busybox image is a problem', () => {
    const app = newApp({ images: { kubectl: 'registry.k8s.io/kubectl', busybox: 'busybox:latest' } });
    new Redis(app, 'cache');
    const message = renderError(app);
    expect(message).toContain("'inCluster images.kubectl' \"registry.k8s.io/kubectl\"");
    expect(message).toContain("'inCluster images.busybox' \"busybox:latest\" uses the mutable tag \"latest\"");
  });

  test('with Argo CD annotations the Job and its objects sync in wave -2, before the stand-ins (-1); the Job is replaced when it changes', () => {
    const objects = render(shop().app);
    const wave = (kind: string, name: string) => only(objects, kind, name).metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    for (const id of STAND_INS) {
      for (const kind of ['ServiceAccount', 'Role', 'RoleBinding', 'Job', 'NetworkPolicy']) expect([kind, wave(kind, `${id}-secrets`)]).toEqual([kind, '-2']);
      expect(wave('StatefulSet', id)).toBe('-1');
      expect(only(objects, 'Job', `${id}-secrets`).metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Force=true,Replace=true');
    }
    expect(wave('Deployment', 'storefront')).toBeUndefined();
    // without them, no Argo CD annotation at all
    const plain = render(shop({}, { argoCdAnnotations: false }).app);
    expect(plain.filter((o) => Object.keys(o.metadata.annotations ?? {}).some((k) => k.startsWith('argocd.argoproj.io/')))).toEqual([]);
  });

  test('the servers read their password from the connection Secret, never from a literal', () => {
    const objects = render(shop().app);
    const env = (name: string) => only(objects, 'StatefulSet', name).spec.template.spec.containers[0].env;
    expect(env('db')).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-connection', key: 'password' } } });
    expect(env('cache')).toContainEqual({ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'cache-connection', key: 'password' } } });
    expect(env('uploads')).toContainEqual({ name: 'ROOT_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'uploads-aws-credentials', key: 'AWS_SECRET_ACCESS_KEY' } } });
    for (const name of STAND_INS) {
      for (const e of env(name) ?? []) expect(e.value === undefined || !/PASSWORD|SECRET|AUTH/.test(e.name)).toBe(true);
    }
  });
});

describe('the queue stand-in (ElasticMQ)', () => {
  const config = (objects: Manifest[]) => only(objects, 'ConfigMap', 'orders-config').data['elasticmq.conf'] as string;

  test('declares the queue with its visibility timeout, long-polling wait and dead-letter queue with maxReceiveCount', () => {
    const text = config(render(shop(undefined, undefined, { visibilityTimeoutSeconds: 90, deadLetter: { maxReceiveCount: 7 } }).app));
    expect(text).toContain('host = "orders.shop-dev.svc"');
    expect(text).toContain('accountId = "000000000000"');
    expect(text).toContain([
      '  "orders" {', '    defaultVisibilityTimeout = 90 seconds', '    receiveMessageWait = 20 seconds', '    fifo = false',
      '    deadLettersQueue {', '      name = "orders-dlq"', '      maxReceiveCount = 7', '    }', '  }', '  "orders-dlq" {',
    ].join('\n'));
  });

  test('a FIFO queue and its dead-letter queue are FIFO and named *.fifo', () => {
    const { app } = shop(undefined, undefined, { fifo: true, deadLetter: { maxReceiveCount: 3 } });
    const objects = render(app);
    expect(config(objects)).toContain('    fifo = true\n    deadLettersQueue {\n      name = "orders-dlq.fifo"\n      maxReceiveCount = 3');
    expect(scriptOf(objects, 'orders')).toContain('"name":"orders.fifo"');
    expect(only(objects, 'StatefulSet', 'orders').spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe('/?Action=GetQueueUrl&QueueName=orders.fifo');
  });

  test('a queue without a dead-letter queue declares none', () => {
    expect(config(render(shop(undefined, undefined, { deadLetter: false }).app))).not.toContain('dlq');
  });

  test('mounts the config where the image reads it and rolls the pod when it changes', () => {
    const pod = (q: QueueProps) => only(render(shop(undefined, undefined, q).app), 'StatefulSet', 'orders').spec.template;
    expect(pod({}).spec.containers[0].volumeMounts).toContainEqual({ name: 'config', mountPath: '/opt/elasticmq.conf', subPath: 'elasticmq.conf', readOnly: true });
    expect(pod({}).metadata.annotations['libk8s.io/config-hash']).not.toBe(pod({ visibilityTimeoutSeconds: 60 }).metadata.annotations['libk8s.io/config-hash']);
  });
});

describe('NetworkPolicies', () => {
  test('select the stand-in by exactly one label and let in only the wired workloads, on the service port', () => {
    const objects = render(shop().app);
    const policy = (name: string) => only(objects, 'NetworkPolicy', name).spec;
    const from = (...names: string[]) => names.map((n) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': n } } }));
    for (const name of STAND_INS) expect(policy(name).podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': name } });
    expect(policy('db').ingress).toEqual([{ from: from('fulfilment', 'storefront'), ports: [{ protocol: 'TCP', port: 5432 }] }]);
    expect(policy('cache').ingress).toEqual([{ from: from('storefront'), ports: [{ protocol: 'TCP', port: 6379 }] }]);
    expect(policy('uploads').ingress).toEqual([{ from: from('storefront'), ports: [{ protocol: 'TCP', port: 7070 }] }]);
  });

  test('let the KEDA operator read a consumed queue', () => {
    const ingress = only(render(shop().app), 'NetworkPolicy', 'orders').spec.ingress;
    expect(ingress).toEqual([{
      from: [
        ...['fulfilment', 'storefront'].map((n) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': n } } })),
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'keda-operator' } } },
      ],
      ports: [{ protocol: 'TCP', port: 9324 }],
    }]);
    const noKeda = only(render(shop({ keda: false }).app), 'NetworkPolicy', 'orders').spec.ingress[0].from;
    expect(noKeda).toHaveLength(2);
  });

  test('allow egress to DNS only, and ingress only from its own pods when nobody is wired to it', () => {
    const app = newApp();
    new Redis(app, 'lonely');
    const spec = only(render(app), 'NetworkPolicy', 'lonely').spec;
    expect(spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'lonely' } } }], ports: [{ protocol: 'TCP', port: 6379 }] }]);
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    }]);
  });
});

describe('connection(), identity() and queueScaler()', () => {
  test('connection() is pure: Secret references for every documented key, the pods to reach, the ids', () => {
    const { app, orders, db } = shop();
    const env = app.environment('dev')!;
    const recipe = recipeOf(app);
    const conn = recipe.connection(orders, env);
    expect(conn).toEqual(recipe.connection(orders, env));
    expect(conn.secretName).toBe('orders-connection');
    expect(conn.values).toEqual(Object.fromEntries(orders.connectionKeys.map((key) => [key, { secret: 'orders-connection', key }])));
    expect(conn.network).toEqual([{ kind: 'pods', selector: { 'app.kubernetes.io/instance': 'orders' }, ports: [9324] }]);
    expect(conn.ids).toEqual({ arn: 'arn:aws:sqs:us-east-1:000000000000:orders', deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq' });
    expect(recipe.connection(db, env).network).toEqual([{ kind: 'pods', selector: { 'app.kubernetes.io/instance': 'db' }, ports: [5432] }]);
  });

  test('connection() names every documented key of every type, from the connection Secret', () => {
    const { app, orders, db, cache, uploads } = shop();
    const env = app.environment('dev')!;
    for (const r of [orders, db, cache, uploads]) {
      const conn = recipeOf(app).connection(r, env);
      expect(conn.secretName).toBe(`${r.name}-connection`);
      expect(conn.values).toEqual(Object.fromEntries(r.connectionKeys.map((key) => [key, { secret: `${r.name}-connection`, key }])));
    }
  });

  test('identity() gives a workload with queue or bucket grants the dev AWS credentials as Secret references, and others nothing', () => {
    const { app, orders, db, uploads, storefront } = shop();
    const env = app.environment('dev')!;
    const recipe = recipeOf(app);
    const grant = (r: ResourceRef, access: 'send' | 'connect' | 'readwrite') => ({ resource: r, access, connection: recipe.connection(r, env) });
    const ctx = { app, environment: env, platform: app.platform, scope: undefined as any };
    const ws = storefront as unknown as Parameters<NonNullable<Recipe['identity']>>[0];
    expect(recipe.identity!(ws, [grant(db, 'connect')], ctx)).toEqual({});
    expect(recipe.identity!(ws, [grant(uploads, 'readwrite'), grant(orders, 'send')], ctx)).toEqual({
      env: {
        AWS_ACCESS_KEY_ID: { secret: 'orders-aws-credentials', key: 'AWS_ACCESS_KEY_ID' },
        AWS_SECRET_ACCESS_KEY: { secret: 'orders-aws-credentials', key: 'AWS_SECRET_ACCESS_KEY' },
        AWS_REGION: { secret: 'orders-aws-credentials', key: 'AWS_REGION' },
      },
    });
    // (every stand-in of the environment accepts the same credentials: see 'share one set of generated dev AWS credentials')
  });

  test('wired workloads get the connection Secrets as environment, the dev AWS credentials, egress to the stand-ins, and KEDA scaling on the queue', () => {
    const objects = render(shop().app);
    const env = only(objects, 'Deployment', 'storefront').spec.template.spec.containers[0].env as Manifest[];
    expect(env.find((e) => e.name === 'ORDERS_URL')).toEqual({ name: 'ORDERS_URL', valueFrom: { secretKeyRef: { name: 'orders-connection', key: 'url' } } });
    expect(env.find((e) => e.name === 'DB_PASSWORD')).toEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-connection', key: 'password' } } });
    expect(env.find((e) => e.name === 'AWS_ACCESS_KEY_ID')).toEqual({ name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'orders-aws-credentials', key: 'AWS_ACCESS_KEY_ID' } } });
    expect(env.every((e) => e.valueFrom?.secretKeyRef)).toBe(true);
    const egress = only(objects, 'NetworkPolicy', 'storefront').spec.egress.slice(1);
    expect(egress).toEqual([['orders', 9324], ['db', 5432], ['cache', 6379], ['uploads', 7070]]
      .map(([name, port]) => ({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': name } } }], ports: [{ protocol: 'TCP', port }] })));
    expect(only(objects, 'ScaledObject', 'fulfilment').spec.triggers[0]).toEqual({
      type: 'aws-sqs-queue',
      metadata: {
        queueURL: 'http://orders.shop-dev.svc:9324/000000000000/orders', awsRegion: 'us-east-1', awsEndpoint: 'http://orders.shop-dev.svc:9324',
        queueLength: '10', activationQueueLength: '0',
      },
      authenticationRef: { name: 'fulfilment', kind: 'TriggerAuthentication' },
    });
    expect(only(objects, 'TriggerAuthentication', 'fulfilment').spec.secretTargetRef.map((r: Manifest) => r.name)).toEqual(['orders-aws-credentials', 'orders-aws-credentials']);
  });

  test('queueScaler() is an aws-sqs-queue trigger on the stand-in, authenticated by secretTargetRef', () => {
    const { app, orders, fulfilment } = shop();
    const env = app.environment('dev')!;
    const recipe = recipeOf(app);
    const scaler = recipe.queueScaler!(orders, recipe.connection(orders, env), fulfilment as any, env);
    expect(scaler).toEqual({
      type: 'aws-sqs-queue',
      metadata: { queueURL: 'http://orders.shop-dev.svc:9324/000000000000/orders', awsRegion: 'us-east-1', awsEndpoint: 'http://orders.shop-dev.svc:9324' },
      lengthKey: 'queueLength',
      activationKey: 'activationQueueLength',
      authentication: {
        secretTargetRef: [
          { parameter: 'awsAccessKeyID', name: 'orders-aws-credentials', key: 'AWS_ACCESS_KEY_ID' },
          { parameter: 'awsSecretAccessKey', name: 'orders-aws-credentials', key: 'AWS_SECRET_ACCESS_KEY' },
        ],
      },
    });
  });
});

describe('production environments', () => {
  /** An app with one environment that selects in-cluster, and a Postgres. */
  function appWith(name: string, env: EnvironmentProps, options: InClusterOptions = {}, platform: PlatformProps = {}): App {
    const app = new App({ name: 'shop', team: 'commerce', environments: { [name]: { recipes: 'in-cluster', ...env } }, platform: { ...platform, recipes: [inCluster(options)] } });
    new Postgres(app, 'db');
    return app;
  }
  const fix = (env: string) => `Fix: select a cloud recipe for postgres in environment '${env}', e.g. recipes: { default: 'crossplane-aws' }; or, if a stand-in is meant there, set allowProduction: true in the platform's inCluster({ ... }) with a comment saying why (or production: false on the environment, if it holds no real data).`;
  const problem = (env: string) => `Postgres 'db' (shop/db) [environment '${env}']: 'recipe' is 'in-cluster' in environment '${env}', which is marked production, but recipe 'in-cluster' would run Postgres 'db' as a dev stand-in: one replica, no backups, credentials generated in the namespace. ${fix(env)}`;

  test('an environment named prod or production is production by default; any other is not, unless it says so', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { dev: {}, staging: {}, prod: {}, production: {}, live: { production: true }, qa: { production: false } } });
    expect(app.environments.map((e) => [e.name, e.production])).toEqual([['dev', false], ['staging', false], ['prod', true], ['production', true], ['live', true], ['qa', false]]);
    const marked = new App({ name: 'shop', team: 'commerce', environments: { prod: {}, live: {} }, platform: { productionEnvironments: ['live'] } });
    expect(marked.environments.map((e) => [e.name, e.production])).toEqual([['prod', false], ['live', true]]);
  });

  test('selecting in-cluster for a production environment is a problem naming the environment, the resource and the fix', () => {
    expect(renderError(appWith('prod', {}))).toContain(problem('prod'));
    expect(renderError(appWith('live', { production: true }))).toContain(problem('live'));
    expect(renderError(appWith('live', {}, {}, { productionEnvironments: ['live'] }))).toContain(problem('live'));
  });

  test('allowProduction: true, or an environment that is not production, lets the recipe provision there', () => {
    expect(() => appWith('prod', {}, { allowProduction: true }).render()).not.toThrow();
    expect(() => appWith('prod', { production: false }).render()).not.toThrow();
    expect(() => appWith('staging', {}).render()).not.toThrow();
  });

  test('a production marking or allowProduction that is not a boolean is a problem', () => {
    expect(renderError(appWith('qa', { production: 'yes' as never }))).toContain("App 'shop' (shop): 'environments.qa.production' \"yes\" is not a boolean");
    expect(renderError(appWith('dev', {}, { allowProduction: 'yes' as never }))).toContain("'inCluster allowProduction' \"yes\" is not a boolean");
  });
});

describe('options', () => {
  test('images, storageGiB and storageClassName apply; Postgres follows its major version', () => {
    const app = newApp({ images: { queue: 'registry.example.com/elasticmq-native:1.7.1', redis: { '7.1': 'valkey/valkey:7.2-alpine' } }, storageGiB: 3, storageClassName: 'standard' });
    new Queue(app, 'orders');
    new Redis(app, 'cache');
    new Postgres(app, 'db', { version: '15' });
    const objects = render(app);
    const image = (name: string) => only(objects, 'StatefulSet', name).spec.template.spec.containers[0].image;
    expect([image('orders'), image('cache'), image('db')]).toEqual(['registry.example.com/elasticmq-native:1.7.1', 'valkey/valkey:7.2-alpine', 'postgres:15-alpine']);
    expect(only(objects, 'StatefulSet', 'db').spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '3Gi' } },
    });
  });

  test('an unpinned image is a problem of every resource it would run', () => {
    const app = newApp({ images: { bucket: 'versity/versitygw:latest' } });
    new Bucket(app, 'uploads');
    expect(renderError(app)).toContain("'inCluster images.bucket' \"versity/versitygw:latest\" uses the mutable tag \"latest\"");
  });

  test('a storageClassName or KEDA selector the API server would reject is a problem of every resource it would reach, all in one run', () => {
    const app = newApp({ storageClassName: 'Fast SSD', keda: { namespace: 'KEDA', podLabels: { 'app name': 'keda' } } });
    new Postgres(app, 'db');
    new Queue(app, 'orders');
    const message = renderError(app);
    expect(message).toContain("Postgres 'db' (shop/db) [environment 'dev']: 'inCluster storageClassName' \"Fast SSD\" is not a StorageClass name");
    expect(message).toContain("Queue 'orders' (shop/orders) [environment 'dev']: 'inCluster keda.namespace' \"KEDA\" is not a namespace name");
    expect(message).toContain("Queue 'orders' (shop/orders) [environment 'dev']: 'inCluster keda.podLabels' \"app name\" is not a valid label key");
  });

  test('an id that starts with a digit is a problem: it names the Service of the stand-in, a DNS-1035 label', () => {
    const app = newApp();
    new Queue(app, '1q');
    expect(renderError(app)).toContain("Queue '1q' (shop/1q) [environment 'dev']: 'id' \"1q\" starts with a digit, but recipe 'in-cluster' names the stand-in's Service after it, and a Service name must start with a letter (DNS-1035 label). Fix: use an id like \"q-1q\", or select another recipe for queue in environment 'dev'.");
  });

  test('an id longer than 52 characters is a problem: the StatefulSet controller could not label its pod', () => {
    const app = newApp();
    const id = `orders-${'x'.repeat(46)}`;
    new Queue(app, id);
    expect(renderError(app)).toContain(`Queue '${id}' (shop/${id}) [environment 'dev']: 'id' "${id}" is 53 characters long, but recipe 'in-cluster' names a StatefulSet after it, whose controller labels each pod with the name and an 11-character revision hash, a label value of at most 63. Fix: use an id of at most 52 characters, or select another recipe for queue in environment 'dev'.`);
  });

  test('wrong options are problems of every resource the recipe provisions, reported with the others (inCluster() itself does not throw)', () => {
    expect(() => inCluster({ storageGiB: 0, region: 'Mars' })).not.toThrow();
    const { app } = shop({ storageGiB: 0, region: 'Mars' });
    const message = renderError(app);
    expect(message).toContain("Queue 'orders' (shop/orders) [environment 'dev']: 'inCluster storageGiB' 0 is not a whole number of GiB from 1 to 65536. Fix: use a dev size such as 1, in the platform's inCluster({ ... }).");
    expect(message).toContain("Queue 'orders' (shop/orders) [environment 'dev']: 'inCluster region' \"Mars\" is not an AWS region name. Fix: use one like \"us-east-1\", in the platform's inCluster({ ... }).");
  });
});

/**
 * The one Polaris exception: automountServiceAccountToken on a stand-in's
 * Secrets Job. It writes Secrets through the API, so its pod mounts a token
 * (its ServiceAccount, bound by a RoleBinding to a Role limited to those
 * Secrets, says false; no other pod mounts one). libk8s's own rule
 * (service-account-token) accepts a pod whose ServiceAccount a RoleBinding
 * names; Polaris's check has no such case. Covered: only a Job named
 * `<id>-secrets` whose ServiceAccount a RoleBinding in the namespace binds.
 */
function exceptSecretsJobToken<F extends { check: string; kind: string; name: string; namespace: string }>(findings: readonly F[], objects: readonly Manifest[]): F[] {
  return findings.filter((f) => !(f.check === 'automountServiceAccountToken' && f.kind === 'Job' && f.name.endsWith('-secrets')
    && objects.some((o) => o.kind === 'RoleBinding' && o.metadata.namespace === f.namespace
      && o.subjects?.some((s: Manifest) => s.kind === 'ServiceAccount' && s.name === f.name))));
}

describeWithReference('the stand-ins pass conformance, Pod Security, Polaris and libk8s guardrails', () => {
  test('every object validates against the Kubernetes schemas (1.27 and 1.33)', () => {
    expect(conformanceProblems(render(shop().app))).toEqual([]);
  });

  test('the KEDA TriggerAuthentication from queueScaler() validates against its CRD', () => {
    const { app, orders, fulfilment } = shop();
    const env = app.environment('dev')!;
    const scaler = recipeOf(app).queueScaler!(orders, recipeOf(app).connection(orders, env), fulfilment as any, env);
    const auth = { apiVersion: 'keda.sh/v1alpha1', kind: 'TriggerAuthentication', metadata: { name: 'fulfilment', namespace: 'shop-dev' }, spec: scaler.authentication };
    expect(validateCustomResource(auth).map(formatSchemaProblem)).toEqual([]);
  });

  test('every pod meets Pod Security Standards restricted', () => {
    const pods = podsOf(render(shop().app));
    expect(pods.map((p) => p.owner)).toEqual(expect.arrayContaining([...STAND_INS.map((n) => `StatefulSet/${n}`), ...STAND_INS.map((n) => `Job/${n}-secrets`)]));
    for (const { owner, pod } of pods) expect([owner, checkPod(pod)]).toEqual([owner, []]);
  });

  test('Polaris finds nothing of danger or warning severity in the stand-ins', () => {
    // priorityClassNotSet: priority classes are cluster policy; libk8s sets one
    // on every pod when the platform names one, shown by the second render.
    // (Polaris runs over the whole environment; the workloads' own findings are
    // their constructs' business, so only the stand-ins' are asserted here.)
    const found = (objects: Manifest[]) => exceptSecretsJobToken(runPolaris(objects).filter((f) => STAND_INS.some((n) => f.name === n || f.name === `${n}-secrets`)), objects);
    expect(describeFindings(found(render(shop().app))).filter((f) => !f.startsWith('priorityClassNotSet '))).toEqual([]);
    expect(describeFindings(found(render(shop({}, { priorityClassName: 'dev-services' }).app)))).toEqual([]);
    // the exception is only what it claims: without it, exactly the four Jobs' token
    expect(describeFindings(runPolaris(render(shop({}, { priorityClassName: 'dev-services' }).app)).filter((f) => f.name.endsWith('-secrets'))).sort())
      .toEqual(STAND_INS.map((n) => `automountServiceAccountToken Job/${n}-secrets`).sort());
  });

  test('a stand-in nobody is wired to has no Polaris finding either: its only ingress rule admits its own pods', () => {
    const app = newApp({}, { priorityClassName: 'dev-services' });
    new Redis(app, 'lonely');
    const objects = render(app);
    expect(describeFindings(exceptSecretsJobToken(runPolaris(objects), objects))).toEqual([]);
    expect(app.check(app.render()).flatMap((r) => r.findings).filter((f) => !f.waived).map((f) => f.rule)).toEqual([]);
  });

  test("libk8s's guardrails report only replicas-minimum and job-cleanup, once per stand-in, waived by the recipe with their reasons", () => {
    // A second replica of ElasticMQ, Postgres, Redis or versitygw would be a
    // second, separate store behind the same Service (messages, rows, keys
    // and objects split between them). The recipe declares the waiver, so
    // the finding is reported as waived, with the reason, and blocks nothing.
    // pdb-exists and topology-spread apply from 2 replicas. The Secrets Job
    // keeps no TTL on purpose (a GitOps tool would create a deleted one again
    // on every sync), so job-cleanup is waived too. secret-literal and
    // secret-values find nothing: the output holds no credential.
    const { app } = shop();
    const findings = app.check(app.render()).flatMap((r) => r.findings);
    expect(findings.map((f) => `${f.rule} ${f.severity} ${f.object.kind}/${f.object.name} waived=${!!f.waived}`).sort()).toEqual([
      ...['cache', 'db', 'orders', 'uploads'].map((n) => `job-cleanup info Job/${n}-secrets waived=true`),
      ...['cache', 'db', 'orders', 'uploads'].map((n) => `replicas-minimum warning StatefulSet/${n} waived=true`),
    ]);
    expect(findings.find((f) => f.rule === 'replicas-minimum')!.waived!.reason).toMatch(/^in-cluster dev stand-in of \w+ '\w+': its server does not cluster/);
    expect(findings.find((f) => f.rule === 'job-cleanup')!.waived!.reason).toMatch(/^in-cluster Secrets Job of \w+ '\w+': it stays, finished/);
  });
});
