import { Bucket, Env, Postgres, Queue, Redis, WebService, Worker } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';
import { testRecipe } from '../support/recipes';
import { EnvVar, expand } from '../support/kubelet-env';

const IMAGE = 'ghcr.io/acme/app:1.0.0';


/** A two-environment app whose resources all come from the test recipe (Secret values, except Postgres's literal `database`). */
function cloudApp(identity = true) {
  return newApp({ platform: { recipes: [testRecipe('test-cloud', { identity })], environmentRecipes: { '*': 'test-cloud' } } });
}

function envOf(app: ReturnType<typeof newApp>, workload: string, env = 'prod'): EnvVar[] {
  return only(manifests(app, env), 'Deployment', workload).spec.template.spec.containers[0].env;
}


const secret = (name: string, key: string, secretName: string) => ({ name, valueFrom: { secretKeyRef: { name: secretName, key } } });

describe('connect() formats to a workload', () => {
  test("the default stays 'url': <ID>_URL=http://<service>.<namespace>.svc:<service port>, the same as format: 'url'", () => {
    for (const options of [undefined, { format: 'url' as const }]) {
      const app = newApp();
      const catalog = new WebService(app, 'catalog', { image: IMAGE, port: 9000 });
      new Worker(app, 'indexer', { image: IMAGE }).connect(catalog, options);
      expect(envOf(app, 'indexer')).toEqual([{ name: 'CATALOG_URL', value: 'http://catalog.shop.svc:80' }]);
    }
  });

  test("'hostport' gives a gRPC client the host:port it dials, under the prefix 'env' names", () => {
    const app = newApp();
    const catalog = new WebService(app, 'product-catalog', { image: IMAGE, port: 3550, servicePort: 3550 });
    new Worker(app, 'frontend', { image: IMAGE }).connect(catalog, { format: 'hostport', env: 'PRODUCT_CATALOG_SERVICE' });
    expect(envOf(app, 'frontend')).toEqual([{ name: 'PRODUCT_CATALOG_SERVICE_ADDR', value: 'product-catalog.shop.svc:3550' }]);
    expect(envOf(app, 'frontend', 'dev')).toEqual([{ name: 'PRODUCT_CATALOG_SERVICE_ADDR', value: 'product-catalog.shop-dev.svc:3550' }]);
  });

  test("['host', 'port'] gives separate host and port variables; a list may hold every format", () => {
    const app = newApp();
    const catalog = new WebService(app, 'catalog', { image: IMAGE });
    const checkout = new WebService(app, 'checkout', { image: IMAGE, servicePort: 5050 });
    new Worker(app, 'client', { image: IMAGE }).connect(catalog, { format: ['host', 'port'] }).connect(checkout, { format: ['port', 'hostport', 'url', 'host'] });
    expect(envOf(app, 'client')).toEqual([
      { name: 'CATALOG_HOST', value: 'catalog.shop.svc' },
      { name: 'CATALOG_PORT', value: '80' },
      { name: 'CHECKOUT_ADDR', value: 'checkout.shop.svc:5050' },
      { name: 'CHECKOUT_HOST', value: 'checkout.shop.svc' },
      { name: 'CHECKOUT_PORT', value: '5050' },
      { name: 'CHECKOUT_URL', value: 'http://checkout.shop.svc:5050' },
    ]);
  });

  test('format: [] gives no variable but keeps the network path both ways', () => {
    const app = newApp();
    const catalog = new WebService(app, 'catalog', { image: IMAGE, port: 9000 });
    new Worker(app, 'indexer', { image: IMAGE }).connect(catalog, { format: [] });
    const list = manifests(app);
    expect(only(list, 'Deployment', 'indexer').spec.template.spec.containers[0].env).toBeUndefined();
    expect(only(list, 'NetworkPolicy', 'indexer').spec.egress[1]).toEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'catalog' } } }], ports: [{ protocol: 'TCP', port: 9000 }] });
    expect(only(list, 'NetworkPolicy', 'catalog').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'indexer' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }]);
  });
});

