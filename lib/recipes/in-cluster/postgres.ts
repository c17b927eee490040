import type { Environment } from '../../core/environment';
import type { Connection, RecipeContext, ResourceRef } from '../../core/recipe';
import type { PostgresSpec } from '../../resources/postgres';
import { connectionSecretName, ResolvedOptions, serviceHost } from './options';
import { renderSecretsJob } from './secrets';
import { Probes, renderStandIn, standInConnection, secretEnv } from './standin';

/**
 * A Postgres as the official `postgres:<major>-alpine` image, the major
 * version of `Postgres.version`, its data on a PersistentVolumeClaim of the
 * recipe's dev size.
 *
 * How the image runs under PSS restricted with a read-only root filesystem
 * (from its docker-entrypoint.sh): the pod's UID has no passwd entry, so
 * initdb runs under nss_wrapper, whose passwd and group files go to
 * `mktemp` (the `/tmp` emptyDir); PGDATA is a subdirectory of the volume
 * (the volume's root may hold lost+found, and initdb wants an empty
 * directory it owns with mode 0700: it creates it itself, group-writable
 * parent thanks to fsGroup); the server's socket and lock file go to
 * `/var/run/postgresql`, an emptyDir (the entrypoint's chmod of it fails
 * harmlessly, as it ignores the error). During the first start the
 * entrypoint runs a socket-only server, so the TCP startup probe passes only
 * once the real server listens.
 */

/** PostgreSQL's port. */
export const POSTGRES_PORT = 5432;

/** The role the app connects as (the database's owner, created by the image's entrypoint). */
export const POSTGRES_USER = 'app';

const MOUNT = '/var/lib/postgresql/data';

/**
 * The connection values of a Postgres stand-in the program knows, by
 * documented key; `password`, the last, is generated in the cluster.
 */
export function postgresValues(db: ResourceRef, ctx: RecipeContext): { host: string; port: string; database: string; username: string } {
  const spec = db.spec as unknown as PostgresSpec;
  return {
    host: serviceHost(db.name, ctx.environment),
    port: String(POSTGRES_PORT),
    database: spec.databaseName,
    username: POSTGRES_USER,
  };
}

/** How workloads use a Postgres stand-in. */
export function postgresConnection(db: ResourceRef, _env: Environment): Connection {
  return standInConnection(db, POSTGRES_PORT);
}

/** Creates the Postgres stand-in's objects. */
export function provisionPostgres(db: ResourceRef, ctx: RecipeContext, options: ResolvedOptions): void {
  const spec = db.spec as unknown as PostgresSpec;
  const image = options.images.postgres[spec.version];
  const secret = connectionSecretName(db.name);
  // the password is generated once, before the first start: initdb sets it, and it never changes under the data
  renderSecretsJob(db, ctx, options, [{ name: secret, values: postgresValues(db, ctx), generated: ['password'] }]);
  const isReady = ['pg_isready', '--host=127.0.0.1', `--port=${POSTGRES_PORT}`, `--username=${POSTGRES_USER}`];
  renderStandIn(db, ctx, options, {
    container: 'postgres',
    image,
    port: { name: 'postgres', port: POSTGRES_PORT },
    size: 'medium',
    env: [
      { name: 'POSTGRES_USER', value: POSTGRES_USER },
      secretEnv('POSTGRES_PASSWORD', secret, 'password'),
      { name: 'POSTGRES_DB', value: spec.databaseName },
      { name: 'PGDATA', value: `${MOUNT}/pgdata` },
    ],
    data: { mountPath: MOUNT },
    scratch: [{ name: 'run', mountPath: '/var/run/postgresql', sizeLimit: '16Mi' }],
    probes: {
      // the first start runs initdb and a socket-only setup server first: allow two minutes
      startup: Probes.tcp('startup', 'postgres', ctx.platform),
      // ready: the server accepts connections to the app's database over TCP
      readiness: Probes.exec('readiness', [...isReady, `--dbname=${spec.databaseName}`], ctx.platform),
      // alive: the postmaster answers on its socket (no database, no TCP stack involved)
      liveness: Probes.exec('liveness', ['pg_isready', '--host=/var/run/postgresql', `--port=${POSTGRES_PORT}`, `--username=${POSTGRES_USER}`], ctx.platform),
    },
    // the image's STOPSIGNAL is SIGINT (fast shutdown); leave time for a checkpoint
    terminationGracePeriodSeconds: 60,
  });
}
