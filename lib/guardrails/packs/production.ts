import { Rule } from '../../core/policy';
import { AVAILABILITY_RULES } from './production-availability';
import { CONTAINER_RULES } from './production-containers';
import { NETWORK_RULES } from './production-network';
import { knownKind } from './known-kinds';
import { NETWORK_ALLOW_ALL_RULES } from './network-allow-all';
import { SECRET_RULES } from './secrets';

/**
 * The `production` pack: the reliability and security checks of kube-score,
 * Polaris and kube-linter that apply, written once for manifests from
 * libk8s and from anywhere else. Each rule names its aliases in those tools.
 * It also holds known-kind (kinds spelled as the API serves them), the
 * allow-all NetworkPolicy rules and the secret detector (packs/secrets.ts).
 */
export const PRODUCTION_RULES: readonly Rule[] = [...CONTAINER_RULES, ...NETWORK_RULES, ...NETWORK_ALLOW_ALL_RULES, ...AVAILABILITY_RULES, ...SECRET_RULES, knownKind];
