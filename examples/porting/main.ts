import { App, Redis, WebService } from 'libk8s';

const app = new App({
  name: 'catalog',
  team: 'merch',
  environments: {
    dev: { namespace: 'catalog-dev', domain: 'dev.shop.example.com' },
    prod: { namespace: 'catalog', domain: 'shop.example.com' },
  },
});

const cache = new Redis(app, 'cache');                     // was the redis-master Service of a Helm release

new WebService(app, 'catalog', {
  image: 'ghcr.io/acme/catalog:3.2.1',
  port: 8080,                                              // named "http", appProtocol http
  ports: [
    { name: 'grpc', port: 9090, appProtocol: 'grpc', ingress: [{ namespace: 'checkout' }] },
    { name: 'metrics', port: 9100 },                       // a ServiceMonitor, and Prometheus let in
  ],
  probes: { startup: { path: '/live' }, readiness: { path: '/ready' }, liveness: { path: '/live' } },
  env: { LOG_LEVEL: 'info' },
  size: 'medium',                                          // 250m / 512Mi
  replicas: 3,
  route: { subdomain: 'catalog' },
}).connect(cache, { env: 'REDIS', format: 'hostport' });   // REDIS_ADDR=$(REDIS_HOST):$(REDIS_PORT), REDIS_PASSWORD, REDIS_TLS

app.synth();
