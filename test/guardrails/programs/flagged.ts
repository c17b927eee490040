// A real program file: the guardrails must point at the line that created the flagged construct.
import { App, Rule, WebService } from 'libk8s';

/** Flags every Deployment whose image comes from docker.io: a platform rule. */
export const noDockerHub: Rule = {
  id: 'acme/no-docker-hub',
  pack: 'acme',
  severity: 'error',
  description: 'Images come from the internal registry.',
  fix: 'push the image to ghcr.io/acme and use that reference.',
  kinds: ['Deployment'],
  check: (s) => (s.manifest.spec.template.spec.containers as any[])
    .filter((c) => c.image.startsWith('docker.io/'))
    .map((c) => ({ message: `container '${c.name}' pulls ${c.image}`, field: 'spec.template.spec.containers[0].image' })),
};

export function build(): App {
  const app = new App({
    name: 'shop',
    team: 'commerce',
    environments: { prod: { namespace: 'shop', domain: 'shop.example.com' } },
    platform: { guardrails: { packs: [], rules: [noDockerHub] } },
  });
  new WebService(app, 'good', { image: 'ghcr.io/acme/good:1.0.0' });
  new WebService(app, 'flagged', { image: 'docker.io/library/nginx:1.27' }); // the flagged line
  return app;
}
