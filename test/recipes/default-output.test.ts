import { App, Bucket, Postgres, Queue, Redis, WebService } from 'libk8s';

/**
 * The default output of every resource (no props) on every built-in recipe,
 * pinned as snapshots: a change to what a recipe emits by default shows up
 * here and belongs in the CHANGELOG.
 */
const RECIPES = ['crossplane-aws', 'in-cluster', 'external'] as const;
const RESOURCES = { Queue, Postgres, Redis, Bucket } as const;

function render(recipe: (typeof RECIPES)[number], type: keyof typeof RESOURCES) {
  // in-cluster stand-ins are for dev (a production environment refuses them)
  const env = recipe === 'in-cluster' ? 'dev' : 'prod';
  const app = new App({ name: 'shop', team: 'commerce', environments: { [env]: { namespace: `shop-${env}`, recipes: recipe } } });
  const resource = new RESOURCES[type](app, 'res');
  const objects = app.render()[0].objects;
  return { app, resource, manifests: objects.filter((o) => o.component === resource).map((o) => o.manifest) };
}

describe.each(RECIPES)('%s', (recipe) => {
  test.each(Object.keys(RESOURCES) as (keyof typeof RESOURCES)[])('%s with default props', (type) => {
    const { manifests } = render(recipe, type);
    if (recipe === 'external') expect(manifests).toEqual([]); // the platform's Secret exists already: nothing is created
    else expect(manifests.length).toBeGreaterThan(0);
    expect(manifests).toMatchSnapshot();
  });
});

describe('external', () => {
  test.each(Object.keys(RESOURCES) as (keyof typeof RESOURCES)[])('%s: what a workload wired to it gets by default', (type) => {
    const app = new App({ name: 'shop', team: 'commerce', environments: { prod: { namespace: 'shop', recipes: 'external' } } });
    const resource = new RESOURCES[type](app, 'res');
    const web = new WebService(app, 'web', { image: 'ghcr.io/acme/web:1.0.0' });
    if (resource instanceof Queue) web.sendTo(resource);
    else web.connect(resource);
    const objects = app.render()[0].objects.filter((o) => o.component === (web as unknown));
    const deployment = objects.find((o) => o.kind === 'Deployment')!.manifest;
    const policy = objects.find((o) => o.kind === 'NetworkPolicy')!.manifest;
    expect({ env: deployment.spec.template.spec.containers[0].env, egress: policy.spec.egress }).toMatchSnapshot();
  });
});
