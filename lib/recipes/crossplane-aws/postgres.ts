import type { Environment } from '../../core/environment';
import type { Connection, RecipeContext, ResourceRef } from '../../core/recipe';
import type { PostgresSpec } from '../../resources/postgres';
import { API, managedResource } from './managed';
import { dbArn, dbIdentifier } from './names';
import { ResolvedOptions, tags } from './options';

/**
 * A Postgres as an RDS DB instance. The provider generates the master
 * password into Secret `<id>-password` (key `password`) before it creates the
 * instance, and writes the address into `<id>-connection`.
 *
 * Keys provider-upjet-aws writes to the connection Secret of an `rds`
 * Instance (config/namespaced/rds/config.go, aws_db_instance,
 * AdditionalConnectionDetailsFn): `endpoint` (host:port), `address`, `host`
 * (both the host name), `username`, `port` and, when the Terraform state
 * holds it, `password`.
 */

/** The master user the instance is created with. */
export const POSTGRES_USERNAME = 'app';
/** The port RDS listens on for PostgreSQL. */
export const POSTGRES_PORT = 5432;

/** The Secret the provider generates the master password into (it creates the Secret). */
export function postgresPasswordSecret(db: ResourceRef): string {
  return `${db.name}-password`;
}

/**
 * How workloads reach the database: host, port and username from the
 * connection Secret the provider writes; the password from the Secret it
 * generated it into (the one place that always holds it); the database name
 * as a literal. Egress to the VPC on 5432.
 */
export function postgresConnection(o: ResolvedOptions, db: ResourceRef, env: Environment): Connection {
  const spec = db.spec as unknown as PostgresSpec;
  const secret = `${db.name}-connection`;
  const identifier = dbIdentifier(o, db, env);
  return {
    secretName: secret,
    values: {
      host: { secret, key: 'host' },
      port: { secret, key: 'port' },
      database: { value: spec.databaseName },
      username: { secret, key: 'username' },
      password: { secret: postgresPasswordSecret(db), key: 'password' },
    },
    network: [{ kind: 'cidr', cidrs: o.vpcCidrs, ports: [POSTGRES_PORT] }],
    ids: { arn: dbArn(o, identifier), identifier },
  };
}

/**
 * Emits rds Instance `<id>`: PostgreSQL of the spec's major version on
 * encrypted gp3 storage, private, Multi-AZ when highly available. When
 * retained it also has deletion protection and a final snapshot.
 */
export function provisionPostgres(o: ResolvedOptions, db: ResourceRef, ctx: RecipeContext): void {
  const env = ctx.environment;
  const spec = db.spec as unknown as PostgresSpec;
  const identifier = dbIdentifier(o, db, env);
  managedResource(ctx.scope, 'Instance', o, {
    apiVersion: API.rds,
    kind: 'Instance',
    metadata: db.standardMetadata(ctx),
    retain: spec.retain,
    connectionSecret: `${db.name}-connection`,
    forProvider: {
      region: o.region,
      // the provider assigns the external name (the instance's resource id); the identifier is the name
      identifier,
      engine: 'postgres',
      engineVersion: spec.version,
      autoMinorVersionUpgrade: true,
      instanceClass: o.postgresInstanceClasses[spec.size],
      allocatedStorage: spec.storageGiB,
      storageType: 'gp3',
      storageEncrypted: true,
      multiAz: spec.highAvailability,
      dbName: spec.databaseName,
      port: POSTGRES_PORT,
      username: POSTGRES_USERNAME,
      autoGeneratePassword: true,
      passwordSecretRef: { name: postgresPasswordSecret(db), key: 'password' },
      backupRetentionPeriod: spec.backupRetentionDays,
      copyTagsToSnapshot: true,
      deletionProtection: spec.retain,
      skipFinalSnapshot: !spec.retain,
      finalSnapshotIdentifier: spec.retain ? `${identifier}-final` : undefined,
      publiclyAccessible: false,
      dbSubnetGroupName: o.dbSubnetGroupName,
      vpcSecurityGroupIds: o.securityGroupIds?.length ? [...o.securityGroupIds] : undefined,
      tags: tags(db, env),
    },
  });
}
