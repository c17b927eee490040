import { App, Postgres, WebService } from 'libk8s';
import { acmeApp, AcmeWebService, ACME_REGISTRY, COST_CENTER_ANNOTATION, ENVIRONMENT_LABEL } from '../../examples/platform-team/index';

/**
 * How defaults layer, each layer winning over the one below it, asserted on
 * the synthesized objects (app.render()):
 *
 *   library (libk8s) < platform (@acme/platform) < app (acmeApp props)
 *     < environment (an environment's props) < construct prop (< the construct's overrides)
 */

const IMAGE = 'ghcr.io/acme/api:1.0.0';

/** The manifest of kind `kind` and name `name` in each environment, by environment name. */
function byEnv(app: App<any>, kind: string, name: string): Record<string, Record<string, any> | undefined> {
  return Object.fromEntries(app.render().map((r) => [r.environment.name, r.objects.find((o) => o.kind === kind && o.name === name)?.manifest]));
}

const cpuRequest = (d: Record<string, any> | undefined) => d?.spec.template.spec.containers[0].resources.requests.cpu;

describe('size: the cpu request of a web service', () => {
  const cpu = (app: App<any>) => Object.fromEntries(Object.entries(byEnv(app, 'Deployment', 'api')).map(([env, d]) => [env, cpuRequest(d)]));

  test('library: libk8s preset small (100m)', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { dev: {}, prod: {} } });
    new WebService(app, 'api', { image: IMAGE });
    expect(cpu(app)).toEqual({ dev: '100m', prod: '100m' });
  });

  test('platform over library: Acme\'s small preset (200m)', () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', costCenter: 'CC-1000', environments: ['dev', 'prod'] });
    new AcmeWebService(app, 'api', { image: IMAGE });
    expect(cpu(app)).toEqual({ dev: '200m', prod: '200m' });
  });

  test('app over platform: acmeApp({ size: medium }) (500m)', () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', size: 'medium', environments: ['dev', 'prod'] });
    new AcmeWebService(app, 'api', { image: IMAGE });
    expect(cpu(app)).toEqual({ dev: '500m', prod: '500m' });
  });

  test('environment over app: prod { size: large } (1000m in prod only)', () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', size: 'medium', environments: { dev: {}, prod: { size: 'large' } } });
    new AcmeWebService(app, 'api', { image: IMAGE });
    expect(cpu(app)).toEqual({ dev: '500m', prod: '1000m' });
  });

  test('construct prop over environment: size xlarge (2000m everywhere)', () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', size: 'medium', environments: { dev: {}, prod: { size: 'large' } } });
    new AcmeWebService(app, 'api', { image: IMAGE, size: 'xlarge' });
    expect(cpu(app)).toEqual({ dev: '2000m', prod: '2000m' });
  });

  test("the construct's override over its prop: overrides.prod.size nano (100m in prod)", () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', size: 'medium', environments: { dev: {}, prod: { size: 'large' } } });
    new AcmeWebService(app, 'api', { image: IMAGE, size: 'xlarge', overrides: { prod: { size: 'nano' } } });
    expect(cpu(app)).toEqual({ dev: '2000m', prod: '100m' });
  });
});

