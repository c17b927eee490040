import { external, Postgres, Queue, WebService } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';

const IMAGE = 'ghcr.io/acme/app:1.0.0';

describe('external()', () => {
  test('wires workloads to the Secret the platform names, with egress to its blocks on the type port', () => {
    const app = newApp({ platform: { recipes: [external({ secrets: { db: 'orders-db' }, cidrs: ['10.20.0.0/16'], ports: { postgres: 6432 } })], environmentRecipes: { '*': 'external' } } });
    new WebService(app, 'api', { image: IMAGE }).connect(new Postgres(app, 'db'));
    const list = manifests(app);
    expect(only(list, 'Deployment').spec.template.spec.containers[0].env).toContainEqual({ name: 'DB_HOST', valueFrom: { secretKeyRef: { name: 'orders-db', key: 'host' } } });
    expect(only(list, 'NetworkPolicy').spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 6432 }] });
  });

  test('cidrs that are not CIDR blocks and ports out of range are problems, all reported in one run, not an invalid NetworkPolicy', () => {
    const app = newApp({ platform: { recipes: [external({ cidrs: ['10.0.0.0/33', 'db.internal'], ports: { postgres: 70000, queue: 0 } })], environmentRecipes: { '*': 'external' } } });
    new WebService(app, 'api', { image: IMAGE }).connect(new Postgres(app, 'db')).sendTo(new Queue(app, 'orders'));
    const message = renderError(app);
    expect(message).toContain("Postgres 'db' (shop/db) [environment 'dev']: 'external.cidrs[0]' \"10.0.0.0/33\" is not a CIDR block. Fix: use a block like '10.0.0.0/16' in the platform's external({ ... }).");
    expect(message).toContain("Postgres 'db' (shop/db) [environment 'dev']: 'external.cidrs[1]' \"db.internal\" is not a CIDR block.");
    expect(message).toContain("Postgres 'db' (shop/db) [environment 'dev']: 'external.ports.postgres' 70000 is out of range 1-65535.");
    expect(message).toContain("Queue 'orders' (shop/orders) [environment 'prod']: 'external.ports.queue' 0 is out of range 1-65535.");
  });

  test('an empty cidrs list is a problem: connecting workloads would get no egress', () => {
    const app = newApp({ platform: { recipes: [external({ cidrs: [] })], environmentRecipes: { '*': 'external' } } });
    new Postgres(app, 'db');
    expect(renderError(app)).toContain("'external.cidrs' is empty, so connecting workloads would get no egress. Fix: list at least one CIDR block in the platform's external({ ... }).");
  });
});

test('a secrets key that names no resource is a problem, reported once per environment, not a silent fallback', () => {
  const app = newApp({ platform: { recipes: [external({ secrets: { dbb: 'prod-db' } })], environmentRecipes: { '*': 'external' } } });
  new Postgres(app, 'db');
  new Queue(app, 'orders');
  const message = renderError(app);
  expect(message).toContain("Postgres 'db' (shop/db) [environment 'prod']: 'external.secrets.dbb' names no resource of app 'shop', so its Secret is never used. Fix: use a resource id (db, orders), or remove it in the platform's external({ ... }).");
  expect(message.match(/names no resource/g)).toHaveLength(2);
});
