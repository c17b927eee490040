import {
  diffEnvironments, diffExitCode, DIFF_EXIT, formatDiff, formatDiffMarkdown, formatDiffText, fromRendered, ManifestSet, toDiffJson,
} from '../../lib/diff';
import { clone, render, sets } from './support';

const FORMATS = ['text', 'markdown', 'json'] as const;

function all(result: ReturnType<typeof diffEnvironments>): string {
  return FORMATS.map((f) => formatDiff(result, f, { against: 'HEAD~1:dist' })).join('\n');
}

describe('libk8s diff on synthesized programs', () => {
  const base = sets();

  test('the same program twice: no change, exit 0', () => {
    const result = diffEnvironments(base, sets());
    expect(result.changed).toBe(false);
    expect(diffExitCode(result)).toBe(0);
    expect(result.environments.map((e) => e.environment)).toEqual(['dev', 'prod']);
    expect(formatDiffText(result)).toBe([
      `dev: 0 changed, 0 added, 0 removed (${base[0].objects.length} unchanged)`,
      `prod: 0 changed, 0 added, 0 removed (${base[1].objects.length} unchanged)`,
    ].join('\n'));
    expect(formatDiffMarkdown(result)).toMatch(/^### libk8s diff: no changes \(\d+ objects in 2 environments\)/);
  });

  test('a changed image: exit 3, names the workload with the old and new tag', () => {
    const result = diffEnvironments(base, sets({ apiImage: 'ghcr.io/acme/api:1.5.0' }));
    expect(diffExitCode(result)).toBe(DIFF_EXIT.changes);
    const prod = result.environments.find((e) => e.environment === 'prod')!;
    // every object of the construct carries the version label
    expect(prod.counts).toMatchObject({ changed: 6, added: 0, removed: 0, renamed: 0 });
    expect(prod.objects.map((o) => o.kind)).toEqual(['Deployment', 'HTTPRoute', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    const [deployment] = prod.objects;
    expect(deployment).toMatchObject({ status: 'changed', kind: 'Deployment', name: 'api', group: 'apps', namespace: 'shop', file: 'shop/api.yaml' });
    expect(deployment.fields).toContainEqual({
      path: 'spec.template.spec.containers[name=api].image', change: 'changed', old: 'ghcr.io/acme/api:1.4.2', new: 'ghcr.io/acme/api:1.5.0',
    });
    expect(deployment.fields).toContainEqual({ path: 'metadata.labels["app.kubernetes.io/version"]', change: 'changed', old: '1.4.2', new: '1.5.0' });
    const text = formatDiffText(result);
    expect(text).toContain('prod: 6 changed, 0 added, 0 removed (1 unchanged)');
    expect(text).toContain('  ~ Deployment api\n');
    expect(text).toContain('spec.template.spec.containers[name=api].image: "ghcr.io/acme/api:1.4.2" → "ghcr.io/acme/api:1.5.0"');
  });

  test('an added Worker: its objects are added, nothing else changes', () => {
    const result = diffEnvironments(base, sets({ worker: true }));
    expect(diffExitCode(result)).toBe(3);
    const prod = result.environments[1];
    expect(prod.counts.changed).toBe(0);
    expect(prod.counts.removed).toBe(0);
    expect(prod.objects.every((o) => o.status === 'added' && o.name === 'mailer')).toBe(true);
    expect(prod.objects.map((o) => o.kind)).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'ServiceAccount']);
    expect(formatDiffText(result)).toContain('  + Deployment mailer\n');
  });

  test('a removed route: the HTTPRoute is removed and the NetworkPolicy no longer admits the Gateway', () => {
    const result = diffEnvironments(base, sets({ route: false }));
    const prod = result.environments[1];
    expect(prod.objects.filter((o) => o.status === 'removed').map((o) => `${o.kind}/${o.name}`)).toEqual(['HTTPRoute/api']);
    const removed = prod.objects.find((o) => o.kind === 'HTTPRoute')!;
    expect(removed).toMatchObject({ group: 'gateway.networking.k8s.io', file: 'shop/api.yaml', fields: [] });
    expect(formatDiffText(result)).toContain('  - HTTPRoute api');
  });

  test('a changed Secret value is never printed, in any format', () => {
    const before = sets({ token: 'tok-before-0123456789' });
    const after = clone(before);
    const dev = after.find((s) => s.environment === 'dev')!;
    const secret = dev.objects.find((o) => o.manifest.kind === 'Secret')!.manifest;
    secret.stringData.password = secret.stringData.token;
    delete secret.stringData.token;
    const oldPassword: string = secret.stringData.password;
    secret.stringData.password = 'hunter2-after-value';
    secret.stringData.extra = 'added-secret-value';
    delete secret.stringData.user;
    secret.data = { token: Buffer.from('base64-secret-value').toString('base64') };
    const result = diffEnvironments(before, after);
    expect(diffExitCode(result)).toBe(3);
    const changed = result.environments[0].objects.find((o) => o.kind === 'Secret')!;
    expect(changed.fields).toEqual([
      { path: 'data.token', change: 'added', masked: true },
      { path: 'stringData.extra', change: 'added', masked: true },
      { path: 'stringData.password', change: 'added', masked: true },
      { path: 'stringData.token', change: 'removed', masked: true },
      { path: 'stringData.user', change: 'removed', masked: true },
    ]);
    const out = all(result);
    expect(out).toContain('stringData.password: added');
    expect(out).toContain('data.token: added');
    expect(out).toContain('stringData.user: removed');
    for (const secretValue of [oldPassword, 'tok-before', 'hunter2', 'added-secret-value', secret.data.token, 'robot']) expect(out).not.toContain(secretValue);

    // the program itself changes the token: a plain changed value, masked
    const changed2 = diffEnvironments(before, sets({ token: 'tok-after-9876543210' }));
    const prodSecret = changed2.environments[1].objects.find((o) => o.kind === 'Secret')!;
    expect(prodSecret.fields).toEqual([{ path: 'stringData.token', change: 'changed', masked: true }]);
    const out2 = all(changed2);
    expect(out2).toContain('stringData.token: changed');
    for (const v of ['tok-before', 'tok-after', 'robot']) expect(out2).not.toContain(v);
  });

  test('a Secret added by hand and changed: masked in every format, renamed too', () => {
    const mk = (name: string, value: string): ManifestSet[] => [{
      environment: 'prod',
      objects: [{ file: `shop/${name}.yaml`, manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'shop' }, type: 'Opaque', data: { a: 'c2FtZQ==', b: value } } }],
    }];
    const renamed = diffEnvironments(mk('creds', 'b2xkLXZhbHVl'), mk('creds-v2', 'bmV3LXZhbHVl'), { renameThreshold: 0.5 });
    const [o] = renamed.environments[0].objects;
    expect(o).toMatchObject({ status: 'renamed', previousName: 'creds', name: 'creds-v2' });
    expect(o.fields).toEqual([{ path: 'data.b', change: 'changed', masked: true }]);
    const out = all(renamed);
    for (const v of ['b2xkLXZhbHVl', 'bmV3LXZhbHVl', 'c2FtZQ==']) expect(out).not.toContain(v);
  });

  test('a renamed construct (api → api-v2, same props) is reported as a rename', () => {
    const result = diffEnvironments(base, sets({ apiName: 'api-v2' }));
    for (const env of result.environments) {
      const renamed = env.objects.filter((o) => o.status === 'renamed');
      expect(renamed.map((o) => `${o.kind} ${o.previousName} → ${o.name}`)).toEqual([
        'Deployment api → api-v2', 'HTTPRoute api → api-v2', 'NetworkPolicy api → api-v2', 'PodDisruptionBudget api → api-v2',
        'Service api → api-v2', 'ServiceAccount api → api-v2',
      ]);
      // the name and the name-derived labels, selectors, container name are discounted
      expect(renamed.every((o) => o.fields.length === 0 && o.similarity === 1)).toBe(true);
      expect(env.counts.added + env.counts.removed).toBe(0);
      // the database's NetworkPolicy now admits api-v2: a plain change
      const dbPolicy = env.objects.find((o) => o.kind === 'NetworkPolicy' && o.name === 'db');
      if (env.environment === 'dev') expect(dbPolicy?.status).toBe('changed');
    }
    expect(formatDiffText(result)).toContain('  → Deployment api → api-v2 (renamed)');
  });

  test('a rename with a changed image keeps the field change', () => {
    const result = diffEnvironments(base, sets({ apiName: 'api-v2', apiImage: 'ghcr.io/acme/api:1.5.0' }));
    const d = result.environments[1].objects.find((o) => o.kind === 'Deployment')!;
    expect(d).toMatchObject({ status: 'renamed', previousName: 'api', name: 'api-v2', previousFile: 'shop/api.yaml', file: 'shop/api-v2.yaml' });
    expect(d.fields).toContainEqual({ path: 'spec.template.spec.containers[name=api-v2].image', change: 'changed', old: 'ghcr.io/acme/api:1.4.2', new: 'ghcr.io/acme/api:1.5.0' });
  });

  test('renames off: removed and added', () => {
    const result = diffEnvironments(base, sets({ apiName: 'api-v2' }), { renames: false });
    expect(result.totals.renamed).toBe(0);
    expect(result.environments[1].counts).toMatchObject({ added: 6, removed: 6 });
  });

  test('environments: in the given order, filtered, unknown ones an error', () => {
    const result = diffEnvironments(base, sets({ apiImage: 'ghcr.io/acme/api:1.5.0' }), { environments: ['prod'] });
    expect(result.environments.map((e) => e.environment)).toEqual(['prod']);
    expect(() => diffEnvironments(base, base, { environments: ['staging'] })).toThrow(/Environment 'staging'.*neither side/);
    const onlyAfter = diffEnvironments(base.slice(0, 1), base);
    expect(onlyAfter.environments[1]).toMatchObject({ environment: 'prod', presence: 'added' });
    expect(formatDiffText(onlyAfter)).toContain(`prod: 0 changed, ${base[1].objects.length} added, 0 removed (0 unchanged, new environment)`);
  });

  test('the object layout names other files but the same objects: no change, each object still reviewed on its own', () => {
    const perObject = fromRendered(render(), { layout: 'object' });
    expect(perObject[1].objects.find((o) => o.manifest.kind === 'Deployment')!.file).toBe('shop/api/deployment.yaml');
    expect(diffEnvironments(base, perObject).changed).toBe(false);
    // a layout switch (object -> construct) with an image bump: the changed objects one by one, each with its new file and its old one
    const result = diffEnvironments(perObject, sets({ apiImage: 'ghcr.io/acme/api:1.5.0' }));
    const d = result.environments[1].objects.find((o) => o.kind === 'Deployment')!;
    expect(d).toMatchObject({ status: 'changed', file: 'shop/api.yaml', previousFile: 'shop/api/deployment.yaml' });
    expect(d.fields).toContainEqual({ path: 'spec.template.spec.containers[name=api].image', change: 'changed', old: 'ghcr.io/acme/api:1.4.2', new: 'ghcr.io/acme/api:1.5.0' });
  });

  test('json: the documented shape', () => {
    const json = toDiffJson(diffEnvironments(base, sets({ apiImage: 'ghcr.io/acme/api:1.5.0', route: false })), { against: 'origin/main:dist' });
    expect(Object.keys(json)).toEqual(['schemaVersion', 'against', 'changed', 'exitCode', 'totals', 'environments']);
    expect(json).toMatchObject({ schemaVersion: 1, against: 'origin/main:dist', changed: true, exitCode: 3 });
    const prod = json.environments[1];
    expect(Object.keys(prod)).toEqual(['environment', 'presence', 'counts', 'objects']);
    expect(prod.objects.map((o) => `${o.status} ${o.kind}/${o.name}`)).toEqual([
      'changed Deployment/api', 'removed HTTPRoute/api', 'changed NetworkPolicy/api', 'changed PodDisruptionBudget/api', 'changed Service/api', 'changed ServiceAccount/api',
    ]);
    expect(Object.keys(prod.objects[0])).toEqual(['status', 'kind', 'group', 'apiVersion', 'namespace', 'name', 'file', 'fields']);
    expect(JSON.parse(formatDiff(diffEnvironments(base, base), 'json'))).toMatchObject({ changed: false, exitCode: 0 });
  });

  test('markdown: a pull-request comment (snapshot)', () => {
    const md = formatDiffMarkdown(diffEnvironments(sets({ db: false, token: 'tok-1' }), sets({ db: false, apiImage: 'ghcr.io/acme/api:1.5.0', worker: true, route: false, token: 'not-in-the-comment' })), { against: 'origin/main:dist' });
    expect(md).not.toContain('not-in-the-comment');
    expect(md).toMatchSnapshot();
  });

  test('markdown: values escaped in tables, cut with an ellipsis, fences longer than backtick runs', () => {
    const mk = (v: string, name = 'we|ird_name*'): ManifestSet[] => [{
      environment: 'prod',
      objects: [{ file: 'x/cm.yaml', manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'x' }, data: { v } } }],
    }];
    const long = `\`\`\`${'x'.repeat(500)}`;
    const md = formatDiffMarkdown(diffEnvironments(mk('a'), mk(long)));
    expect(md).toContain('| ~ | ConfigMap | we\\|ird\\_name\\* | x | changed: 1 field |');
    expect(md).toContain('````diff');
    expect(md).toMatch(/\+ data\.v: "```x+…\n/);
    const line = md.split('\n').find((l) => l.startsWith('+ data.v'))!;
    expect(line.length).toBeLessThan(140);
    expect(formatDiffText(diffEnvironments(mk('a'), mk(long)))).toContain('…');
  });
});
