// The Kubernetes side of {{name}}: `npx libk8s synth` writes dist/<environment>/{{name}}/.
import { App, Worker } from 'libk8s';

const app = new App({
  name: '{{name}}',
  team: '{{team}}',
  environments: {
    staging: { namespace: '{{name}}-staging' },
    prod: { namespace: '{{name}}' },
  },
});

new Worker(app, '{{name}}', {
  image: 'ghcr.io/example/{{name}}:0.1.0', // your image, pinned by tag or digest
  healthPort: 8080, // serves /healthz, /readyz and /livez here
  env: { LOG_LEVEL: 'info' },
  overrides: { prod: { replicas: 3, env: { LOG_LEVEL: 'warn' } } },
});

app.synth();
