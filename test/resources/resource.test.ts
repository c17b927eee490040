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
      objects.connectionSecret?.metadata.addLabel('acme.example.com/rotated', 'weekly');
    });
    const prod = manifests(app, 'prod');
    const dev = manifests(app, 'dev');
    expect(seen.prod).toEqual(['connectionSecret: Secret', 'deadLetterQueue: Queue', 'queue: Queue']);
    expect(seen.dev).toEqual(expect.arrayContaining(['statefulSet: StatefulSet', 'service: Service', 'networkPolicy: NetworkPolicy', 'connectionSecret: Secret']));
    for (const objects of [prod, dev]) {
      expect(objects.find((o) => o.metadata.name === 'orders-connection')!.metadata.labels['acme.example.com/rotated']).toBe('weekly');
    }
  });
});
