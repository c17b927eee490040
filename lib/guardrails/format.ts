import { brandError } from '../core/errors';
import { formatLocation } from '../core/source';
import { Finding, Report } from '../core/policy';

/** Where a finding points in the user's code: `infra/main.ts:17`, or the YAML file and line. */
export function findingLocation(f: Finding): string | undefined {
  if (f.origin.location) return formatLocation(f.origin.location);
  if (f.origin.file) return f.origin.line ? `${f.origin.file}:${f.origin.line}` : f.origin.file;
  return undefined;
}

/** One line per finding, for errors and logs. */
export function formatFinding(f: Finding): string {
  const obj = `${f.object.kind} '${f.object.name}'`;
  const env = f.origin.environment ? ` [${f.origin.environment}]` : '';
  const c = f.origin.construct;
  const construct = c ? ` (${c.kind} '${c.id}', ${c.path})` : '';
  const where = findingLocation(f);
  const field = f.field ? ` ${f.field}:` : ':';
  const waived = f.waived ? ` [waived: ${f.waived.reason}]` : '';
  return `${f.severity} ${f.rule}${where ? ` at ${where}` : ''}: ${obj}${env}${construct}${field} ${f.message}. Fix: ${f.fix}${waived}`;
}

/** Thrown by synth when error-level findings remain; nothing is written. */
export class GuardrailsError extends Error {
  public readonly reports: readonly Report[];
  public readonly findings: readonly Finding[];

  constructor(reports: readonly Report[], blocking: readonly Finding[]) {
    super([`libk8s guardrails: ${blocking.length} error${blocking.length === 1 ? '' : 's'} (nothing was written):`, ...blocking.map((f) => `  - ${formatFinding(f)}`),
      'Fix the program, or waive a rule with a reason: construct.waive(\'<rule>\', \'<why>\').'].join('\n'));
    this.name = 'GuardrailsError';
    this.reports = reports;
    this.findings = blocking;
  }
}
brandError(GuardrailsError, Symbol.for('libk8s.GuardrailsError'));
