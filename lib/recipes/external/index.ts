import { Grant, IdentityBinding, Recipe, ResourceRef, ResourceType, secretValues, WorkloadRef } from '../../core/recipe';
import { ProblemList, show } from '../../core/errors';
import type { Environment } from '../../core/environment';
import { checkDnsSubdomain, parseCidr } from '../../core/rules';

/** Options of the `external` recipe: resources that already exist, provisioned outside libk8s. */
export interface ExternalOptions {
  /**
   * The connection Secret of each resource, by construct id. The Secret must
   * already exist in the environment's namespace with the keys the
   * resource's type documents (e.g. Postgres: host, port, database,
   * username, password).
   * @default - `<id>-connection` for every resource
   */
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * Where the resources are reached: NetworkPolicy egress of connecting
   * workloads goes to these blocks on the type's port.
   * @default ['0.0.0.0/0']
   */
  readonly cidrs?: readonly string[];
  /**
   * The port per resource type.
   * @default { postgres: 5432, redis: 6379, queue: 443, bucket: 443 }
   */
  readonly ports?: Readonly<Record<string, number>>;
  /**
   * The cloud identity of a workload with grants on external resources. The
   * platform grants the permissions out of band; this only says what the
   * ServiceAccount and pods carry (e.g. `eks.amazonaws.com/role-arn`).
   * @default - nothing: the ServiceAccount is not annotated
   */
  readonly identity?: (workload: WorkloadRef, grants: readonly Grant[], env: Environment) => IdentityBinding;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { postgres: 5432, redis: 6379, queue: 443, bucket: 443 };

/**
 * The `external` recipe: the resource already exists; the platform names its
 * connection Secret. libk8s creates nothing for the resource and wires
 * workloads to that Secret.
 */
export function external(options: ExternalOptions = {}): Recipe {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const cidrs = options.cidrs ?? ['0.0.0.0/0'];
  const secretOf = (r: ResourceRef) => options.secrets?.[r.node.id] ?? `${r.name}-connection`;
  return {
    name: 'external',
    provides: ['queue', 'postgres', 'redis', 'bucket'] as ResourceType[],
    check(resource: ResourceRef, env: Environment, problems: ProblemList): void {
      const secret = options.secrets?.[resource.node.id];
      if (secret !== undefined) checkDnsSubdomain(problems, `external.secrets.${resource.node.id}`, secret);
      const add = (prop: string, message: string, fix: string) => problems.add(`external.${prop}`, message, `${fix} in the platform's external({ ... }).`, env.name);
      const port = ports[resource.resourceType];
      if (port === undefined) {
        problems.add(undefined, `has no port for type ${resource.resourceType} in recipe 'external' (environment '${env.name}')`,
          `pass external({ ports: { ${resource.resourceType}: <port> } }).`, env.name);
      } else if (!Number.isInteger(port) || port < 1 || port > 65535) {
        add(`ports.${resource.resourceType}`, `${show(port)} is out of range 1-65535`, `use the port ${resource.resourceType} is served on`);
      }
      // connecting workloads' NetworkPolicy egress goes to these blocks; the API server rejects one that is not a CIDR
      if (!Array.isArray(cidrs) || cidrs.length === 0) add('cidrs', 'is empty, so connecting workloads would get no egress', 'list at least one CIDR block');
      else cidrs.forEach((c, i) => { if (!parseCidr(c)) add(`cidrs[${i}]`, `${show(c)} is not a CIDR block`, "use a block like '10.0.0.0/16'"); });
    },
    // a secrets key that names no resource of the app is a typo whose resource silently falls back to <id>-connection
    checkResources(mine, all, env, problems) {
      const ids = new Set(all.map((r) => r.node.id));
      for (const key of Object.keys(options.secrets ?? {}).filter((k) => !ids.has(k))) {
        problems.add(`external.secrets.${key}`, `names no resource of app '${mine[0].app.name}', so its Secret is never used`,
          `use a resource id (${[...ids].sort().join(', ') || 'none'}), or remove it in the platform's external({ ... }).`, env.name);
      }
    },
    connection(resource) {
      const secret = secretOf(resource);
      return {
        secretName: secret,
        values: secretValues(secret, resource.connectionKeys),
        network: [{ kind: 'cidr', cidrs, ports: [ports[resource.resourceType] ?? 443] }],
        ids: {},
      };
    },
    provision() {
      // it exists already
    },
    identity(workload, grants, ctx) {
      return options.identity?.(workload, grants, ctx.environment) ?? {};
    },
  };
}
