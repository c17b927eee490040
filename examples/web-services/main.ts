/**
 * Web services in depth: routes on the domain and on a subdomain, extra
 * ports, per-environment overrides, config files that roll the pods, and
 * one service calling another with connect().
 * Run it with `node bin/libk8s.js synth examples/web-services/main.ts`.
 */
import { App, Env, WebService } from 'libk8s';

const app = new App({
  name: 'web',
  team: 'commerce',
  environments: {
    dev: { namespace: 'web-dev', domain: 'dev.web.example.com' },
    prod: { namespace: 'web', domain: 'web.example.com' },
  },
});

// An internal service (no route) with a config file that rolls the pods when it changes.
const catalog = new WebService(app, 'catalog', {
  image: 'ghcr.io/acme/catalog:0.9.0',
  config: {
    files: { 'catalog.yaml': 'currency: EUR\npageSize: 50\n' },
  },
  env: { CONFIG_PATH: '/etc/catalog/catalog.yaml' },
  size: 'small',
});

// The public storefront: routed at the domain's root, autoscaled on cpu; it
// calls the catalog (CATALOG_URL, and NetworkPolicies both ways).
const storefront = new WebService(app, 'storefront', {
  image: 'ghcr.io/acme/storefront:1.4.2',
  port: 8080,
  route: { path: '/' },
  autoscale: { min: 2, max: 10, cpuPercent: 70 },
  env: {
    LOG_LEVEL: 'info',
    SESSION_SECRET: Env.secret('storefront-session', 'secret'),
  },
  overrides: {
    prod: { autoscale: { min: 3, max: 30, cpuPercent: 60 }, size: 'medium' },
  },
});
storefront.connect(catalog);

// The public API on its own subdomain, with a metrics port.
new WebService(app, 'api', {
  image: 'ghcr.io/acme/api:2.0.1',
  port: 3000,
  ports: [{ name: 'metrics', port: 9090 }],
  route: { subdomain: 'api', path: '/v1' },
  replicas: 2,
  overrides: {
    prod: { autoscale: { min: 3, max: 12 } },
  },
});

app.synth();
