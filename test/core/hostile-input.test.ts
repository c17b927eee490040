import { App, Env, JsonPatch, Libk8sError, Postgres, WebService, Worker } from 'libk8s';
import { manifests, newApp, only, renderError } from '../support/apps';

/**
 * What a JavaScript program (or a cast) can pass that the types do not
 * allow: each is a problem naming the construct, the prop, the value, the
 * rule and the fix, never a crash, and never output a cluster rejects.
 */

const IMAGE = 'ghcr.io/acme/storefront:1.4.2';

/** The problem lines of a render that must fail, without the heading and the "  - " bullets. */
function problemLines(app: App): string[] {
  return renderError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

function web(props: Record<string, unknown>, id = 'web', app = newApp()): App {
  new WebService(app, id, { image: IMAGE, ...props } as never);
  return app;
}

const PATCH_FIX = 'Fix: give the operation a JSON value: plain objects, arrays, strings, finite numbers, booleans or null.';

describe('output a cluster rejects is a problem at synth', () => {
  test('config file names that are not ConfigMap keys: ".", "..", "..data" and over 253 characters', () => {
    const long = 'k'.repeat(254);
    expect(problemLines(web({ config: { files: { '.': 'a', '..': 'b', '..data': 'c', [long]: 'd', 'app.yaml': 'ok' } } }))).toEqual([
      `WebService 'web' (shop/web): 'config.files..' "." is not a valid ConfigMap key: the API server rejects "." and ".." (the kubelet's names in a mounted volume). Fix: use a file name other than "." or ".." that does not start with "..", e.g. "app.yaml".`,
      `WebService 'web' (shop/web): 'config.files...' ".." is not a valid ConfigMap key: the API server rejects "." and ".." (the kubelet's names in a mounted volume). Fix: use a file name other than "." or ".." that does not start with "..", e.g. "app.yaml".`,
      `WebService 'web' (shop/web): 'config.files...data' "..data" is not a valid ConfigMap key: the API server rejects a key starting with "..", which the kubelet reserves for its own entries in a mounted volume (..data). Fix: use a file name other than "." or ".." that does not start with "..", e.g. "app.yaml".`,
      `WebService 'web' (shop/web): 'config.files.${'k'.repeat(64)}…' "${'k'.repeat(20)}…" is 254 characters long; a ConfigMap key may have at most 253. Fix: use a file name of at most 253 characters.`,
    ]);
  });

  test('config files over 1 MiB in all (the bytes of the contents, as the API server counts them)', () => {
    expect(problemLines(web({ config: { files: { 'a.txt': 'x'.repeat(1024 * 1024 - 1), 'b.txt': 'é' } } }))).toEqual([
      "WebService 'web' (shop/web): 'config.files' hold 1048577 bytes in all; the API server rejects a ConfigMap whose data is over 1048576 bytes (1 MiB). Fix: move large files into the image or a volume (e.g. a PersistentVolumeClaim), or split them across workloads.",
    ]);
    // exactly 1 MiB is still taken
    expect(() => manifests(web({ config: { files: { 'a.txt': 'x'.repeat(1024 * 1024) } } }))).not.toThrow();
  });

  test('annotations over 256 KiB on an object: the props, the pods, the ServiceAccount, the environment', () => {
    const big = 'x'.repeat(256 * 1024);
    expect(problemLines(web({ annotations: { a: big } }))).toEqual([
      "WebService 'web' (shop/web): 'annotations' makes the annotations of every object 262145 bytes (keys and values); the API server rejects more than 262144 (256 KiB). Fix: move large values out of annotations, e.g. into a ConfigMap (config.files).",
    ]);
    // the pods also carry kubectl.kubernetes.io/default-container, which counts
    expect(problemLines(web({ podAnnotations: { a: 'x'.repeat(256 * 1024 - 42) } }))).toEqual([
      "WebService 'web' (shop/web): 'podAnnotations' makes the annotations of the pod template 262145 bytes (keys and values); the API server rejects more than 262144 (256 KiB). Fix: move large values out of annotations, e.g. into a ConfigMap (config.files).",
    ]);
    expect(problemLines(web({ annotations: { a: 'x'.repeat(200 * 1024) }, serviceAccountAnnotations: { b: 'y'.repeat(60 * 1024) } }))).toEqual([
      "WebService 'web' (shop/web): 'serviceAccountAnnotations' makes the annotations of the ServiceAccount 266242 bytes (keys and values); the API server rejects more than 262144 (256 KiB). Fix: move large values out of annotations, e.g. into a ConfigMap (config.files).",
    ]);
    const app = newApp({ environments: { dev: { annotations: { a: big } }, prod: { annotations: { b: 'y'.repeat(100 * 1024) } } } } as never);
    new WebService(app, 'web', { image: IMAGE, annotations: { c: 'z'.repeat(200 * 1024) } });
    expect(problemLines(app)).toEqual([
      "App 'shop' (shop): 'environments.dev.annotations' makes the annotations of every object in environment 'dev' 262145 bytes (keys and values); the API server rejects more than 262144 (256 KiB). Fix: move large values out of annotations, e.g. into a ConfigMap (config.files).",
      "WebService 'web' (shop/web) [environment 'prod']: 'annotations' makes the annotations of every object in environment 'prod' 307202 bytes (keys and values); the API server rejects more than 262144 (256 KiB). Fix: move large values out of annotations, e.g. into a ConfigMap (config.files).",
    ]);
  });

  test("Env.secret and Env.configMap with a name that is not a DNS-1123 subdomain and a key the API server rejects", () => {
    expect(problemLines(web({ env: { DB_PASSWORD: Env.secret('Bad Name!', 'key with space'), MODE: Env.configMap('settings', '..data'), FLAG: Env.secret('ok', 'k', { optional: 'yes' as never }) } }))).toEqual([
      `WebService 'web' (shop/web): 'env.DB_PASSWORD.name' "Bad Name!" is not a valid Secret name (a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters). Fix: name the Secret like "bad-name": Env.secret("bad-name", ...).`,
      `WebService 'web' (shop/web): 'env.DB_PASSWORD.key' "key with space" is not a valid Secret key: letters, digits, '-', '_' and '.' only. Fix: use a key of letters, digits, '-', '_' and '.', e.g. "key_with_space".`,
      `WebService 'web' (shop/web): 'env.MODE.key' "..data" is not a valid ConfigMap key: the API server rejects a key starting with "..", which the kubelet reserves for its own entries in a mounted volume (..data). Fix: use a key of letters, digits, '-', '_' and '.', e.g. "data".`,
      `WebService 'web' (shop/web): 'env.FLAG.optional' "yes" is not true or false. Fix: use true or false.`,
    ]);
  });

  test('env var names follow the API server: "." and names starting with ".." are rejected', () => {
    expect(problemLines(web({ env: { '..X': 'a', '.': 'b', '.ok': 'c' } }))).toEqual([
      `WebService 'web' (shop/web): 'env...X' "..X" is not a valid environment variable name. Fix: use letters, digits, "_", "-" and ".", not starting with a digit, and not ".", ".." or starting with "..".`,
      `WebService 'web' (shop/web): 'env..' "." is not a valid environment variable name. Fix: use letters, digits, "_", "-" and ".", not starting with a digit, and not ".", ".." or starting with "..".`,
    ]);
  });

  test('secret, configMap and persistentVolumeClaim volumes name objects that can exist', () => {
    expect(problemLines(web({ volumes: [
      { name: 'a', mountPath: '/a', source: { type: 'secret', secret: 'Bad Name' } },
      { name: 'b', mountPath: '/b', source: { type: 'configMap', configMap: 'ok.name' } },
      { name: 'c', mountPath: '/c', source: { type: 'persistentVolumeClaim', claimName: 'Bad Name' } },
    ] }))).toEqual([
      `WebService 'web' (shop/web): 'volumes[0].source.secret' "Bad Name" is not a valid Secret name (a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters), so no Secret can have it and the pod would never start. Fix: use the Secret's name, e.g. "bad-name".`,
      `WebService 'web' (shop/web): 'volumes[2].source.claimName' "Bad Name" is not a valid PersistentVolumeClaim name (a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters), so no PersistentVolumeClaim can have it and the pod would never start. Fix: use the PersistentVolumeClaim's name, e.g. "bad-name".`,
    ]);
  });

  test('command and args must be lists of strings, on the main container and on sidecars and init containers', () => {
    expect(problemLines(web({
      command: [1, 2], args: 'run --fast',
      sidecars: [{ name: 'proxy', image: IMAGE, args: 'serve' }], initContainers: [{ name: 'init', image: IMAGE, command: { run: true } }],
    }))).toEqual([
      `WebService 'web' (shop/web): 'command[0]' 1 is not a string. Fix: quote it: "1".`,
      `WebService 'web' (shop/web): 'command[1]' 2 is not a string. Fix: quote it: "2".`,
      `WebService 'web' (shop/web): 'args' "run --fast" is a string, not a list of strings; Kubernetes takes each element as one argument. Fix: pass a list: ["run","--fast"].`,
      `WebService 'web' (shop/web): 'sidecars[0].args' "serve" is a string, not a list of strings; Kubernetes takes each element as one argument. Fix: pass a list: ["serve"].`,
      `WebService 'web' (shop/web): 'initContainers[0].command' {"run":true} is not a list of strings. Fix: pass a list of strings, e.g. ["/app/server", "--port=8080"].`,
    ]);
  });

  test('a hostPath (or any unknown) volume source is a problem, not a dropped volume whose mount stays', () => {
    expect(problemLines(web({ volumes: [{ name: 'host', mountPath: '/host', source: { type: 'hostPath', path: '/' } }, { name: 'x', mountPath: '/x', source: null }] }))).toEqual([
      "WebService 'web' (shop/web): 'volumes[0].source.type' \"hostPath\" is not a volume source libk8s offers (emptyDir, configMap, secret, persistentVolumeClaim); it would be left out of the pod while its mount stayed. Fix: use one of those types; hostPath is not offered, as the restricted Pod Security Standard forbids it.",
      "WebService 'web' (shop/web): 'volumes[1].source' null is not a volume source libk8s offers (emptyDir, configMap, secret, persistentVolumeClaim); it would be left out of the pod while its mount stayed. Fix: use one of those types; hostPath is not offered, as the restricted Pod Security Standard forbids it.",
    ]);
  });

  test("the id validated is the id emitted: 'a/b' (which constructs would hold as 'a--b') is a problem", () => {
    expect(problemLines(web({}, 'a/b'))).toEqual([
      `WebService 'a-b' (shop/a-b): 'id' "a/b" is not a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit. Fix: use a name like "a-b".`,
    ]);
    const app = newApp();
    new Postgres(app, 'Orders/DB');
    expect(problemLines(app)).toContainEqual(
      `Postgres 'orders-db' (shop/orders-db): 'id' "Orders/DB" is not a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit. Fix: use a name like "orders-db".`,
    );
  });

  test('valid references and quantities the API server takes render as given', () => {
    const app = web({ image: '[::1]:5000/web:1.0', resources: { cpu: '100m', cpuLimit: '1e0', memory: '1e8', memoryLimit: '0.5Gi' } });
    const container = only(manifests(app), 'Deployment').spec.template.spec.containers[0];
    expect(container.image).toBe('[::1]:5000/web:1.0');
    expect(container.resources).toMatchObject({ requests: { cpu: '100m', memory: '1e8' }, limits: { cpu: '1e0', memory: '0.5Gi' } });
    expect(problemLines(web({ resources: { memory: '600M', memoryLimit: '0.5Gi' } }))).toEqual([
      `WebService 'web' (shop/web): 'resources.memory' request "600M" is greater than the limit "0.5Gi". Fix: lower the request or raise memoryLimit.`,
    ]);
  });
});

describe('bad input never crashes', () => {
  test('BigInt props are shown as BigInts', () => {
    expect(problemLines(web({ port: 8080n, replicas: 2n }))).toEqual([
      "WebService 'web' (shop/web): 'replicas' 2n is not a whole number in the range 0-1000. Fix: use a whole number from 0 to 1000.",
      "WebService 'web' (shop/web): 'port' 8080n is out of range 1-65535. Fix: use a whole number between 1 and 65535.",
    ]);
  });

  test('a patch value that JSON cannot hold (BigInt, NaN, circular, undefined) is a problem naming the patch', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const app = newApp({ environments: { prod: { namespace: 'shop' } } } as never);
    new WebService(app, 'web', { image: IMAGE }).addJsonPatch({ kind: 'Deployment' },
      JsonPatch.add('/spec/a', 1n), JsonPatch.add('/spec/b', { n: [NaN] }), JsonPatch.add('/spec/c', circular), JsonPatch.add('/spec/d', undefined),
      JsonPatch.replace('/spec/replicas', undefined), JsonPatch.add('/metadata/__proto__', { polluted: true }), JsonPatch.test('/spec/replicas', undefined));
    const at = expect.stringMatching(/^WebService 'web' \(shop\/web\) \[environment 'prod'\]: 'addJsonPatch' the patch "/);
    const lines = problemLines(app);
    expect(lines).toEqual(Array(7).fill(at));
    const bodies = lines.map((l) => l.replace(/ \(patch added at [^)]*\)/, '').replace(/^.*?'addJsonPatch' /, ''));
    expect(bodies).toEqual([
      `the patch "add /spec/a" does not apply to Deployment 'web': the value is the BigInt 1n, which JSON cannot hold; use a number or a string. ${PATCH_FIX}`,
      `the patch "add /spec/b" does not apply to Deployment 'web': the value at "/n/0" of the value is NaN, which JSON cannot hold. ${PATCH_FIX}`,
      `the patch "add /spec/c" does not apply to Deployment 'web': the value at "/self" of the value refers back to itself (a circular structure), which JSON cannot hold. ${PATCH_FIX}`,
      `the patch "add /spec/d" does not apply to Deployment 'web': add needs a value, and it has none (undefined). ${PATCH_FIX}`,
      `the patch "replace /spec/replicas" does not apply to Deployment 'web': replace needs a value, and it has none (undefined). ${PATCH_FIX}`,
      `the patch "add /metadata/__proto__" does not apply to Deployment 'web': "/metadata/__proto__": "__proto__" cannot be a key here: on a JavaScript object it sets the prototype instead of adding a field, so the value would silently vanish. Fix: patch a field the object can hold; no Kubernetes object has a "__proto__" field.`,
      `the patch "test /spec/replicas" does not apply to Deployment 'web': test needs a value, and it has none (undefined). ${PATCH_FIX}`,
    ]);
  });

  test('circular env, labels and annotations are problems', () => {
    const circular: Record<string, unknown> = { from: 'secret' };
    circular.name = circular;
    expect(problemLines(web({ env: { DB_PASSWORD: circular }, labels: { tier: circular }, annotations: { note: circular } }))).toEqual([
      `WebService 'web' (shop/web): 'env.DB_PASSWORD.name' {"from":"secret","name":[Circular]} is not a valid Secret name (a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters). Fix: name the Secret like "app-secrets": Env.secret("app-secrets", ...).`,
      `WebService 'web' (shop/web): 'env.DB_PASSWORD.key' undefined is not a string, so not a Secret key. Fix: use a key of letters, digits, '-', '_' and '.', e.g. "password".`,
      `WebService 'web' (shop/web): 'labels.tier' {"from":"secret","name":[Circular]} is not a valid label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit). Fix: use a short value like "commerce".`,
      `WebService 'web' (shop/web): 'annotations.note' {"from":"secret","name":[Circular]} is not a string. Fix: annotation values are strings; quote numbers and booleans.`,
    ]);
  });

  test('config: { files: null } and config of the wrong shape are problems', () => {
    expect(problemLines(web({ config: { files: null } }))).toEqual([
      "WebService 'web' (shop/web): 'config.files' null is not an object of file names to contents. Fix: pass the files, e.g. files: { 'app.yaml': 'port: 8080' }.",
    ]);
    expect(problemLines(web({ config: 'app.yaml' }))).toEqual([
      `WebService 'web' (shop/web): 'config' "app.yaml" is not a config object. Fix: pass { files: { 'app.yaml': '...' } }.`,
    ]);
    expect(problemLines(web({ config: { files: { 'app.json': { port: 1 } } } }))).toEqual([
      `WebService 'web' (shop/web): 'config.files.app.json' {"port":1} is not a string (the file's content). Fix: pass the content as a string, e.g. JSON.stringify(value) or a YAML text.`,
    ]);
  });

  test("ids '', '__proto__' and 'constructor', and one used twice, are problems, not errors of the construct tree", () => {
    const app = newApp();
    for (const id of ['', '__proto__', 'constructor', 'web', 'web']) new WebService(app, id, { image: IMAGE });
    expect(problemLines(app)).toEqual([
      "WebService 'unnamed' (shop/unnamed): 'id' is empty. Fix: give the construct a name as its id, e.g. 'storefront'; it names the construct's objects.",
      `WebService 'proto' (shop/proto): 'id' "__proto__" is not a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit. Fix: use a name like "proto".`,
      `WebService 'constructor-2' (shop/constructor-2): 'id' "constructor" is the name of a property every JavaScript object has, which the construct tree cannot hold as an id. Fix: use another id, e.g. "constructor-app".`,
      `WebService 'web-2' (shop/web-2): 'id' "web" is also the name of WebService 'web' (shop/web); object names must be unique in a namespace. Fix: give one of the two constructs another id.`,
    ]);
  });

  test("environments named 'constructor' or '__proto__' are problems", () => {
    const app = new App({ name: 'shop', team: 'commerce', environments: JSON.parse('{"constructor": {}, "__proto__": {}}') });
    new WebService(app, 'web', { image: IMAGE, overrides: JSON.parse('{"constructor": {"replicas": 3}}') });
    expect(problemLines(app)).toEqual([
      `App 'shop' (shop): 'environments.constructor' "constructor" is the name of a property every JavaScript object has, so per-environment settings (overrides, recipes) could not be told apart from it. Fix: use another name, e.g. "constructor-env".`,
      `App 'shop' (shop): 'environments.__proto__' "__proto__" is not a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit. Fix: use a name like "proto".`,
      `App 'shop' (shop): 'environments.__proto__.namespace' "shop-__proto__" is not a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit. Fix: use a name like "shop--proto".`,
    ]);
  });

  test('an override is read only from the own entries of overrides (an environment named like an Object property is not Object)', () => {
    const app = newApp();
    const w = new Worker(app, 'jobs', { image: IMAGE, size: 'constructor' as never, overrides: JSON.parse('{"__proto__": {"replicas": 3}}') });
    expect(problemLines(app)).toEqual([
      "Worker 'jobs' (shop/jobs): 'size' \"constructor\" is not a size preset. Fix: use one of: nano, small, medium, large, xlarge.",
      "Worker 'jobs' (shop/jobs): 'overrides.__proto__' names environment \"__proto__\", which the app does not have. Fix: use one of the app's environments: dev, prod.",
    ]);
    expect(w.props.overrides).toBeDefined();
  });

  test('a config file named "__proto__" is reported, not dropped', () => {
    expect(problemLines(web({ config: { files: JSON.parse('{"__proto__": "x", "app.yaml": "y"}') } }))).toEqual([
      `WebService 'web' (shop/web): 'config.files.__proto__' "__proto__" is a name a JavaScript object cannot keep as a key of its own (it sets the object's prototype), so the file would be dropped from the ConfigMap. Fix: rename the file, e.g. "proto".`,
    ]);
  });

  const circular: Record<string, unknown> = {};
  circular.self = circular;
  test.each<[string, Record<string, unknown>]>([
    ['volumes as a string', { volumes: 'data' }],
    ['sidecars as an object', { sidecars: { name: 'x' } }],
    ['a sidecar that is null', { sidecars: [null] }],
    ['a volume that is a number', { volumes: [5] }],
    ['env as an array', { env: ['A=1'] }],
    ['labels as a string', { labels: 'tier=web' }],
    ['egress as a string', { egress: '0.0.0.0/0' }],
    ['an egress rule that is null', { egress: [null] }],
    ['ports that are not objects', { ports: [null, 'http'] }],
    ['overrides as a string', { overrides: 'prod' }],
    ['an exec probe whose command is a string', { probes: { liveness: { type: 'exec', command: 'true' } } }],
    ['mounts that are null on a sidecar', { volumes: [], sidecars: [{ name: 's', image: IMAGE, mounts: [null] }] }],
    ['a circular resources object', { resources: { cpu: circular } }],
    ['a BigInt image', { image: 1n }],
    ['a symbol id in env', { env: { A: Symbol('a') } }],
  ])('%s is a Libk8sError', (_, props) => {
    let error: unknown;
    try {
      web(props).render();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Libk8sError);
  });

  test('a patch that is not an operation, or has no path, is a problem', () => {
    const app = newApp({ environments: { prod: { namespace: 'shop' } } } as never);
    new WebService(app, 'web', { image: IMAGE }).addJsonPatch({ kind: 'Deployment' }, null as never, { op: 'remove' } as never);
    const lines = problemLines(app).map((l) => l.replace(/ \(patch added at [^)]*\)/, ''));
    expect(lines).toEqual([
      `WebService 'web' (shop/web) [environment 'prod']: 'addJsonPatch' the patch "null " does not apply to Deployment 'web': unknown operation "null". Fix: use add, remove, replace, move, copy or test (JsonPatch.add(...) and the like).`,
      `WebService 'web' (shop/web) [environment 'prod']: 'addJsonPatch' the patch "remove undefined" does not apply to Deployment 'web': path undefined is not a JSON pointer (a string starting with "/"). Fix: correct the JSON pointer (see the object in the output of a synth without the patch) or add the missing parent first.`,
    ]);
  });

  test('a patch target that is not an object is a problem', () => {
    const app = newApp();
    new WebService(app, 'web', { image: IMAGE }).addJsonPatch(null as never, JsonPatch.add('/spec/x', 1));
    expect(problemLines(app)).toEqual([
      "WebService 'web' (shop/web): 'addJsonPatch' targets null, which names no object kind. Fix: pass the target first, e.g. addJsonPatch({ kind: 'Deployment' }, JsonPatch.add(...)).",
    ]);
  });
});