describe('connect() formats to a resource', () => {
  test("'hostport' to Redis adds <ID>_ADDR=$(<ID>_HOST):$(<ID>_PORT) after the Secret's host and port, so it expands", () => {
    const app = cloudApp();
    const cart = new Redis(app, 'cart');
    new Worker(app, 'cartservice', { image: IMAGE }).connect(cart, { format: 'hostport' });
    const env = envOf(app, 'cartservice');
    expect(env).toEqual([
      { name: 'CART_HOST', valueFrom: { secretKeyRef: { name: 'cart-connection', key: 'host' } } },
      { name: 'CART_PORT', valueFrom: { secretKeyRef: { name: 'cart-connection', key: 'port' } } },
      { name: 'CART_ADDR', value: '$(CART_HOST):$(CART_PORT)' },
      secret('CART_PASSWORD', 'password', 'cart-connection'),
      secret('CART_TLS', 'tls', 'cart-connection'),
    ]);
    expect(expand(env).CART_ADDR).toBe('<cart-connection/host>:<cart-connection/port>');
  });

  test("'env' renames every variable of a resource connection: REDIS_HOST ... REDIS_ADDR", () => {
    const app = cloudApp();
    const cart = new Redis(app, 'redis-cart');
    new Worker(app, 'cartservice', { image: IMAGE }).connect(cart, { env: 'REDIS', format: 'hostport' });
    const env = envOf(app, 'cartservice');
    expect(env.map((v) => v.name)).toEqual(['REDIS_HOST', 'REDIS_PORT', 'REDIS_ADDR', 'REDIS_PASSWORD', 'REDIS_TLS']);
    expect(expand(env).REDIS_ADDR).toBe('<redis-cart-connection/host>:<redis-cart-connection/port>');
  });

  test("'hostport' works with the in-cluster recipe of dev and for Postgres", () => {
    const app = newApp();
    const cart = new Redis(app, 'cart');
    const db = new Postgres(app, 'db');
    new Worker(app, 'api', { image: IMAGE }).connect(cart, { format: 'hostport' }).connect(db, { format: 'hostport' });
    const env = envOf(app, 'api', 'dev');
    const seen = expand(env);
    expect(seen.CART_ADDR).toBe('<cart-connection/host>:<cart-connection/port>');
    expect(seen.DB_ADDR).toBe('<db-connection/host>:<db-connection/port>');
    const names = env.map((v) => v.name);
    expect(names.indexOf('CART_HOST')).toBeLessThan(names.indexOf('CART_ADDR'));
    expect(names.indexOf('DB_PORT')).toBeLessThan(names.indexOf('DB_ADDR'));
  });
});

describe('Env.compose', () => {
  test('composes a value of Secret values as $(VAR) references listed after the variables they name', () => {
    const app = cloudApp();
    const cart = new Redis(app, 'cart');
    new Worker(app, 'api', { image: IMAGE, env: { LOG_LEVEL: 'info', CACHE_URL: Env.compose`redis://${cart.host}:${cart.port}/0` } }).connect(cart);
    const env = envOf(app, 'api');
    expect(env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      secret('CART_HOST', 'host', 'cart-connection'),
      secret('CART_PORT', 'port', 'cart-connection'),
      { name: 'CACHE_URL', value: 'redis://$(CART_HOST):$(CART_PORT)/0' },
      secret('CART_PASSWORD', 'password', 'cart-connection'),
      secret('CART_TLS', 'tls', 'cart-connection'),
    ]);
    expect(expand(env).CACHE_URL).toBe('redis://<cart-connection/host>:<cart-connection/port>/0');
  });

  test("writes a value known at synth time as it is: a peer's host:port, a recipe's literal value", () => {
    const app = cloudApp();
    const db = new Postgres(app, 'orders-db');
    const catalog = new WebService(app, 'catalog', { image: IMAGE, servicePort: 3550 });
    new Worker(app, 'api', {
      image: IMAGE,
      env: {
        CATALOG_TARGET: Env.compose`dns:///${catalog.hostport}`,
        CATALOG_BASE: Env.compose`${catalog.url}/v1`,
        DB_DSN: Env.compose`host=${db.host} port=${db.port} dbname=${db.ref('database')} sslmode=require`,
      },
    }).connect(catalog, { format: [] }).connect(db);
    const env = envOf(app, 'api');
    expect(env.slice(0, 5)).toEqual([
      { name: 'CATALOG_TARGET', value: 'dns:///catalog.shop.svc:3550' },
      { name: 'CATALOG_BASE', value: 'http://catalog.shop.svc:3550/v1' },
      secret('ORDERS_DB_HOST', 'host', 'orders-db-connection'),
      secret('ORDERS_DB_PORT', 'port', 'orders-db-connection'),
      // the test recipe gives `database` as a literal, so it is written in place
      { name: 'DB_DSN', value: 'host=$(ORDERS_DB_HOST) port=$(ORDERS_DB_PORT) dbname=orders-db sslmode=require' },
    ]);
    expect(expand(env).DB_DSN).toBe('host=<orders-db-connection/host> port=<orders-db-connection/port> dbname=orders-db sslmode=require');
  });

  test("follows the connection's prefix and resolves per environment", () => {
    const app = newApp();
    const cart = new Redis(app, 'cart');
    const catalog = new WebService(app, 'catalog', { image: IMAGE });
    new Worker(app, 'api', { image: IMAGE, env: { CART: Env.compose`${cart.hostport}`, PEERS: Env.compose`${catalog.hostport},${catalog.host}` } })
      .connect(cart, { env: 'REDIS' }).connect(catalog);
    expect(envOf(app, 'api', 'dev').find((v) => v.name === 'CART')).toEqual({ name: 'CART', value: '$(REDIS_HOST):$(REDIS_PORT)' });
    expect(envOf(app, 'api', 'dev').find((v) => v.name === 'PEERS')).toEqual({ name: 'PEERS', value: 'catalog.shop-dev.svc:80,catalog.shop-dev.svc' });
    expect(envOf(app, 'api', 'prod').find((v) => v.name === 'PEERS')).toEqual({ name: 'PEERS', value: 'catalog.shop.svc:80,catalog.shop.svc' });
  });
});

