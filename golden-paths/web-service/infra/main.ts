// The Kubernetes side of {{name}}: `npx libk8s synth` writes dist/<environment>/{{name}}/.
import { App, WebService } from 'libk8s';

const app = new App({
  name: '{{name}}',
  team: '{{team}}',
  environments: {
    staging: { namespace: '{{name}}-staging', domain: 'staging.example.com' },
    prod: { namespace: '{{name}}', domain: 'example.com' },
  },
});

new WebService(app, '{{name}}', {
  image: 'ghcr.io/example/{{name}}:0.1.0', // your image, pinned by tag or digest
  port: 8080, // serves /healthz, /readyz and /livez here
  route: { subdomain: '{{name}}', path: '/' },
  autoscale: { min: 2, max: 6 },
  overrides: { prod: { autoscale: { min: 3, max: 12 } } },
});

app.synth();
