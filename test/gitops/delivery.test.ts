import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { App, OutputLayout, PlatformProps } from 'libk8s';
import { shop as shopConstructs } from '../../examples/pulumi/shop';
import { deliveriesFor, resolveDelivery } from '../../lib/gitops';
import { deliveryObjects, serializeDelivery, serializeEnvironment } from '../../lib/synth/serialize';
import { describeWithReference } from '../support/reference';
import { conformanceProblems } from '../support/schemas';
import { onPath } from '../support/path';

const REPO = 'https://github.com/acme/shop.git';

/** The quickstart's constructs (examples/shop, as examples/pulumi builds them) on a platform with the given delivery. */
const shop = (platform: PlatformProps = {}): App => shopConstructs(platform);

/** Every environment's files and the delivery files, as synth would write them (in `layout`, by default synth's). */
function output(platform: PlatformProps, layout: OutputLayout = 'construct') {
  const app = shop(platform);
  const rendered = app.render();
  const deliveries = deliveriesFor(app.platform);
  const envs = new Map(rendered.map((r) => [r.environment.name, serializeEnvironment(app, r, layout, deliveries)]));
  const delivery = deliveryObjects(app, rendered, deliveries, resolveDelivery(app.platform.delivery));
  return { app, envs, delivery, deliveryFiles: serializeDelivery(delivery) };
}

const parse = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

describe('delivery: kustomize (the default)', () => {
  test('each environment has a kustomization.yaml listing exactly its manifests, and no delivery objects', () => {
    const { envs, delivery } = output({});
    for (const files of envs.values()) {
      const k = parse(files.get('kustomization.yaml')!)[0];
      expect(k.resources).toEqual([...files.keys()].filter((f) => f !== 'kustomization.yaml').sort());
    }
    expect(delivery.size).toBe(0);
  });
});

describe('delivery: argo-cd', () => {
  test('an Application per environment: its folder, namespace, automated sync with prune and selfHeal, CreateNamespace and ServerSideApply', () => {
    const { delivery } = output({ delivery: { target: 'argo-cd', repo: REPO, revision: 'main', path: 'deploy/dist' } });
    expect([...delivery.keys()]).toEqual(['dev.yaml', 'prod.yaml']);
    const prod = delivery.get('prod.yaml')![0];
    expect(prod).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'shop-prod', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: REPO, targetRevision: 'main', path: 'deploy/dist/prod/shop' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'] },
      },
    });
  });

  test('the objects keep their sync waves: resources and identities before workloads', () => {
    const { envs } = output({ delivery: { target: 'argo-cd', repo: REPO } });
    const prod = [...envs.get('prod')!.entries()].filter(([f]) => f !== 'kustomization.yaml').flatMap(([, t]) => parse(t));
    const wave = (kind: string, name: string) => prod.find((o) => o.kind === kind && o.metadata.name === name)?.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    expect(wave('Queue', 'orders')).toBe('-1');
    expect(wave('Role', 'storefront')).toBe('-1');
    expect(wave('Deployment', 'storefront')).toBeUndefined();
  });

  test('an AppProject, when asked for, allows only the repository, the namespaces and the kinds the app emits', () => {
    const { delivery } = output({ delivery: { target: 'argo-cd', repo: REPO, namespaces: true, argoCd: { project: { create: true } } } });
    const project = delivery.get('project.yaml')![0];
    expect(project.spec.sourceRepos).toEqual([REPO]);
    expect(project.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'shop-dev' }, { server: 'https://kubernetes.default.svc', namespace: 'shop' }]);
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    const kinds = project.spec.namespaceResourceWhitelist.map((k: { group: string; kind: string }) => `${k.group}/${k.kind}`);
    expect(kinds).toEqual(expect.arrayContaining(['apps/Deployment', '/Service', 'keda.sh/ScaledObject', 'sqs.aws.m.upbound.io/Queue', 'apps/StatefulSet']));
    expect(kinds).not.toContain('/Namespace');
    expect(delivery.get('prod.yaml')![0].spec.project).toBe('shop');
  });

  test("one ApplicationSet instead: the environments (with their namespaces) as the base, merged by path with a git directory generator that skips _delivery/", () => {
    const { delivery } = output({ delivery: { target: 'argo-cd', repo: REPO, path: 'deploy/dist', argoCd: { applicationSet: true } } });
    expect([...delivery.keys()]).toEqual(['applicationset.yaml']);
    const set = delivery.get('applicationset.yaml')![0];
    const merge = set.spec.generators[0].merge;
    expect(merge.mergeKeys).toEqual(['path']);
    // the base decides which Applications exist: a folder in git that is no environment of the app makes none
    expect(merge.generators[0].list.elements).toEqual([{ path: 'deploy/dist/dev/shop', environment: 'dev', namespace: 'shop-dev' }, { path: 'deploy/dist/prod/shop', environment: 'prod', namespace: 'shop' }]);
    expect(merge.generators[1].git.directories).toEqual([{ path: 'deploy/dist/*/shop' }, { path: 'deploy/dist/_delivery/*', exclude: true }]);
    // named by environment, whatever the depth of the path
    expect(set.spec.template.metadata.name).toBe('shop-{{environment}}');
    expect(set.spec.template.spec.destination.namespace).toBe('{{namespace}}');
  });

  test('an AppProject always allows Namespaces: every Application creates its own (CreateNamespace=true)', () => {
    const { delivery } = output({ delivery: { target: 'argo-cd', repo: REPO, argoCd: { project: { create: true } } } });
    expect(delivery.get('project.yaml')![0].spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
  });
});

