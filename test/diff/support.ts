import { ApiObject, App, Postgres, RenderedEnvironment, WebService, Worker } from 'libk8s';
import { fromRendered, ManifestSet } from '../../lib/diff';

export interface ShopVersion {
  apiImage?: string;
  /** The WebService's id. */
  apiName?: string;
  route?: boolean;
  worker?: boolean;
  /** With the Postgres (default true). */
  db?: boolean;
  /** Adds a Secret `api-token` (through `customize`) holding this token. */
  token?: string;
}

/** A two-environment app: a routed WebService wired to a Postgres (dev: in-cluster stand-in with a Secret), maybe a Worker. */
export function shop(v: ShopVersion = {}): App<'dev' | 'prod'> {
  const app = new App({
    name: 'shop',
    team: 'commerce',
    environments: {
      dev: { namespace: 'shop-dev', domain: 'dev.shop.example.com' },
      prod: { namespace: 'shop', domain: 'shop.example.com' },
    },
  });
  const db = v.db === false ? undefined : new Postgres(app, 'db');
  const api = new WebService(app, v.apiName ?? 'api', {
    image: v.apiImage ?? 'ghcr.io/acme/api:1.4.2',
    port: 8080,
    ...(v.route === false ? {} : { route: { path: '/' } }),
  });
  if (db) api.connect(db);
  const token = v.token;
  if (token !== undefined) {
    api.customize((_objects, ctx) => {
      new ApiObject(ctx.scope, 'token', {
        apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-token' }, type: 'Opaque',
        stringData: { token, user: 'robot' },
      });
    });
  }
  if (v.worker) new Worker(app, 'mailer', { image: 'ghcr.io/acme/mailer:2.0.0' });
  return app;
}

export function render(v: ShopVersion = {}): RenderedEnvironment[] {
  return shop(v).render();
}

export function sets(v: ShopVersion = {}): ManifestSet[] {
  return fromRendered(render(v));
}

/** A deep copy of manifest sets, so an "after" side can be edited. */
export function clone(s: readonly ManifestSet[]): ManifestSet[] {
  return JSON.parse(JSON.stringify(s));
}
