import { ApiObject } from 'cdk8s';
import { Recipe, ResourceRef } from 'libk8s';

/**
 * A recipe as a platform team would write one, for tests that must not
 * depend on a built-in recipe: it provisions a `TestResource` custom
 * resource per resource, makes a `TestRole` per workload identity and scales
 * queues with a made-up KEDA trigger.
 */
export function testRecipe(name = 'test-cloud', options: { identity?: boolean; scaler?: boolean } = {}): Recipe {
  const keysOf = (r: ResourceRef) => r.connectionKeys;
  const ports: Record<string, number> = { postgres: 5432, redis: 6379, queue: 443, bucket: 443 };
  const recipe: Recipe = {
    name,
    provides: ['queue', 'postgres', 'redis', 'bucket'],
    connection(resource) {
      const secret = `${resource.name}-connection`;
      return {
        secretName: secret,
        values: Object.fromEntries(keysOf(resource).map((key) => [key, key === 'database' ? { value: resource.name } : { secret, key }])),
        network: [{ kind: 'cidr', cidrs: ['10.0.0.0/8'], ports: [ports[resource.resourceType]] }],
        ids: { arn: `arn:test:${resource.resourceType}:${resource.name}` },
      };
    },
    provision(resource, ctx) {
      new ApiObject(ctx.scope, 'TestResource', {
        apiVersion: 'test.libk8s.io/v1',
        kind: 'TestResource',
        metadata: resource.standardMetadata(ctx),
        spec: { type: resource.resourceType, users: ctx.users.map((u) => `${u.workload.name}:${u.access}`) },
      });
    },
  };
  if (options.identity !== false) {
    recipe.identity = (workload, grants, ctx) => {
      const list = grants.map((g) => `${g.access}:${g.connection.ids.arn}`).sort();
      new ApiObject(ctx.scope, 'TestRole', {
        apiVersion: 'test.libk8s.io/v1', kind: 'TestRole', metadata: workload.standardMetadata(ctx), spec: { grants: list },
      });
      return { serviceAccountAnnotations: { 'test.libk8s.io/role': workload.serviceAccountName }, podLabels: { 'test.libk8s.io/identity': 'true' } };
    };
  }
  if (options.scaler !== false) {
    recipe.queueScaler = (_queue, connection) => ({
      type: 'test-queue',
      metadata: { queue: connection.ids.arn },
      lengthKey: 'length',
      activationKey: 'activation',
      authentication: { podIdentity: { provider: 'none' } },
    });
  }
  return recipe;
}
