import { Rule } from '../../core/policy';
import { AVAILABILITY_RULES } from './production-availability';
import { CONTAINER_RULES } from './production-containers';
import { NETWORK_RULES } from './production-network';

/**
 * The `production` pack: the reliability and security checks of kube-score,
 * Polaris and kube-linter that apply, written once for manifests from
 * libk8s and from anywhere else. Each rule names its aliases in those tools.
 */
export const PRODUCTION_RULES: readonly Rule[] = [...CONTAINER_RULES, ...NETWORK_RULES, ...AVAILABILITY_RULES];
