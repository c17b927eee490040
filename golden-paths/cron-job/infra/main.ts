// The Kubernetes side of {{name}}: `npx libk8s synth` writes dist/<environment>/{{name}}/.
import { App, CronTask } from 'libk8s';

const app = new App({
  name: '{{name}}',
  team: '{{team}}',
  environments: {
    staging: { namespace: '{{name}}-staging' },
    prod: { namespace: '{{name}}' },
  },
});

new CronTask(app, '{{name}}', {
  image: 'ghcr.io/example/{{name}}:0.1.0', // your image, pinned by tag or digest
  schedule: '0 3 * * *',
  timeZone: 'Etc/UTC',
  overrides: { staging: { suspend: true } }, // runs in prod only until you turn it on
});

app.synth();
