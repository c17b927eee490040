/**
 * An app team's program on @acme/platform (examples/platform-team/index.ts).
 * In the app's own repository the import reads `from '@acme/platform'`.
 */
import { acmeApp, AcmeWebService, AcmeWorker, acmeWaive, Postgres, Queue, QueueWorker } from '../../index';

const app = acmeApp({
  name: 'payments',
  team: 'payments',
  costCenter: 'CC-2041', // the app layer: every workload is charged here
  environments: {
    dev: {},
    staging: {},
    prod: { size: 'medium', costCenter: 'CC-2042' }, // the environment layer
  },
});

const ledger = new Postgres(app, 'ledger', { storageGiB: 50 });
const payouts = new Queue(app, 'payouts');

new AcmeWebService(app, 'checkout', {
  image: 'checkout:3.2.0', // registry.acme.example/payments/checkout:3.2.0
  route: { subdomain: 'payments', path: '/' },
  autoscale: { min: 2, max: 8 },
  overrides: { prod: { autoscale: { min: 3, max: 12 } } },
}).connect(ledger).sendTo(payouts);

new QueueWorker(app, 'payout-sender', {
  image: 'registry.acme.example/payments/payout-sender:3.2.0',
  queue: payouts,
}).connect(ledger);

// a vendor's agent, pulled from its own registry under a tracked exception
acmeWaive(new AcmeWorker(app, 'fraud-agent', { image: 'ghcr.io/vendor/fraud-agent:7.1.0', size: 'large' }), 'acme/registry', 'SEC-412: vendor image, mirrored from Q3');

app.synth();