describe('the cost center annotation of a workload', () => {
  const costCenter = (app: App<any>) => Object.fromEntries(Object.entries(byEnv(app, 'Deployment', 'api')).map(([env, d]) => [env, d?.metadata.annotations?.[COST_CENTER_ANNOTATION]]));

  test('library and platform: none (acme/cost-center then fails the synth)', () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', environments: ['dev', 'prod'] });
    new AcmeWebService(app, 'api', { image: IMAGE });
    expect(costCenter(app)).toEqual({ dev: undefined, prod: undefined });
    expect(app.check(app.render()).flatMap((r) => r.findings).filter((f) => f.rule === 'acme/cost-center' && !f.waived).length).toBe(2);
  });

  test('app: costCenter on acmeApp', () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', costCenter: 'CC-1000', environments: ['dev', 'prod'] });
    new AcmeWebService(app, 'api', { image: IMAGE });
    expect(costCenter(app)).toEqual({ dev: 'CC-1000', prod: 'CC-1000' });
  });

  test('environment over app', () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', costCenter: 'CC-1000', environments: { dev: {}, prod: { costCenter: 'CC-2000' } } });
    new AcmeWebService(app, 'api', { image: IMAGE });
    expect(costCenter(app)).toEqual({ dev: 'CC-1000', prod: 'CC-2000' });
  });

  test('construct prop over environment: annotations on the construct', () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', costCenter: 'CC-1000', environments: { dev: {}, prod: { costCenter: 'CC-2000' } } });
    new AcmeWebService(app, 'api', { image: IMAGE, annotations: { [COST_CENTER_ANNOTATION]: 'CC-3000' } });
    expect(costCenter(app)).toEqual({ dev: 'CC-3000', prod: 'CC-3000' });
  });
});

describe('the recipe of a Postgres in staging', () => {
  const db = (app: App<any>) => app.render()[0].objects.filter((o) => o.component.node.id === 'db').map((o) => o.kind).sort();

  test('library: crossplane-aws for an environment named staging (an RDS Instance)', () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { staging: {} } });
    new Postgres(app, 'db');
    expect(db(app)).toContain('Instance');
  });

  test('platform over library: Acme\'s staging uses the DBA team\'s instance (external: no objects)', () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', environments: ['staging'] });
    new Postgres(app, 'db');
    expect(db(app)).toEqual([]);
  });

  test('app over platform: platform.environmentRecipes on acmeApp', () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', environments: ['staging'], platform: { environmentRecipes: { staging: 'crossplane-aws' } } });
    new Postgres(app, 'db');
    expect(db(app)).toContain('Instance');
  });

  test('environment over app: the environment\'s recipes', () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', environments: { staging: { recipes: 'in-cluster' } }, platform: { environmentRecipes: { staging: 'crossplane-aws' } } });
    new Postgres(app, 'db');
    expect(db(app)).toContain('StatefulSet');
    expect(db(app)).not.toContain('Instance');
  });
});

describe('the image registry and the environment label', () => {
  test("platform: a bare image name gets Acme's registry and the team; the construct's full reference wins", () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', environments: ['prod'] });
    new AcmeWebService(app, 'api', { image: 'api:1.0.0' });
    new AcmeWebService(app, 'vendor', { image: IMAGE });
    expect(byEnv(app, 'Deployment', 'api').prod!.spec.template.spec.containers[0].image).toBe(`${ACME_REGISTRY}/commerce/api:1.0.0`);
    expect(byEnv(app, 'Deployment', 'vendor').prod!.spec.template.spec.containers[0].image).toBe(IMAGE);
  });

  test("platform sets acme.com/environment; the environment's labels win", () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', environments: { dev: {}, prod: { labels: { [ENVIRONMENT_LABEL]: 'production' } } } });
    new AcmeWebService(app, 'api', { image: IMAGE });
    const d = byEnv(app, 'Deployment', 'api');
    expect(d.dev!.metadata.labels[ENVIRONMENT_LABEL]).toBe('dev');
    expect(d.prod!.metadata.labels[ENVIRONMENT_LABEL]).toBe('production');
  });

  test('platform: the namespace is <app>-<env>, <app> in prod; the environment\'s namespace wins', () => {
    const app = acmeApp({ name: 'shop', team: 'commerce', environments: { dev: {}, staging: { namespace: 'shop-stg' }, prod: {} } });
    new AcmeWebService(app, 'api', { image: IMAGE });
    const d = byEnv(app, 'Deployment', 'api');
    expect([d.dev!.metadata.namespace, d.staging!.metadata.namespace, d.prod!.metadata.namespace]).toEqual(['shop-dev', 'shop-stg', 'shop']);
  });
});
