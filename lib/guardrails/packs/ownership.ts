import { INSTANCE_LABEL, MANAGED_BY_LABEL, NAME_LABEL, PART_OF_LABEL } from '../../core/labels';
import { show } from '../../core/errors';
import { WORKLOAD_KINDS } from '../pod-spec';
import { Rule, Violation } from '../../core/policy';

/** The team label libk8s uses unless the platform names another (PlatformProps.teamLabel). */
export const DEFAULT_TEAM_LABEL = 'libk8s.io/team';

/** The labels `required-labels` asks of every object unless its options say otherwise. */
export const DEFAULT_REQUIRED_LABELS: readonly string[] = [NAME_LABEL, PART_OF_LABEL, MANAGED_BY_LABEL, DEFAULT_TEAM_LABEL];

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.map(String) : undefined;
}

/**
 * Options: `{ labels?: string[], annotations?: string[] }`; `labels`
 * replaces the default list. An App passes its platform's team label.
 */
const requiredLabels: Rule = {
  id: 'required-labels',
  pack: 'ownership',
  severity: 'warning',
  description: `Every object carries the ownership labels (by default ${DEFAULT_REQUIRED_LABELS.join(', ')}; the platform's team label when it names one), and any annotations the platform requires, with non-empty values.`,
  fix: "libk8s sets them from the app's name and team on every object. In YAML: add the labels under metadata.labels (app.kubernetes.io/name: the component, part-of: the app, managed-by: the tool, the team label: the owning team).",
  kinds: ['*'],
  check(s, ctx) {
    const labels = stringList(ctx.options.labels) ?? DEFAULT_REQUIRED_LABELS;
    const annotations = stringList(ctx.options.annotations) ?? [];
    const out: Violation[] = [];
    const meta = s.manifest.metadata ?? {};
    for (const [field, keys] of [['labels', labels], ['annotations', annotations]] as const) {
      const present: Record<string, unknown> = meta[field] ?? {};
      for (const key of keys) {
        const v = present[key];
        if (typeof v !== 'string' || v === '') {
          out.push({ message: `${field === 'labels' ? 'label' : 'annotation'} ${show(key)} is ${v === undefined ? 'missing' : `empty (${show(v)})`}`, field: `metadata.${field}[${show(key)}]` });
        }
      }
    }
    return out;
  },
};

const instanceLabel: Rule = {
  id: 'instance-label',
  pack: 'ownership',
  severity: 'warning',
  description: `Workloads carry ${INSTANCE_LABEL} equal to their metadata.name, so tools group a workload's objects by instance.`,
  fix: `libk8s sets ${INSTANCE_LABEL} to the construct's name. In YAML: set metadata.labels["${INSTANCE_LABEL}"] to the object's metadata.name.`,
  aliases: { polaris: 'metadataAndInstanceMismatched' },
  kinds: WORKLOAD_KINDS,
  check(s) {
    const name = s.manifest.metadata?.name;
    const v = s.manifest.metadata?.labels?.[INSTANCE_LABEL];
    if (v === name) return [];
    return [{ message: v === undefined ? `label ${show(INSTANCE_LABEL)} is missing` : `label ${show(INSTANCE_LABEL)} is ${show(v)}, not the name ${show(name)}`, field: `metadata.labels[${show(INSTANCE_LABEL)}]` }];
  },
};

export const OWNERSHIP_RULES: readonly Rule[] = [requiredLabels, instanceLabel];
