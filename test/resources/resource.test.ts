import { Bucket, Postgres, Queue, Redis } from 'libk8s';
import { newApp, renderError } from '../support/apps';

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
