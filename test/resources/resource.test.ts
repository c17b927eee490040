import { Bucket, Postgres, Queue, Redis } from 'libk8s';
import { manifests, newApp, renderError } from '../support/apps';

describe('Resource props', () => {
  test('a flag that is not true or false is a problem, not a string in a managed resource, all reported in one run', () => {
    const app = newApp();
    const loose = (props: Record<string, unknown>) => props as never;
    new Queue(app, 'orders', loose({ fifo: 'yes', retain: 1 }));
    new Postgres(app, 'db', loose({ highAvailability: 'true' }));
    new Redis(app, 'cache', loose({ highAvailability: 0 }));
    new Bucket(app, 'files', loose({ versioned: 'no' }));
    const message = renderError(app);
    expect(message).toContain("Queue 'orders' (shop/orders): 'fifo' \"yes\" is not true or false. Fix: use true or false.");
    expect(message).toContain("Queue 'orders' (shop/orders): 'retain' 1 is not true or false.");
    expect(message).toContain("Postgres 'db' (shop/db): 'highAvailability' \"true\" is not true or false.");
    expect(message).toContain("Redis 'cache' (shop/cache): 'highAvailability' 0 is not true or false.");
    expect(message).toContain("Bucket 'files' (shop/files): 'versioned' \"no\" is not true or false.");
  });
});

describe('customize() on a resource', () => {
  test("receives the objects its environment's recipe created, and an edit there reaches the output", () => {
    const app = newApp();
    const orders = new Queue(app, 'orders');
    const seen: Record<string, string[]> = {};
    orders.customize((objects, ctx) => {
      seen[ctx.environment.name] = Object.entries(objects).map(([key, o]) => `${key}: ${o!.kind}`).sort();
      (objects.connectionSecret ?? objects.statefulSet)?.metadata.addLabel('acme.example.com/rotated', 'weekly');
    });
    const prod = manifests(app, 'prod');
    const dev = manifests(app, 'dev');
    expect(seen.prod).toEqual(['connectionSecret: Secret', 'deadLetterQueue: Queue', 'queue: Queue']);
    expect(seen.dev).toEqual(expect.arrayContaining(['statefulSet: StatefulSet', 'service: Service', 'networkPolicy: NetworkPolicy']));
    expect(prod.find((o) => o.kind === 'Secret' && o.metadata.name === 'orders-connection')!.metadata.labels['acme.example.com/rotated']).toBe('weekly');
    expect(dev.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'orders')!.metadata.labels['acme.example.com/rotated']).toBe('weekly');
  });
});

describe('hostile resource input', () => {
  test('a non-string id or props that are not an object are problems, reported together, never a crash', () => {
    const app = newApp();
    new Postgres(app, 5 as never);
    new Queue(app, 'orders', null as never);
    new Bucket(app, 'files', 'x' as never);
    const message = renderError(app);
    expect(message).toContain("Postgres 'unnamed' (shop/unnamed): 'id' 5 is not a string. Fix: give the construct a name as its id, e.g. 'storefront'.");
    expect(message).toContain("Queue 'orders' (shop/orders): has props null, which are not an object. Fix: pass the props as an object, e.g. new Queue(app, 'orders', {}), or leave them out.");
    expect(message).toContain("Bucket 'files' (shop/files): has props \"x\", which are not an object.");
  });
});
