import { Rule } from '../../core/policy';
import { EXPOSURE_RULES } from './exposure';
import { OWNERSHIP_RULES } from './ownership';
import { PRODUCTION_RULES } from './production';
import { PSS_RULES } from './pss';

/** Every built-in rule, in pack order. */
export const BUILTIN_RULES: readonly Rule[] = [...PSS_RULES, ...PRODUCTION_RULES, ...EXPOSURE_RULES, ...OWNERSHIP_RULES];