describe("a $(VAR) of the user's env", () => {
  test('that refers to wired variables expands: they are listed before it', () => {
    const app = cloudApp();
    const cart = new Redis(app, 'cart');
    new Worker(app, 'cartservice', { image: IMAGE, env: { REDIS_ADDR: '$(CART_HOST):$(CART_PORT)', PORT: '7070' } }).connect(cart);
    const env = envOf(app, 'cartservice');
    expect(env.map((v) => v.name)).toEqual(['CART_HOST', 'CART_PORT', 'REDIS_ADDR', 'PORT', 'CART_PASSWORD', 'CART_TLS']);
    expect(expand(env).REDIS_ADDR).toBe('<cart-connection/host>:<cart-connection/port>');
  });

  test('the order is unchanged where nothing refers to anything: own variables as given, then the wired ones by name', () => {
    const app = cloudApp();
    const cart = new Redis(app, 'cart');
    new Worker(app, 'api', { image: IMAGE, env: { ZED: 'z', ALPHA: 'a', PRICE: '$$(not a reference)' } }).connect(cart);
    const env = envOf(app, 'api');
    expect(env.map((v) => v.name)).toEqual(['ZED', 'ALPHA', 'PRICE', 'CART_HOST', 'CART_PASSWORD', 'CART_PORT', 'CART_TLS']);
    expect(expand(env).PRICE).toBe('$(not a reference)');
  });

  test('between own variables and chained references, each comes after what it refers to', () => {
    const app = newApp();
    const catalog = new WebService(app, 'catalog', { image: IMAGE });
    new Worker(app, 'api', { image: IMAGE, env: { C: '$(B)/c', B: '$(A)/b', A: '$(CATALOG_URL)' } }).connect(catalog);
    const env = envOf(app, 'api');
    expect(env.map((v) => v.name)).toEqual(['CATALOG_URL', 'A', 'B', 'C']);
    expect(expand(env).C).toBe('http://catalog.shop.svc:80/b/c');
  });

  test("that refers to a variable of a recipe's workload identity expands too", () => {
    const app = newApp();
    const orders = new Queue(app, 'orders');
    new Worker(app, 'api', { image: IMAGE, env: { SQS_REGION: '$(AWS_REGION)' } }).sendTo(orders);
    const env = envOf(app, 'api', 'dev');
    const names = env.map((v) => v.name);
    expect(names.indexOf('AWS_REGION')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('AWS_REGION')).toBeLessThan(names.indexOf('SQS_REGION'));
  });
});

