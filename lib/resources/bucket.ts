import type { Scope } from '../core/component';
import { ProblemList } from '../core/errors';
import { checkBoolean, checkIntRange } from '../core/rules';
import { Resource, ResourceProps } from './resource';

export interface BucketProps<E extends string = string> extends ResourceProps<E> {
  /**
   * Keep every version of an object (the crossplane-aws recipe does not
   * provision versioning yet and reports it as a problem).
   * @default false
   */
  readonly versioned?: boolean;
  /**
   * Delete objects this many days after they are written.
   * @default - never
   */
  readonly expireAfterDays?: number;
}

/** Bucket props with every default resolved. */
export interface BucketSpec {
  /** See BucketProps.versioned. */
  readonly versioned: boolean;
  /** See BucketProps.expireAfterDays. @default - never */
  readonly expireAfterDays?: number;
  /** See ResourceProps.retain. */
  readonly retain: boolean;
}

/**
 * An object storage bucket: private (public access blocked), encrypted at
 * rest. `workload.connect(bucket)` grants read and write on its objects.
 *
 * Connection Secret keys (environment variables `<ID>_<KEY>`): `name`,
 * `region`, `endpoint`, `arn`.
 */
export class Bucket<E extends string = string> extends Resource<BucketSpec> {
  public readonly kind = 'Bucket';
  public readonly resourceType = 'bucket';
  public readonly connectionKeys = ['name', 'region', 'endpoint', 'arn'] as const;
  public readonly props: BucketProps;

  constructor(scope: Scope<E>, id: string, given: BucketProps<NoInfer<E>> = {}) {
    const props = Resource.propsOf(given);
    super(scope, id, { versioned: props.versioned ?? false, expireAfterDays: props.expireAfterDays, retain: props.retain ?? true }, given);
    this.props = props;
  }

  protected validateSpec(problems: ProblemList): void {
    checkBoolean(problems, 'versioned', this.spec.versioned);
    if (this.spec.expireAfterDays !== undefined) checkIntRange(problems, 'expireAfterDays', this.spec.expireAfterDays, 1, 36500);
  }
}
