import { Rule } from '../types';

export const PSS_RULES: readonly Rule[] = [];