describe('a gRPC-style app wired by host:port', () => {
  test("every client's address variable is host:port and expands, with Redis behind the cart", () => {
    const app = cloudApp();
    const redis = new Redis(app, 'redis-cart');
    const grpc = (id: string, port: number) => new WebService(app, id, { image: `ghcr.io/acme/${id}:1.0.0`, port, servicePort: port });
    const catalog = grpc('productcatalogservice', 3550);
    const cart = grpc('cartservice', 7070).connect(redis, { env: 'REDIS', format: 'hostport' });
    const currency = grpc('currencyservice', 7000);
    const checkout = grpc('checkoutservice', 5050)
      .connect(catalog, { format: 'hostport', env: 'PRODUCT_CATALOG_SERVICE' }).connect(cart, { format: 'hostport', env: 'CART_SERVICE' })
      .connect(currency, { format: 'hostport', env: 'CURRENCY_SERVICE' });
    new WebService(app, 'frontend', { image: IMAGE, route: { path: '/' } })
      .connect(catalog, { format: 'hostport', env: 'PRODUCT_CATALOG_SERVICE' }).connect(cart, { format: 'hostport', env: 'CART_SERVICE' })
      .connect(checkout, { format: 'hostport', env: 'CHECKOUT_SERVICE' });
    expect(expand(envOf(app, 'frontend'))).toEqual({
      CART_SERVICE_ADDR: 'cartservice.shop.svc:7070',
      CHECKOUT_SERVICE_ADDR: 'checkoutservice.shop.svc:5050',
      PRODUCT_CATALOG_SERVICE_ADDR: 'productcatalogservice.shop.svc:3550',
    });
    expect(expand(envOf(app, 'checkoutservice'))).toEqual({
      CART_SERVICE_ADDR: 'cartservice.shop.svc:7070',
      CURRENCY_SERVICE_ADDR: 'currencyservice.shop.svc:7000',
      PRODUCT_CATALOG_SERVICE_ADDR: 'productcatalogservice.shop.svc:3550',
    });
    expect(expand(envOf(app, 'cartservice')).REDIS_ADDR).toBe('<redis-cart-connection/host>:<redis-cart-connection/port>');
  });
});

