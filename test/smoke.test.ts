import { WebService } from 'libk8s';
import { manifests, newApp, only } from './support/apps';

test('a WebService renders its Deployment named after its id', () => {
  const app = newApp();
  new WebService(app, 'storefront', { image: 'ghcr.io/acme/storefront:1.4.2' });
  expect(only(manifests(app), 'Deployment').metadata.name).toBe('storefront');
});
