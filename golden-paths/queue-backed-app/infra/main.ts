// The Kubernetes side of {{name}}: `npx libk8s synth` writes dist/<environment>/{{name}}/.
import { App, Postgres, Queue, QueueWorker, WebService } from 'libk8s';

const app = new App({
  name: '{{name}}',
  team: '{{team}}',
  environments: {
    staging: { namespace: '{{name}}-staging', domain: 'staging.example.com' },
    prod: { namespace: '{{name}}', domain: 'example.com' },
  },
});

// made real per environment by the platform's recipe (crossplane-aws by default: SQS and RDS)
const jobs = new Queue(app, 'jobs', { deadLetter: { maxReceiveCount: 5 } });
const db = new Postgres(app, 'db', { storageGiB: 20 });

// gets DB_* and JOBS_* in its environment, egress to both, and permission to send
new WebService(app, 'web', {
  image: 'ghcr.io/example/{{name}}-web:0.1.0',
  route: { subdomain: '{{name}}', path: '/' },
  autoscale: { min: 2, max: 6 },
}).connect(db).sendTo(jobs);

// KEDA scales it on the queue's depth, to zero when the queue is empty
new QueueWorker(app, 'worker', {
  image: 'ghcr.io/example/{{name}}-worker:0.1.0',
  queue: jobs,
  autoscale: { min: 0, max: 10, messagesPerReplica: 10 },
}).connect(db);

app.synth();
