/**
 * An app team's program on the acme platform (examples/platform/acme-platform.ts):
 * the platform's rules run on every synth; a construct waives one with a reason.
 */
import { WebService } from 'libk8s';
import { acmeApp } from './acme-platform';

const app = acmeApp({
  name: 'payments',
  team: 'payments',
  environments: {
    staging: { namespace: 'payments-staging', domain: 'payments.staging.acme.example' },
    prod: { namespace: 'payments', domain: 'payments.acme.example' },
  },
});

new WebService(app, 'checkout', {
  image: 'ghcr.io/acme/checkout:3.2.0',
  route: { path: '/' },
  autoscale: { min: 3, max: 12 },
  annotations: { 'acme.com/cost-center': 'CC-2041' },
});

// A batch importer that is charged centrally until finance assigns it a code.
new WebService(app, 'ledger-import', {
  image: 'ghcr.io/acme/ledger-import:1.0.4',
}).waive('acme/cost-center', 'charged to the shared platform budget until FIN-88 assigns a code');

app.synth();
