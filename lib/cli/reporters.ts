/* eslint-disable @typescript-eslint/no-require-imports -- this module exists to load its targets on demand */
import type * as JsonReporter from '../guardrails/reporters/json';
import type * as SarifReporter from '../guardrails/reporters/sarif';

/**
 * The guardrails reporters a command needs only for some options, loaded on
 * their first call: `libk8s synth` writes JSON or SARIF only for `--report`,
 * and SARIF pulls in every built-in rule for its rule list. A plain synth
 * then loads neither (the CLI's modules are its own copies, besides the
 * program's, so whatever the CLI imports is loaded twice).
 */

/** `formatJson` of lib/guardrails/reporters/json.ts. */
export const formatJson: typeof JsonReporter.formatJson = (...args) => (require('../guardrails/reporters/json') as typeof JsonReporter).formatJson(...args);

/** `formatSarif` of lib/guardrails/reporters/sarif.ts. */
export const formatSarif: typeof SarifReporter.formatSarif = (...args) => (require('../guardrails/reporters/sarif') as typeof SarifReporter).formatSarif(...args);
