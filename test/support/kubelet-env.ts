/** A container env variable as the manifests hold it. */
export type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };

/**
 * What the container sees, as the kubelet computes it: each value with
 * `$(VAR)` replaced by the value of a variable defined EARLIER in the list
 * (a later or unknown one stays as the text), and `$$` as `$`. A Secret
 * value stands in as `<secret/key>`.
 */
export function expand(env: readonly EnvVar[]): Record<string, string> {
  const seen: Record<string, string> = {};
  for (const v of env) {
    const ref = v.valueFrom?.secretKeyRef;
    const raw = ref ? `<${ref.name}/${ref.key}>` : v.value ?? '';
    seen[v.name] = raw.replace(/\$\$|\$\(([^)]*)\)/g, (m, name: string | undefined) => (m === '$$' ? '$' : name !== undefined && name in seen ? seen[name] : m));
  }
  return seen;
}