describe('errors of formats, composed values and references', () => {
  test('$(VAR) in command and args expands from the env: a wired or own variable is fine, an unknown one is a problem naming the argument', () => {
    const app = newApp();
    const catalog = new WebService(app, 'catalog', { image: IMAGE, protocol: 'grpc', port: 9090, servicePort: 9090 });
    new Worker(app, 'ok', { image: IMAGE, command: ['/bin/client', '--target=$(CATALOG_ADDR)'], args: ['--level=$(LEVEL)', '--cost=$$(literal)'], env: { LEVEL: 'info' } }).connect(catalog);
    const deployment = only(manifests(app), 'Deployment', 'ok').spec.template.spec.containers[0];
    expect(deployment.command).toEqual(['/bin/client', '--target=$(CATALOG_ADDR)']);
    expect(deployment.env.map((v: EnvVar) => v.name)).toEqual(['LEVEL', 'CATALOG_ADDR']);

    const bad = newApp();
    new Worker(bad, 'api', { image: IMAGE, command: ['/bin/api'], args: ['--db=$(DB_URL)', '--x=$(X)'], env: { X: '1' } });
    expect(renderError(bad).split('\n').filter((l) => l.includes("'args["))).toEqual([
      `  - Worker 'api' (shop/api): 'args[0]' "--db=$(DB_URL)" refers to $(DB_URL), which the container does not define, so Kubernetes would pass on the text "$(DB_URL)". Fix: define DB_URL in 'env' or through connect(), or write $$(DB_URL) for the literal text.`,
    ]);
  });

  test('every problem is reported in one run, each naming the prop, the value, the rule and the fix', () => {
    const app = cloudApp(false);
    const cart = new Redis(app, 'cart');
    const catalog = new WebService(app, 'catalog', { image: IMAGE });
    const other = new WebService(app, 'other', { image: IMAGE });
    new Worker(app, 'api', {
      image: IMAGE,
      env: {
        ADDR: '$(HOST):$(CART_PORT)',
        A: '$(B)', B: '$(A)', SELF: 'x$(SELF)',
        PLAIN: `${catalog.hostport}`,
        OTHER: Env.compose`${other.host}`,
        UNKNOWN: Env.compose`${cart.ref('nope' as any)}`,
      },
      sidecars: [{ name: 'proxy', image: IMAGE, env: { UPSTREAM: Env.compose`${catalog.hostport}` } }],
    })
      .connect(cart, { format: 'url' })
      .connect(catalog, { format: ['grpc' as any, 'host', 'host'], env: 'catalog-svc' });
    const message = renderError(app);
    const lines = message.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines).toEqual(expect.arrayContaining([
      `  - Worker 'api' (shop/api): 'connect(cart).format' "url" asks Redis 'cart' for a URL, which its connection does not have (it gives host, port, password, tls). Fix: leave 'url' out (the connection gives CART_HOST, CART_PORT, CART_PASSWORD, CART_TLS), or build the value with Env.compose from those.`,
      `  - Worker 'api' (shop/api): 'connect(catalog).env' "catalog-svc" is not a variable prefix. Fix: use letters, digits and '_', not starting with a digit, e.g. "CATALOG_SVC".`,
      `  - Worker 'api' (shop/api): 'connect(catalog).format' "grpc" is not a connection format. Fix: use one or a list of: url, hostport, host, port.`,
      `  - Worker 'api' (shop/api): 'connect(catalog).format' lists "host" twice. Fix: name each format once.`,
      `  - Worker 'api' (shop/api): 'sidecars[0].env.UPSTREAM' is an Env.compose value, which only the main container's env can hold. Fix: set it in the workload's env, or give the container a literal.`,
      `  - Worker 'api' (shop/api): 'env.OTHER' composes WebService 'other'.host, but Worker 'api' is not wired to 'other' (it is wired to 'cart', 'catalog'). Fix: call api.connect(other) to wire it, which also opens the network path.`,
      `  - Worker 'api' (shop/api): 'env.UNKNOWN' composes Redis 'cart'.nope, which Redis 'cart' does not give. Fix: use one of: host, port, password, tls, hostport.`,
      `  - Worker 'api' (shop/api): 'env.ADDR' "$(HOST):$(CART_PORT)" refers to $(HOST), which the container does not define, so Kubernetes would leave the text "$(HOST)" as it is. Fix: refer to $(CART_HOST) or $(catalog-svc_HOST), define HOST in 'env' or through connect(), or write $$(HOST) for the literal text.`,
      `  - Worker 'api' (shop/api): 'env.B' "$(A)" refers to $(A) in a cycle (A → B → A); Kubernetes expands a reference only to a variable defined before it, so one of them would stay unexpanded. Fix: break the cycle: let one of the variables hold its value without referring to the others.`,
      `  - Worker 'api' (shop/api): 'env.SELF' "x$(SELF)" refers to itself ($(SELF)); Kubernetes expands a reference only to a variable defined before it, so it would stay as the text "$(SELF)". Fix: break the cycle: let one of the variables hold its value without referring to the others.`,
      `  - Worker 'api' (shop/api): 'env.PLAIN' "$(libk8s:catalog.hostport)" holds the wired value catalog.hostport in a plain template string, so Kubernetes would pass on the text "$(libk8s:catalog.hostport)". Fix: tag the template with Env.compose: Env.compose\`...\${catalog.hostport}...\` instead of \`...\${catalog.hostport}...\`.`,
    ]));
    expect(lines).toHaveLength(11);
  });

  test("a format a resource's connection cannot give: 'hostport' to a Bucket", () => {
    const app = cloudApp();
    const files = new Bucket(app, 'files');
    new Worker(app, 'api', { image: IMAGE }).connect(files, { format: 'hostport', env: 'UPLOADS' });
    expect(renderError(app)).toContain(`Worker 'api' (shop/api): 'connect(files).format' "hostport" asks Bucket 'files' for a host and port, which its connection does not have (it gives name, region, endpoint, arn). Fix: leave 'hostport' out (the connection gives UPLOADS_NAME, UPLOADS_REGION, UPLOADS_ENDPOINT, UPLOADS_ARN), or build the value with Env.compose from those.`);
  });

  test("a reference only an override makes is reported for that environment, under the override's prop", () => {
    const app = newApp();
    new Worker(app, 'api', { image: IMAGE, overrides: { dev: { env: { DEBUG_URL: '$(DEBUG_HOST)/debug' } } } });
    expect(renderError(app)).toContain(`Worker 'api' (shop/api) [environment 'dev']: 'overrides.dev.env.DEBUG_URL' "$(DEBUG_HOST)/debug" refers to $(DEBUG_HOST), which the container does not define`);
  });

  test("beside a recipe's workload identity, an undefined reference is found when rendering, in each environment", () => {
    const app = cloudApp();
    const cart = new Redis(app, 'cart');
    new Worker(app, 'api', { image: IMAGE, env: { ADDR: '$(CART_HOSTNAME)' } }).connect(cart);
    const message = renderError(app);
    for (const env of ['dev', 'prod']) {
      expect(message).toContain(`Worker 'api' (shop/api) [environment '${env}']: 'env.ADDR' "$(CART_HOSTNAME)" refers to $(CART_HOSTNAME), which the container does not define, so Kubernetes would leave the text "$(CART_HOSTNAME)" as it is.`);
    }
  });

  test('types: a resource offers only the values its connection has', () => {
    const app = newApp();
    const files = new Bucket(app, 'files');
    const db = new Postgres(app, 'db');
    expect(db.ref('password').part).toBe('password');
    // @ts-expect-error a Bucket has no host
    files.ref('host');
    // @ts-expect-error a Bucket has no hostport getter
    void files.hostport;
  });
});
