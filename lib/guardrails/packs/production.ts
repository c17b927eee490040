import { Rule } from '../types';

export const PRODUCTION_RULES: readonly Rule[] = [];
