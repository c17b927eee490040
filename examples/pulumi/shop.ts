/**
 * The constructs of examples/shop/main.ts, as a function and without
 * `app.synth()`: Pulumi deploys them (index.ts), and test/pulumi checks that
 * what Pulumi registers is exactly what `libk8s synth` would write.
 * (In your own project import from 'libk8s'; inside this repository the
 * example reads the sources.)
 */
import { App, CronTask, PlatformProps, Postgres, Queue, QueueWorker, WebService } from '../../lib';

export function shop(platform?: PlatformProps): App {
  const app = new App({
    name: 'shop',
    team: 'commerce',
    environments: {
      dev: { namespace: 'shop-dev', domain: 'dev.shop.example.com' },
      prod: { namespace: 'shop', domain: 'shop.example.com' },
    },
    ...(platform ? { platform } : {}),
  });

  const orders = new Queue(app, 'orders', { deadLetter: { maxReceiveCount: 5 } });
  const db = new Postgres(app, 'db', { storageGiB: 20 });

  const storefront = new WebService(app, 'storefront', {
    image: 'ghcr.io/acme/storefront:1.4.2',
    port: 8080,
    route: { path: '/' },
    autoscale: { min: 2, max: 10, cpuPercent: 70 },
  });
  storefront.connect(db);
  storefront.sendTo(orders);

  const fulfilment = new QueueWorker(app, 'fulfilment', {
    image: 'ghcr.io/acme/fulfilment:1.4.2',
    queue: orders,
    autoscale: { min: 0, max: 20, messagesPerReplica: 10 },
  });
  fulfilment.connect(db);

  new CronTask(app, 'nightly-report', {
    image: 'ghcr.io/acme/reports:1.4.2',
    schedule: '0 3 * * *',
    timeZone: 'Europe/Amsterdam',
  });
  return app;
}
