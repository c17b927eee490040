/**
 * The shop: the README's quickstart grown as far as the web services go.
 * Run it with `npm run example` (writes dist/dev/shop and dist/prod/shop).
 */
import { App, Env, WebService } from 'libk8s';

const app = new App({
  name: 'shop',
  team: 'commerce',
  environments: {
    dev: { namespace: 'shop-dev', domain: 'dev.shop.example.com' },
    prod: { namespace: 'shop', domain: 'shop.example.com' },
  },
});

// The public storefront: routed at the domain's root, autoscaled on cpu.
new WebService(app, 'storefront', {
  image: 'ghcr.io/acme/storefront:1.4.2',
  port: 8080,
  route: { path: '/' },
  autoscale: { min: 2, max: 10, cpuPercent: 70 },
  env: {
    LOG_LEVEL: 'info',
    CATALOG_URL: 'http://catalog',
    SESSION_SECRET: Env.secret('storefront-session', 'secret'),
  },
  overrides: {
    prod: { autoscale: { min: 3, max: 30, cpuPercent: 60 }, size: 'medium' },
  },
});

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

// An internal service (no route) with a config file that rolls the pods when it changes.
new WebService(app, 'catalog', {
  image: 'ghcr.io/acme/catalog:0.9.0',
  config: {
    files: { 'catalog.yaml': 'currency: EUR\npageSize: 50\n' },
  },
  env: { CONFIG_PATH: '/etc/catalog/catalog.yaml' },
  size: 'small',
});

app.synth();