describe('delivery: flux', () => {
  const { envs, delivery } = output({ delivery: { target: 'flux', repo: REPO, revision: 'main', namespaces: true } });

  test('a GitRepository, and per environment two Kustomizations: workloads dependsOn resources, with prune, wait, timeout and targetNamespace', () => {
    expect(delivery.get('source.yaml')).toEqual([expect.objectContaining({ kind: 'GitRepository', spec: { interval: '5m', url: REPO, ref: { branch: 'main' } } })]);
    const [resources, workloads] = delivery.get('prod.yaml')!;
    expect(resources).toMatchObject({ kind: 'Kustomization', metadata: { name: 'shop-prod-resources', namespace: 'flux-system' },
      spec: { path: './dist/prod/shop/resources', prune: true, wait: true, timeout: '5m', targetNamespace: 'shop', sourceRef: { kind: 'GitRepository', name: 'shop' } } });
    expect(resources.spec.dependsOn).toBeUndefined();
    expect(workloads).toMatchObject({ metadata: { name: 'shop-prod-workloads' }, spec: { path: './dist/prod/shop/workloads', dependsOn: [{ name: 'shop-prod-resources' }] } });
  });

  test("each environment's objects are split by role into the two folders, each with its kustomization.yaml", () => {
    const prod = envs.get('prod')!;
    // a construct's file per folder: storefront's cloud identity in resources/, its workload in workloads/
    expect([...prod.keys()].sort()).toEqual([
      'kustomization.yaml',
      'resources/db.yaml', 'resources/fulfilment.yaml', 'resources/kustomization.yaml', 'resources/namespace.yaml', 'resources/orders.yaml', 'resources/storefront.yaml',
      'workloads/fulfilment.yaml', 'workloads/kustomization.yaml', 'workloads/nightly-report.yaml', 'workloads/storefront.yaml',
    ]);
    const kinds = (f: string) => parse(prod.get(f)!).map((m) => m.kind).sort();
    expect(kinds('resources/storefront.yaml')).toEqual(['Role', 'RolePolicy']);
    expect(kinds('resources/orders.yaml')).toEqual(['Queue', 'Queue', 'Secret']);
    expect(kinds('workloads/storefront.yaml')).toEqual(expect.arrayContaining(['Deployment', 'Service', 'ServiceAccount']));
    expect(kinds('workloads/storefront.yaml')).not.toContain('Role');
    expect(parse(prod.get('workloads/kustomization.yaml')!)[0].resources).toEqual(['fulfilment.yaml', 'nightly-report.yaml', 'storefront.yaml']);
    expect(parse(prod.get('resources/kustomization.yaml')!)[0].resources).toContain('storefront.yaml');
  });

  test('in the object layout the split is the same, a file per object', () => {
    const prod = output({ delivery: { target: 'flux', repo: REPO, revision: 'main', namespaces: true } }, 'object').envs.get('prod')!;
    expect([...prod.keys()].filter((f) => f.startsWith('resources/')).sort()).toEqual(expect.arrayContaining([
      'resources/kustomization.yaml', 'resources/namespace.yaml', 'resources/orders/queue.yaml', 'resources/storefront/role.yaml',
    ]));
    expect(prod.has('workloads/storefront/deployment.yaml')).toBe(true);
    expect(parse(prod.get('workloads/kustomization.yaml')!)[0].resources).toContain('storefront/deployment.yaml');
  });

  test('a revision becomes the ref Flux needs: a commit, a branch, or a tag (refs/tags/… or semver-like)', () => {
    const ref = (revision: string, repo = REPO) => output({ delivery: { target: 'flux', repo, revision } }).delivery.get('source.yaml')![0].spec.ref;
    expect(ref('main')).toEqual({ branch: 'main' });
    expect(ref('release/2.x')).toEqual({ branch: 'release/2.x' });
    expect(ref('v1.4.2')).toEqual({ tag: 'v1.4.2' });
    expect(ref('refs/tags/prod')).toEqual({ tag: 'prod' });
    expect(ref('refs/heads/v1.4.2')).toEqual({ branch: 'v1.4.2' });
    expect(ref('0123456789abcdef0123456789abcdef01234567')).toEqual({ commit: '0123456789abcdef0123456789abcdef01234567' });
  });

  test("Flux creates no namespace: under flux each environment's Namespace is on unless turned off", () => {
    expect(output({ delivery: { target: 'flux', repo: REPO } }).envs.get('prod')!.has('resources/namespace.yaml')).toBe(true);
    expect(output({ delivery: { target: 'flux', repo: REPO, namespaces: false } }).envs.get('prod')!.has('resources/namespace.yaml')).toBe(false);
  });

  test('an oci:// repository gives an OCIRepository', () => {
    const oci = output({ delivery: { target: 'flux', repo: 'oci://ghcr.io/acme/shop-manifests', revision: 'v1.4.2' } });
    expect(oci.delivery.get('source.yaml')![0]).toMatchObject({ kind: 'OCIRepository', spec: { url: 'oci://ghcr.io/acme/shop-manifests', ref: { tag: 'v1.4.2' } } });
  });
});

