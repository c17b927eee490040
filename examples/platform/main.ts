/**
 * An app team's program on the acme platform (examples/platform/acme-platform.ts):
 * the platform decides where the database and bucket come from in each
 * environment; its rules run on every synth; a construct waives one with a reason.
 */
import { Bucket, CronTask, Postgres, WebService } from 'libk8s';
import { acmeApp } from './acme-platform';

const app = acmeApp({
  name: 'payments',
  team: 'payments',
  environments: {
    staging: { namespace: 'payments-staging', domain: 'payments.staging.acme.example' },
    prod: { namespace: 'payments', domain: 'payments.acme.example' },
  },
});

// RDS in prod; in staging the DBA team's shared instance (the platform's `external` recipe)
const ledger = new Postgres(app, 'ledger', { size: 'medium', highAvailability: true });
const statements = new Bucket(app, 'statements');

new WebService(app, 'checkout', {
  image: 'ghcr.io/acme/checkout:3.2.0',
  route: { path: '/' },
  autoscale: { min: 3, max: 12 },
  annotations: { 'acme.com/cost-center': 'CC-2041' },
}).connect(ledger);

// A nightly importer that is charged centrally until finance assigns it a code.
new CronTask(app, 'ledger-import', {
  image: 'ghcr.io/acme/ledger-import:1.0.4',
  schedule: '30 1 * * *',
  timeZone: 'Europe/Berlin',
})
  .connect(ledger)
  .connect(statements, { access: 'read' })
  .waive('acme/cost-center', 'charged to the shared platform budget until FIN-88 assigns a code');

app.synth();
