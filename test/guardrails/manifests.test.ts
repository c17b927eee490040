import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseManifests, readManifests, StringTable } from '../../lib/guardrails/manifests';

// the reading of YAML streams (documents, lines, chunks, errors) is tested with the CLI: test/cli/check.test.ts

describe('the manifests read', () => {
  test('are the objects the YAML holds, whether JSON could hold them (rebuilt in less memory) or not (kept as read)', () => {
    const doc = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: { app: web }\ndata:\n${data}`;
    const plain = parseManifests(doc('  mode: "0755"\n  port: 0755\n  on: yes\n  list: [a, 1, null, ~]\n  text: |\n    line one\n    line two\n'), 'a.yaml');
    expect(plain.subjects[0].manifest).toEqual({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { app: 'web' } },
      data: { mode: '0755', port: 493, true: true, list: ['a', 1, null, null], text: 'line one\nline two\n' },
    });
    const special = parseManifests(doc('  nan: .nan\n  inf: .inf\n  minus: -.inf\n  zero: -0.0\n  name: web\n'), 'b.yaml');
    const data = special.subjects[0].manifest.data;
    expect(Number.isNaN(data.nan)).toBe(true);
    expect(data.inf).toBe(Infinity);
    expect(data.minus).toBe(-Infinity);
    expect(Object.is(data.zero, -0)).toBe(true);
    expect(data.name).toBe('web');
  });

  test('a __proto__ key stays an own key and never sets the prototype, in both ways of reading', () => {
    for (const extra of ['', '  n: .nan\n']) {
      const { subjects } = parseManifests(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata:\n  __proto__: { polluted: a long enough string value }\n  __proto__x: other\n${extra}`, 'p.yaml');
      const data = subjects[0].manifest.data;
      expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toEqual({ polluted: 'a long enough string value' });
      expect(({} as any).polluted).toBeUndefined();
      expect(data.__proto__x).toBe('other');
    }
  });

  test('one string table serves the reads of many files, and starts again when full', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libk8s-manifests-'));
    const strings = new StringTable(3);
    const names: string[] = [];
    for (let i = 0; i < 5; i++) {
      const file = path.join(dir, `f${i}.yaml`);
      fs.writeFileSync(file, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a-rather-long-name-${i}\n  namespace: team-payments-production\n`);
      const { subjects } = readManifests(file, `f${i}.yaml`, undefined, strings);
      names.push(subjects[0].manifest.metadata.name);
      expect(subjects[0].manifest.metadata.namespace).toBe('team-payments-production');
    }
    expect(names).toEqual([0, 1, 2, 3, 4].map((i) => `a-rather-long-name-${i}`));
    expect(strings.intern('x'.repeat(20))).toBe('x'.repeat(20));
  });
});