describe('delivery: Namespaces with Pod Security admission labels', () => {
  test('each environment gets its Namespace, enforcing restricted at the version the platform names', () => {
    const { envs } = output({ delivery: { namespaces: true, podSecurityVersion: 'v1.27' } });
    const ns = parse(envs.get('dev')!.get('namespace.yaml')!)[0];
    expect(ns).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-dev' } });
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.27' });
    expect(parse(envs.get('dev')!.get('kustomization.yaml')!)[0].resources).toContain('namespace.yaml');
  });
});

describeWithReference('delivery objects against their CRDs and the Kubernetes schemas', () => {
  test.each([
    ['argo-cd Applications and AppProject', { target: 'argo-cd', repo: REPO, namespaces: true, argoCd: { project: { create: true } } }],
    ['argo-cd ApplicationSet', { target: 'argo-cd', repo: REPO, argoCd: { applicationSet: true } }],
    ['flux GitRepository and Kustomizations', { target: 'flux', repo: REPO, namespaces: true }],
    ['flux OCIRepository', { target: 'flux', repo: 'oci://ghcr.io/acme/shop-manifests' }],
  ] as const)('%s are valid, and so is every environment object (Namespace included)', (_name, delivery) => {
    const { envs, deliveryFiles } = output({ delivery: delivery as PlatformProps['delivery'] });
    const objects = [
      ...[...deliveryFiles.values()].flatMap(parse),
      ...[...envs.values()].flatMap((files) => [...files].filter(([f]) => !f.endsWith('kustomization.yaml')).flatMap(([, t]) => parse(t))),
    ];
    expect(objects.length).toBeGreaterThan(0);
    expect(conformanceProblems(objects)).toEqual([]);
  });
});

const KUBECTL = onPath('kubectl');
(KUBECTL ? describe : describe.skip)(`kubectl kustomize reads each environment of every target${KUBECTL ? '' : ' (skipped: kubectl is not on PATH)'}`, () => {
  test.each(['kustomize', 'argo-cd', 'flux'].flatMap((t) => [[t, 'construct'], [t, 'object']]) as [ 'kustomize' | 'argo-cd' | 'flux', OutputLayout][])('%s, %s layout', (target, layout) => {
    const { envs } = output({ delivery: { target, repo: REPO, namespaces: true } }, layout);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-delivery-'));
    try {
      for (const [env, files] of envs) {
        for (const [f, text] of files) {
          fs.mkdirSync(path.dirname(path.join(dir, env, f)), { recursive: true });
          fs.writeFileSync(path.join(dir, env, f), text);
        }
        const folders = target === 'flux' ? ['.', 'resources', 'workloads'] : ['.'];
        const counts = folders.map((folder) => {
          const r = spawnSync(KUBECTL!, ['kustomize', path.join(dir, env, folder)], { encoding: 'utf8' });
          expect(r.stderr).toBe('');
          expect(r.status).toBe(0);
          return parse(r.stdout).length;
        });
        const expected = [...files.keys()].filter((f) => !f.endsWith('kustomization.yaml')).reduce((n, f) => n + parse(files.get(f)!).length, 0);
        expect(counts[0]).toBe(expected);
        if (target === 'flux') expect(counts[1] + counts[2]).toBe(expected);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
