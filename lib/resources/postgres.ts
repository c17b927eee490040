import type { Scope } from '../core/component';
import type { WiredValue } from '../core/wiring';
import { ProblemList, show } from '../core/errors';
import { checkBoolean, checkIntRange } from '../core/rules';
import { Resource, ResourceProps, ResourceSize, RESOURCE_SIZES } from './resource';

/** The PostgreSQL major versions recipes provision. */
export type PostgresVersion = '14' | '15' | '16' | '17';
export const POSTGRES_VERSIONS: readonly PostgresVersion[] = ['14', '15', '16', '17'];

export interface PostgresProps<E extends string = string> extends ResourceProps<E> {
  /**
   * The PostgreSQL major version.
   * @default '17'
   */
  readonly version?: PostgresVersion;
  /**
   * Storage in GiB.
   * @default 20
   */
  readonly storageGiB?: number;
  /**
   * A size preset the recipe maps to an instance class (crossplane-aws:
   * small db.t4g.small, medium db.m7g.large, large db.m7g.2xlarge).
   * @default 'small'
   */
  readonly size?: ResourceSize;
  /**
   * A standby in another zone with automatic failover (RDS Multi-AZ).
   * @default false
   */
  readonly highAvailability?: boolean;
  /**
   * The database created in it.
   * @default - the construct id with "-" as "_"
   */
  readonly databaseName?: string;
  /**
   * Days automated backups are kept.
   * @default 7
   */
  readonly backupRetentionDays?: number;
}

/** Postgres props with every default resolved. */
export interface PostgresSpec {
  /** See PostgresProps.version. */
  readonly version: PostgresVersion;
  /** See PostgresProps.storageGiB. */
  readonly storageGiB: number;
  /** See PostgresProps.size. */
  readonly size: ResourceSize;
  /** See PostgresProps.highAvailability. */
  readonly highAvailability: boolean;
  /** See PostgresProps.databaseName. */
  readonly databaseName: string;
  /** See PostgresProps.backupRetentionDays. */
  readonly backupRetentionDays: number;
  /** See ResourceProps.retain. */
  readonly retain: boolean;
}

/**
 * A PostgreSQL database. `workload.connect(db)` gives a workload its
 * address and credentials and opens the network path.
 *
 * Connection Secret keys (environment variables `<ID>_<KEY>`): `host`,
 * `port`, `database`, `username`, `password`.
 */
export class Postgres<E extends string = string> extends Resource<PostgresSpec> {
  public readonly kind = 'Postgres';
  public readonly resourceType = 'postgres';
  public readonly connectionKeys = ['host', 'port', 'database', 'username', 'password'] as const;
  public readonly props: PostgresProps;
  /** The host, for `Env.compose` in a workload that connects to this one. */
  public get host(): WiredValue { return this.ref('host'); }
  /** The port, for `Env.compose`. */
  public get port(): WiredValue { return this.ref('port'); }
  /** `host:port`, for `Env.compose` (what a client dials). */
  public get hostport(): WiredValue { return this.ref('hostport'); }

  constructor(scope: Scope<E>, id: string, given: PostgresProps<NoInfer<E>> = {}) {
    const props = Resource.propsOf(given);
    super(scope, id, {
      version: props.version ?? '17',
      storageGiB: props.storageGiB ?? 20,
      size: props.size ?? 'small',
      highAvailability: props.highAvailability ?? false,
      databaseName: props.databaseName ?? String(id).replace(/-/g, '_'),
      backupRetentionDays: props.backupRetentionDays ?? 7,
      retain: props.retain ?? true,
    }, given);
    this.props = props;
  }

  protected validateSpec(problems: ProblemList): void {
    const s = this.spec;
    if (!POSTGRES_VERSIONS.includes(s.version)) problems.add('version', `${show(s.version)} is not a supported major version`, `use one of: ${POSTGRES_VERSIONS.join(', ')}.`);
    checkIntRange(problems, 'storageGiB', s.storageGiB, 20, 65536, 'use 20 to 65536 (RDS gp3 needs at least 20 GiB).');
    if (!RESOURCE_SIZES.includes(s.size)) problems.add('size', `${show(s.size)} is not a size`, `use one of: ${RESOURCE_SIZES.join(', ')}.`);
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(s.databaseName) || s.databaseName.toLowerCase() === 'postgres') {
      problems.add('databaseName', `${show(s.databaseName)} is not a usable database name (letters, digits and "_", not starting with a digit, at most 63, not "postgres")`,
        'use a name like "orders".');
    }
    checkIntRange(problems, 'backupRetentionDays', s.backupRetentionDays, 0, 35);
    checkBoolean(problems, 'highAvailability', s.highAvailability);
  }
}
