import { App, Postgres, Queue, WebService } from 'libk8s';
import { appGraph, AppGraph, dotText, mermaidText, renderGraph, toDot, toMermaid } from '../../lib/graph';
import { shopApp } from './shop-app';

const WORKLOADS = ['storefront', 'fulfilment', 'nightly-report'];
const RESOURCES = ['orders', 'db'];

/** Mermaid ids of the nodes, by node id. */
function mermaidIds(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^ {4}([A-Za-z0-9_]+)[[({]/gm)) out.set(m[1], m[1]);
  return out;
}

function edge(text: string, from: string, to: string, label: RegExp): boolean {
  const lines = text.split('\n').filter((l) => l.startsWith(`  ${from} `) && l.endsWith(` ${to}`));
  return lines.some((l) => label.test(l));
}

describe.each(['dev', 'prod'])('examples/shop in %s', (env) => {
  const graph = appGraph(shopApp(), env);
  const mermaid = toMermaid(graph);

  test('the Mermaid flowchart names every workload, resource and connection', () => {
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    const ids = mermaidIds(mermaid);
    for (const w of WORKLOADS) {
      expect(ids.has(`workload_${w.replace(/-/g, '_')}`)).toBe(true);
      expect(mermaid).toContain(`"${w}<br/>`);
    }
    for (const r of RESOURCES) expect(mermaid).toContain(`"${r}<br/>`);
    expect(edge(mermaid, 'workload_storefront', 'resource_db', /-->\|"connect"\|/)).toBe(true);
    expect(edge(mermaid, 'workload_storefront', 'resource_orders', /-->\|"send"\|/)).toBe(true);
    expect(edge(mermaid, 'resource_orders', 'workload_fulfilment', /-->\|"consume · KEDA 10 msg\/replica · 0–20"\|/)).toBe(true);
    expect(edge(mermaid, 'workload_fulfilment', 'resource_db', /-->\|"connect"\|/)).toBe(true);
    expect(edge(mermaid, 'route_storefront', 'workload_storefront', /==>\|"route"\|/)).toBe(true);
  });

  test('shapes: a stadium route, a parallelogram queue, a cylinder database, a subroutine job', () => {
    const domain = env === 'prod' ? 'shop.example.com' : 'dev.shop.example.com';
    expect(mermaid).toContain(`route_storefront(["${domain}<br/>HTTPRoute · /"])`);
    expect(mermaid).toMatch(/resource_orders\[\/"orders<br\/>Queue · [a-z-]+"\/\]/);
    expect(mermaid).toMatch(/resource_db\[\("db<br\/>Postgres · [a-z-]+"\)\]/);
    expect(mermaid).toContain('workload_nightly_report[["nightly-report<br/>CronTask · 1.4.2"]]');
    expect(mermaid).toContain('workload_storefront["storefront<br/>WebService · 1.4.2<br/>HPA 2–10 · cpu 70%"]');
  });

  test('the model: image tags, the recipe of each resource in the environment, HPA and KEDA', () => {
    const app = shopApp();
    const g = appGraph(app, env);
    const node = (id: string) => g.nodes.find((n) => n.id === id)!;
    expect(node('workload:storefront')).toMatchObject({ kind: 'WebService', image: 'ghcr.io/acme/storefront:1.4.2', tag: '1.4.2',
      scaling: { kind: 'hpa', min: 2, max: 10, metrics: ['cpu 70%'] } });
    expect(node('workload:fulfilment')).toMatchObject({ kind: 'QueueWorker', tag: '1.4.2', scaling: { kind: 'keda', min: 0, max: 20, messagesPerReplica: 10 } });
    expect(node('workload:nightly-report')).toMatchObject({ kind: 'CronTask', tag: '1.4.2' });
    const e = app.environment(env)!;
    for (const r of RESOURCES) {
      const resource = app.node.findChild(r) as Queue | Postgres;
      expect(node(`resource:${r}`).recipe).toBe(resource.recipe(e)?.name);
      expect(node(`resource:${r}`).recipe).toBe(env === 'prod' ? 'crossplane-aws' : 'in-cluster');
    }
    expect(node('route:storefront').hosts).toEqual([env === 'prod' ? 'shop.example.com' : 'dev.shop.example.com']);
  });

  test('the DOT source names the same nodes and edges', () => {
    const dot = toDot(graph);
    expect(dot.startsWith('digraph "shop" {\n')).toBe(true);
    for (const w of WORKLOADS) expect(dot).toContain(`label="${w}\\n`);
    for (const r of RESOURCES) expect(dot).toContain(`label="${r}\\n`);
    expect(dot).toContain('workload_storefront -> resource_db [label="connect"]');
    expect(dot).toContain('workload_storefront -> resource_orders [label="send"]');
    expect(dot).toContain('resource_orders -> workload_fulfilment [label="consume · KEDA 10 msg/replica · 0–20"');
    expect(dot).toContain('workload_fulfilment -> resource_db [label="connect"]');
    expect(dot).toContain('resource_db [label="db\\nPostgres');
    expect(dot).toMatch(/resource_db \[[^\]]*shape=cylinder/);
    expect(dot).toMatch(/resource_orders \[[^\]]*shape=parallelogram/);
  });
});

describe('cloud identities', () => {
  test('prod draws the IAM Role of each workload that has one, attached to it; dev has none', () => {
    const prod = appGraph(shopApp(), 'prod');
    expect(prod.rendered).toBe(true);
    const identities = prod.nodes.filter((n) => n.group === 'identity');
    expect(identities.map((n) => n.label)).toEqual(['Role/fulfilment', 'Role/storefront']);
    expect(prod.edges.filter((e) => e.kind === 'identity').map((e) => `${e.from} -> ${e.to}`))
      .toEqual(['workload:fulfilment -> identity:fulfilment', 'workload:storefront -> identity:storefront']);
    expect(toMermaid(prod)).toContain('workload_storefront -.->|"identity"| identity_storefront');
    expect(toMermaid(prod)).toContain('identity_storefront{{"Role/storefront<br/>iam.aws.m.upbound.io"}}');
    expect(appGraph(shopApp(), 'dev').nodes.filter((n) => n.group === 'identity')).toEqual([]);
  });

  test('the rendered environment can be passed in, and must be the one asked for', () => {
    const app = shopApp();
    const [dev, prod] = app.render();
    expect(toMermaid(appGraph(app, 'prod', prod))).toBe(toMermaid(appGraph(app, 'prod')));
    expect(() => appGraph(app, 'prod', dev)).toThrow(/environment 'dev', not 'prod'/);
  });
});

describe('determinism', () => {
  test('the same program gives byte-identical Mermaid and DOT, nodes and edges sorted', () => {
    for (const env of ['dev', 'prod']) {
      const a = appGraph(shopApp(), env);
      const b = appGraph(shopApp(), env);
      expect(toMermaid(a)).toBe(toMermaid(b));
      expect(toDot(a)).toBe(toDot(b));
      const edges = a.edges.map((e) => `${e.from}\u0000${e.to}\u0000${e.kind}`);
      expect(edges).toEqual([...edges].sort());
    }
  });

  test('construction order does not change the output', () => {
    const build = (reverse: boolean) => {
      const app = new App({ name: 'x', team: 't', environments: { dev: { namespace: 'x-dev', domain: 'x.example.com' } } });
      const make = [
        () => new Postgres(app, 'db', {}),
        () => new Queue(app, 'jobs', {}),
        () => new WebService(app, 'api', { image: 'ghcr.io/acme/api:2.0.0', route: { path: '/api' } }),
      ];
      if (reverse) make.reverse();
      make.forEach((f) => f());
      const api = app.node.findChild('api') as WebService;
      if (reverse) { api.sendTo(app.node.findChild('jobs') as Queue); api.connect(app.node.findChild('db') as Postgres); } else { api.connect(app.node.findChild('db') as Postgres); api.sendTo(app.node.findChild('jobs') as Queue); }
      return appGraph(app, 'dev');
    };
    expect(toMermaid(build(true))).toBe(toMermaid(build(false)));
    expect(toDot(build(true))).toBe(toDot(build(false)));
    expect(toMermaid(build(false))).toContain('route_api(["x.example.com/api<br/>HTTPRoute · /api"])');
  });
});

describe('cycles', () => {
  test('a ring of three services (a→b→c→a) passes validation, renders and draws', () => {
    const app = new App({ name: 'ring', team: 't', environments: { dev: { namespace: 'ring-dev' } } });
    const [a, b, c] = ['a', 'b', 'c'].map((id) => new WebService(app, id, { image: `ghcr.io/acme/${id}:1.0.0` }));
    a.connect(b); b.connect(c); c.connect(a);
    expect(app.validate().filter((p) => /cycle/.test(p.message))).toEqual([]);
    const graph = appGraph(app, 'dev');
    expect(graph.rendered).toBe(true);
    const mermaid = toMermaid(graph);
    expect(mermaid).toContain('workload_a -->|"connect"| workload_b');
    expect(mermaid).toContain('workload_b -->|"connect"| workload_c');
    expect(mermaid).toContain('workload_c -->|"connect"| workload_a');
    expect(toDot(graph)).toContain('workload_c -> workload_a [label="connect"]');
  });

  test('two services that connect to each other fail to render, and the graph still draws from the wiring', () => {
    const app = new App({ name: 'pair', team: 't', environments: { dev: { namespace: 'pair-dev', domain: 'pair.example.com' } } });
    const a = new WebService(app, 'a', { image: 'ghcr.io/acme/a:1.0.0', route: { subdomain: 'a' }, autoscale: { min: 1, max: 3, memoryPercent: 80 } });
    const b = new WebService(app, 'b', { image: 'ghcr.io/acme/b:1.0.0' });
    a.connect(b); b.connect(a);
    expect(() => app.render()).toThrow(/makes a cycle/);
    const graph = appGraph(app, 'dev');
    expect(graph.rendered).toBe(false);
    expect(graph.problems).toMatch(/makes a cycle/);
    const mermaid = toMermaid(graph);
    expect(mermaid).toContain('%% pair · dev (not rendered)');
    expect(mermaid).toContain('workload_a -->|"connect"| workload_b');
    expect(mermaid).toContain('workload_b -->|"connect"| workload_a');
    // hosts and scaling from the props when nothing rendered
    expect(mermaid).toContain('route_a(["a.pair.example.com<br/>HTTPRoute · /"])');
    expect(mermaid).toContain('HPA 1–3 · memory 80%');
  });
});

describe('escaping', () => {
  const hostile: AppGraph = {
    app: 'we"ird', environment: 'dev', rendered: true,
    nodes: [
      { id: 'workload:a"b', group: 'workload', kind: 'WebService', name: 'a"b', label: 'a "quoted" [x] (y) {z} <b>#1;|`', details: ['back\\slash', 'two\nlines'] },
      { id: 'workload:a-b', group: 'workload', kind: 'Worker', name: 'a-b', label: 'end', details: [] },
    ],
    edges: [{ from: 'workload:a"b', to: 'workload:a-b', kind: 'connect', label: 'say "hi" | [now]' }],
  };

  test('Mermaid labels are quoted with quotes, brackets and markup as entity codes; ids stay safe and distinct', () => {
    const text = toMermaid(hostile);
    expect(mermaidText('a "b" [c]')).toBe('a #quot;b#quot; #91;c#93;');
    expect(text).toContain('workload_a_b["a #quot;quoted#quot; #91;x#93; #40;y#41; #123;z#125; #lt;b#gt;#35;1#59;#124;#96;<br/>back\\slash<br/>two lines"]');
    expect(text).toContain('workload_a_b_2["end"]');
    expect(text).toContain('workload_a_b -->|"say #quot;hi#quot; #124; #91;now#93;"| workload_a_b_2');
    // every label is one quoted string: no quote inside one is left unescaped
    for (const line of text.split('\n').filter((l) => l.includes('"') && !l.startsWith('  %%'))) expect(line.match(/"/g)!.length % 2).toBe(0);
  });

  test('DOT labels escape quotes, backslashes and line breaks', () => {
    const dot = toDot(hostile);
    expect(dotText('a "b" \\ c\nd')).toBe('a \\"b\\" \\\\ c\\nd');
    expect(dot.startsWith('digraph "we\\"ird" {')).toBe(true);
    expect(dot).toContain('label="a \\"quoted\\" [x] (y) {z} <b>#1;|`\\nback\\\\slash\\ntwo\\nlines"');
    expect(dot).toContain('workload_a_b -> workload_a_b_2 [label="say \\"hi\\" | [now]"]');
  });
});

describe('errors and formats', () => {
  test('an environment the app does not have is a Libk8sError naming the ones it has', () => {
    expect(() => appGraph(shopApp(), 'staging')).toThrow(/has no environment "staging".*use one of: dev, prod/s);
  });

  test('renderGraph picks the renderer by format, Mermaid by default', async () => {
    const g = appGraph(shopApp(), 'prod');
    await expect(renderGraph(g)).resolves.toBe(toMermaid(g));
    await expect(renderGraph(g, 'dot')).resolves.toBe(toDot(g));
    await expect(renderGraph(g, 'png' as any)).rejects.toThrow(/unknown graph format "png"/);
  });
});
