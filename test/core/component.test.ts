import { ApiObject, App, JsonPatch, Libk8sError, WebService } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';

/** The problem lines of a render that must fail, without the heading and the "  - " bullets. */
function problemLines(app: App, environments?: string[]): string[] {
  let message: string | undefined;
  try {
    app.render({ environments });
  } catch (e) {
    message = (e as Error).message;
  }
  if (message === undefined) throw new Error('expected the render to fail, but it succeeded');
  return message.split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

describe('addJsonPatch', () => {
  test('a patch on the Deployment changes the rendered Deployment in every environment', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE })
      .addJsonPatch({ kind: 'Deployment' }, JsonPatch.add('/spec/template/spec/hostAliases', [{ ip: '10.0.0.1', hostnames: ['legacy'] }]));
    for (const env of ['dev', 'prod']) {
      expect(only(manifests(app, env), 'Deployment').spec.template.spec.hostAliases).toEqual([{ ip: '10.0.0.1', hostnames: ['legacy'] }]);
    }
  });

  test('several operations apply in order and touch only the targeted kind', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE }).addJsonPatch(
      { kind: 'Service' },
      JsonPatch.replace('/spec/type', 'NodePort'),
      JsonPatch.add('/spec/ports/0/nodePort', 30080),
      JsonPatch.remove('/metadata/labels/app.kubernetes.io~1version'),
    );
    const list = manifests(app);
    const svc = only(list, 'Service');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports[0].nodePort).toBe(30080);
    expect(svc.metadata.labels).not.toHaveProperty('app.kubernetes.io/version');
    expect(only(list, 'Deployment').metadata.labels['app.kubernetes.io/version']).toBe('1.4.2');
  });

  test('a patch can target one object by name', () => {
    const app = newApp();
    new WebService(app, 'catalog', { image: IMAGE, config: { files: { 'a.yaml': 'x' } } })
      .addJsonPatch({ kind: 'ConfigMap', name: 'catalog-config' }, JsonPatch.add('/immutable', true));
    expect(only(manifests(app), 'ConfigMap').immutable).toBe(true);
  });

  test('a patch to a missing path fails, naming the construct, the object, the operation and where it was added', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE })
      .addJsonPatch({ kind: 'Deployment' }, JsonPatch.add('/spec/template/spec/nodeSelector/pool', 'web'));
    const line = new RegExp(
      "^WebService 'storefront' \\(shop/storefront\\) \\[environment 'prod'\\]: 'addJsonPatch' the patch \"add /spec/template/spec/nodeSelector/pool\" "
      + "does not apply to Deployment 'storefront': \"/spec/template/spec/nodeSelector/pool\": \"/spec/template/spec/nodeSelector\" does not exist "
      + '\\(patch added at test/core/component\\.test\\.ts:\\d+\\)\\. Fix: correct the JSON pointer .* or add the missing parent first\\.$');
    const lines = problemLines(app, ['prod']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  test('a failing patch fails in every environment it applies to, never silently', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE }).addJsonPatch({ kind: 'Service' }, JsonPatch.remove('/spec/externalName'));
    const lines = problemLines(app);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("[environment 'dev']: 'addJsonPatch' the patch \"remove /spec/externalName\" does not apply to Service 'storefront': \"/spec/externalName\" does not exist");
    expect(lines[1]).toContain("[environment 'prod']");
  });

  test('a failing test operation fails the render', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE }).addJsonPatch({ kind: 'Deployment' }, JsonPatch.test('/spec/replicas', 3), JsonPatch.replace('/spec/replicas', 4));
    expect(renderError(app)).toContain('the patch "test /spec/replicas" does not apply to Deployment \'storefront\': test of "/spec/replicas" failed: expected 3, found 2');
  });

  test('a patch for a kind the construct does not emit fails and lists the kinds it does emit', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE }).addJsonPatch({ kind: 'StatefulSet' }, JsonPatch.add('/spec/replicas', 1));
    expect(problemLines(app, ['prod'])).toEqual([
      "WebService 'storefront' (shop/storefront) [environment 'prod']: 'addJsonPatch' targets StatefulSet, but this construct emits no such object here "
      + '(it emits: ServiceAccount, Deployment, PodDisruptionBudget, NetworkPolicy, Service). Fix: target one of the kinds it emits, or remove the patch.',
    ]);
  });

  test('a patch for a name the construct does not emit fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE }).addJsonPatch({ kind: 'Deployment', name: 'store' }, JsonPatch.add('/spec/paused', true));
    expect(renderError(app)).toContain("'addJsonPatch' targets Deployment 'store', but this construct emits no such object here");
  });

  test('a patch for the HPA fails in an environment without autoscale', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, overrides: { prod: { autoscale: { min: 2, max: 4 } } } })
      .addJsonPatch({ kind: 'HorizontalPodAutoscaler' }, JsonPatch.replace('/spec/maxReplicas', 8));
    expect(only(manifests(app, 'prod'), 'HorizontalPodAutoscaler').spec.maxReplicas).toBe(8);
    expect(problemLines(app, ['dev'])[0]).toContain("[environment 'dev']: 'addJsonPatch' targets HorizontalPodAutoscaler, but this construct emits no such object here");
  });

  test('a patch scoped to an environment applies only there', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE, overrides: { dev: { autoscale: { min: 1, max: 2 } } } })
      .addJsonPatch({ kind: 'Deployment', environment: 'prod' }, JsonPatch.add('/spec/minReadySeconds', 10))
      .addJsonPatch({ kind: 'HorizontalPodAutoscaler', environment: 'dev' }, JsonPatch.replace('/spec/maxReplicas', 3));
    expect(only(manifests(app, 'prod'), 'Deployment').spec.minReadySeconds).toBe(10);
    expect(only(manifests(app, 'dev'), 'Deployment').spec).not.toHaveProperty('minReadySeconds');
    expect(only(manifests(app, 'dev'), 'HorizontalPodAutoscaler').spec.maxReplicas).toBe(3);
  });

  test('a patch scoped to an environment the app does not have fails instead of never applying', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE }).addJsonPatch({ kind: 'Deployment', environment: 'staging' }, JsonPatch.add('/spec/paused', true));
    expect(problemLines(app)).toEqual([
      "WebService 'storefront' (shop/storefront): 'addJsonPatch' targets environment \"staging\", which the app does not have, so the patch would never apply. "
      + "Fix: use one of the app's environments: dev, prod.",
    ]);
  });

  test('patch problems and prop problems of several constructs arrive together in one Libk8sError', () => {
    const app = newApp();
    new WebService(app, 'a', { image: IMAGE }).addJsonPatch({ kind: 'Job' }, JsonPatch.add('/x', 1));
    new WebService(app, 'b', { image: IMAGE }).addJsonPatch({ kind: 'Service' }, JsonPatch.replace('/spec/nope', 1));
    let error: unknown;
    try {
      app.render({ environments: ['prod'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Libk8sError);
    expect((error as Libk8sError).problems.map((p) => [p.id, p.prop, p.environment])).toEqual([['a', 'addJsonPatch', 'prod'], ['b', 'addJsonPatch', 'prod']]);
  });
});

describe('customize', () => {
  test('reaches the cdk8s objects: a JSON patch on the deployment changes the output', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE })
      .customize((objects) => objects.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/dnsConfig', { options: [{ name: 'ndots', value: '2' }] })));
    expect(only(manifests(app), 'Deployment').spec.template.spec.dnsConfig).toEqual({ options: [{ name: 'ndots', value: '2' }] });
  });

  test('is strict too: a patch to a missing path fails, naming the object and the operation', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE })
      .customize((objects) => objects.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/hostNetwork', false)));
    expect(problemLines(app, ['prod'])).toEqual([
      "WebService 'storefront' (shop/storefront) [environment 'prod']: 'addJsonPatch' the patch \"replace /spec/template/spec/hostNetwork\" does not apply to Deployment 'storefront': "
      + '"/spec/template/spec/hostNetwork" does not exist, so it cannot be removed or replaced. '
      + 'Fix: correct the JSON pointer (see the object in the output of a synth without the patch) or add the missing parent first.',
    ]);
  });

  test('can change metadata through the cdk8s API', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE }).customize((objects) => {
      objects.service.metadata.addAnnotation('service.beta.kubernetes.io/aws-load-balancer-internal', 'true');
      objects.service.metadata.addLabel('exposure', 'internal');
    });
    const svc = only(manifests(app), 'Service');
    expect(svc.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' });
    expect(svc.metadata.labels).toMatchObject({ 'exposure': 'internal', 'app.kubernetes.io/name': 'storefront' });
  });

  test('gets the environment in its context, so it can differ per environment', () => {
    const app = newApp();
    const seen: string[] = [];
    new WebService(app, 'storefront', { image: IMAGE }).customize((objects, ctx) => {
      seen.push(ctx.environment.name);
      if (ctx.environment.name === 'prod') objects.deployment.metadata.addAnnotation('acme.io/paged', 'true');
    });
    expect(only(manifests(app, 'prod'), 'Deployment').metadata.annotations).toEqual({ 'acme.io/paged': 'true' });
    expect(only(manifests(app, 'dev'), 'Deployment').metadata).not.toHaveProperty('annotations');
    expect(seen).toEqual(['prod', 'dev']);
  });

  test('sees the optional objects only where they exist', () => {
    const app = newApp();
    const hpas: Record<string, boolean> = {};
    new WebService(app, 'storefront', { image: IMAGE, route: {}, overrides: { prod: { autoscale: { min: 2, max: 5 } } } })
      .customize((objects, ctx) => { hpas[ctx.environment.name] = objects.horizontalPodAutoscaler !== undefined && objects.httpRoute !== undefined; });
    app.render();
    expect(hpas).toEqual({ dev: false, prod: true });
  });

  test('can add an object, which is rendered beside the construct objects', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE }).customize((_objects, ctx) => {
      new ApiObject(ctx.scope, 'Monitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: 'storefront', namespace: ctx.environment.namespace },
        spec: { endpoints: [{ port: 'http' }] },
      });
    });
    const rendered = app.render({ environments: ['prod'] })[0].objects;
    const monitor = rendered.find((o) => o.kind === 'ServiceMonitor');
    expect(monitor?.manifest.spec).toEqual({ endpoints: [{ port: 'http' }] });
    expect(monitor?.file).toBe('storefront/servicemonitor.yaml');
  });

  test('adding two objects of one kind and name fails', () => {
    const app = newApp();
    new WebService(app, 'storefront', { image: IMAGE }).customize((_objects, ctx) => {
      new ApiObject(ctx.scope, 'ExtraSA', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'storefront' } });
    });
    expect(problemLines(app, ['prod'])).toEqual([
      "WebService 'storefront' (shop/storefront) [environment 'prod']: emits ServiceAccount 'storefront' twice. Fix: give the objects added in customize() distinct names.",
    ]);
  });
});
