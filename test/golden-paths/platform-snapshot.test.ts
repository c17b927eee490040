import { toYamlStream } from 'libk8s';
import { acmeApp, AcmeWebService, AcmeWorker, Postgres, Queue, QueueWorker } from '../../examples/platform-team';

/**
 * What a platform package runs before it releases against a new libk8s:
 * the default output of each of its pre-configured constructs in each of
 * its environments, as YAML snapshots. After bumping libk8s, a changed
 * snapshot is the reviewed diff of what every app on the platform would get
 * (`jest -u` accepts it, and the platform's CHANGELOG says so).
 */
describe("@acme/platform's constructs, as every app gets them", () => {
  const app = acmeApp({ name: 'shop', team: 'commerce', costCenter: 'CC-1000', environments: ['dev', 'prod'] });
  const db = new Postgres(app, 'db', {});
  const jobs = new Queue(app, 'jobs', {});
  new AcmeWebService(app, 'api', { image: 'api:1.0.0' }).connect(db).sendTo(jobs);
  new AcmeWorker(app, 'mailer', { image: 'mailer:1.0.0' });
  new QueueWorker(app, 'billing', { image: 'registry.acme.example/commerce/billing:1.0.0', queue: jobs });

  test.each(['dev', 'prod'])('in %s', (env) => {
    const [rendered] = app.render({ environments: [env] });
    expect(toYamlStream(rendered.objects.map((o) => o.manifest))).toMatchSnapshot();
  });
});
