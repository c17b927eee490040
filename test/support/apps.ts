import { App, AppProps, RenderedObject } from 'libk8s';

/** A two-environment app like the quickstart's. */
export function newApp(overrides: Partial<AppProps<'dev' | 'prod'>> = {}): App<'dev' | 'prod'> {
  return new App({
    name: 'shop',
    team: 'commerce',
    environments: {
      dev: { namespace: 'shop-dev', domain: 'dev.shop.example.com' },
      prod: { namespace: 'shop', domain: 'shop.example.com' },
    },
    ...overrides,
  });
}

/** Renders one environment in memory and returns its manifests. */
export function manifests(app: App, env = 'prod'): Record<string, any>[] {
  return app.render({ environments: [env] })[0].objects.map((o: RenderedObject) => o.manifest);
}

/** The one manifest of a kind (and name) in a list; throws when there is not exactly one. */
export function only(list: Record<string, any>[], kind: string, name?: string): Record<string, any> {
  const found = list.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` '${name}'` : ''}, found ${found.length}`);
  return found[0];
}

/** The error message of a render that must fail. */
export function renderError(app: App): string {
  try {
    app.render();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the render to fail, but it succeeded');
}
