/**
 * The quickstart of README.md and ../shared/DESIGN.md, as written: a
 * storefront that writes orders to a queue, a queue-backed fulfilment worker
 * that scales to zero on queue depth, a Postgres database both use, and a
 * nightly report job. `dev` gets in-cluster stand-ins, `prod` Crossplane AWS
 * resources with an IAM role per workload.
 * Run it with `npm run example` (writes dist/dev/shop and dist/prod/shop).
 */
import { App, WebService, QueueWorker, Queue, Postgres, CronTask } from 'libk8s';

const app = new App({
  name: 'shop',
  team: 'commerce',
  environments: {
    dev: { namespace: 'shop-dev', domain: 'dev.shop.example.com' },
    prod: { namespace: 'shop', domain: 'shop.example.com' },
  },
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

app.synth();
