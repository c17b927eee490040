import { Rule } from '../types';

export const OWNERSHIP_RULES: readonly Rule[] = [];
