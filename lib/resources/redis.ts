import type { Scope } from '../core/component';
import type { WiredValue } from '../core/wiring';
import { ProblemList, show } from '../core/errors';
import { checkBoolean } from '../core/rules';
import { Resource, ResourceProps, ResourceSize, RESOURCE_SIZES } from './resource';

export type RedisVersion = '6.2' | '7.0' | '7.1';
export const REDIS_VERSIONS: readonly RedisVersion[] = ['6.2', '7.0', '7.1'];

export interface RedisProps<E extends string = string> extends ResourceProps<E> {
  /**
   * The Redis engine version.
   * @default '7.1'
   */
  readonly version?: RedisVersion;
  /**
   * A size preset the recipe maps to a node type (crossplane-aws: small
   * cache.t4g.small, medium cache.m7g.large, large cache.r7g.xlarge).
   * @default 'small'
   */
  readonly size?: ResourceSize;
  /**
   * A replica in another zone with automatic failover.
   * @default false
   */
  readonly highAvailability?: boolean;
}

/** Redis props with every default resolved. */
export interface RedisSpec {
  /** See RedisProps.version. */
  readonly version: RedisVersion;
  /** See RedisProps.size. */
  readonly size: ResourceSize;
  /** See RedisProps.highAvailability. */
  readonly highAvailability: boolean;
  /** See ResourceProps.retain. */
  readonly retain: boolean;
}

/**
 * A Redis cache with TLS in transit and an auth token.
 *
 * Connection Secret keys (environment variables `<ID>_<KEY>`): `host`,
 * `port`, `password`, `tls` ("true" or "false").
 */
export class Redis<E extends string = string> extends Resource<RedisSpec> {
  public readonly kind = 'Redis';
  public readonly resourceType = 'redis';
  public readonly connectionKeys = ['host', 'port', 'password', 'tls'] as const;
  public readonly props: RedisProps;
  /** The host, for `Env.compose` in a workload that connects to this one. */
  public get host(): WiredValue { return this.ref('host'); }
  /** The port, for `Env.compose`. */
  public get port(): WiredValue { return this.ref('port'); }
  /** `host:port`, for `Env.compose` (what a client dials). */
  public get hostport(): WiredValue { return this.ref('hostport'); }

  constructor(scope: Scope<E>, id: string, given: RedisProps<NoInfer<E>> = {}) {
    const props = Resource.propsOf(given);
    super(scope, id, {
      version: props.version ?? '7.1',
      size: props.size ?? 'small',
      highAvailability: props.highAvailability ?? false,
      retain: props.retain ?? false,
    }, given);
    this.props = props;
  }

  protected validateSpec(problems: ProblemList): void {
    const s = this.spec;
    if (!REDIS_VERSIONS.includes(s.version)) problems.add('version', `${show(s.version)} is not a supported version`, `use one of: ${REDIS_VERSIONS.join(', ')}.`);
    if (!RESOURCE_SIZES.includes(s.size)) problems.add('size', `${show(s.size)} is not a size`, `use one of: ${RESOURCE_SIZES.join(', ')}.`);
    checkBoolean(problems, 'highAvailability', s.highAvailability);
  }
}
