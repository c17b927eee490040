import { Subject } from 'libk8s';
import { check, where } from '../fixtures/load';

const subjects = (...manifests: Record<string, any>[]): Subject[] => manifests.map((manifest) => ({ manifest, origin: {} }));
const findings = (rule: string, ...manifests: Record<string, any>[]) => check(subjects(...manifests), { packs: ['production'] }).filter((f) => f.rule === rule);
const policy = (spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'shop' }, spec: { podSelector: { matchLabels: { app: 'api' } }, ...spec } });

describe('known-kind: kinds first served in 1.34', () => {
  test('storage.k8s.io/v1 VolumeAttributesClass and admissionregistration.k8s.io/v1beta1 MutatingAdmissionPolicy(Binding) are not served by 1.27–1.33', () => {
    const obj = (apiVersion: string, kind: string) => ({ apiVersion, kind, metadata: { name: kind.toLowerCase() } });
    const found = findings('known-kind',
      obj('storage.k8s.io/v1', 'VolumeAttributesClass'),
      obj('admissionregistration.k8s.io/v1beta1', 'MutatingAdmissionPolicy'),
      obj('admissionregistration.k8s.io/v1beta1', 'MutatingAdmissionPolicyBinding'));
    expect(found.map((f) => f.message).sort()).toEqual([
      'admissionregistration.k8s.io/v1beta1 serves no kind "MutatingAdmissionPolicy" (MutatingAdmissionPolicy is served by admissionregistration.k8s.io/v1alpha1)',
      'admissionregistration.k8s.io/v1beta1 serves no kind "MutatingAdmissionPolicyBinding" (MutatingAdmissionPolicyBinding is served by admissionregistration.k8s.io/v1alpha1)',
      'storage.k8s.io/v1 serves no kind "VolumeAttributesClass" (VolumeAttributesClass is served by storage.k8s.io/v1beta1, storage.k8s.io/v1alpha1)',
    ]);
    // the versions 1.33 serves them at are fine
    expect(findings('known-kind', obj('storage.k8s.io/v1beta1', 'VolumeAttributesClass'), obj('admissionregistration.k8s.io/v1alpha1', 'MutatingAdmissionPolicy'))).toEqual([]);
  });
});

describe('network-policy-wide-peer: review fixes', () => {
  test('namespaceSelector: {} with podSelector: {} is every pod of every namespace', () => {
    const found = findings('network-policy-wide-peer', policy({ ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }], ports: [{ port: 8080 }] }] }));
    expect(where(found)).toEqual(['NetworkPolicy/np spec.ingress[0].from[0].namespaceSelector']);
    expect(found[0].message).toMatch(/every pod of every namespace \(namespaceSelector: \{\} with podSelector: \{\}\)/);
    // an empty matchLabels is empty too; a podSelector with labels narrows the peer
    expect(where(findings('network-policy-wide-peer', policy({ egress: [{ to: [{ namespaceSelector: { matchLabels: {} }, podSelector: { matchLabels: {} } }] }] })))).toEqual(['NetworkPolicy/np spec.egress[0].to[0].namespaceSelector']);
    expect(findings('network-policy-wide-peer', policy({ ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }] }] }))).toEqual([]);
  });

  test('a rule with ports and no from/to (or an empty one) is reported like an empty peer with ports', () => {
    const found = findings('network-policy-wide-peer', policy({
      ingress: [{ ports: [{ port: 8080 }] }, { from: [], ports: [{ port: 8081 }] }, { from: [{}], ports: [{ port: 8082 }] }],
      egress: [{ ports: [{ port: 443 }] }],
    }));
    expect(where(found).sort()).toEqual(['NetworkPolicy/np spec.egress[0]', 'NetworkPolicy/np spec.ingress[0]', 'NetworkPolicy/np spec.ingress[1]', 'NetworkPolicy/np spec.ingress[2].from[0]']);
    for (const f of found) expect(f.message).toMatch(/every pod of every namespace and every address/);
    // with no ports either it is network-policy-allow-all's alone
    expect(findings('network-policy-wide-peer', policy({ ingress: [{}] }))).toEqual([]);
    expect(where(findings('network-policy-allow-all', policy({ ingress: [{}] })))).toEqual(['NetworkPolicy/np spec.ingress[0]']);
  });
});
