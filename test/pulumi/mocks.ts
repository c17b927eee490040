/**
 * Pulumi's unit-test mocks (no CLI, no engine, no provider plugin), plus a
 * record of every registration as the engine would receive it: type token,
 * name, parent URN, dependency URNs and the inputs. Import this module
 * before anything that creates resources (the adapter creates them only when
 * constructed, so importing lib/pulumi afterwards is enough).
 */
import * as pulumi from '@pulumi/pulumi';

export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly dependencies: readonly string[];
  readonly provider: string;
  readonly inputs: Record<string, any>;
}

/** Every registration since the last `reset()`, in order. */
export const registrations: Registration[] = [];

export function reset(): void {
  registrations.length = 0;
}

/** The state a mocked cloud resource returns: its inputs, and the outputs AWS computes from them. */
function state(type: string, inputs: Record<string, any>): Record<string, any> {
  switch (type) {
    case 'aws:sqs/queue:Queue':
      return { ...inputs, arn: `arn:aws:sqs:us-east-1:123456789012:${inputs.name}`, url: `https://sqs.us-east-1.amazonaws.com/123456789012/${inputs.name}` };
    case 'aws:rds/instance:Instance':
      return { ...inputs, address: `${inputs.identifier}.abcdefghijkl.us-east-1.rds.amazonaws.com`, port: inputs.port ?? 5432 };
    case 'aws:elasticache/replicationGroup:ReplicationGroup':
      return { ...inputs, primaryEndpointAddress: `master.${inputs.replicationGroupId}.abcdef.use1.cache.amazonaws.com` };
    case 'aws:s3/bucket:Bucket':
      return { ...inputs, arn: `arn:aws:s3:::${inputs.bucket}` };
    case 'aws:iam/role:Role':
      return { ...inputs, arn: `arn:aws:iam::123456789012:role/${inputs.name}` };
    default:
      return { ...inputs };
  }
}

let installed: Promise<void> | undefined;

/** Installs the mocks (once per test file) with stack `prod`, and wraps the mock monitor to record registrations. */
export function installMocks(stack = 'prod'): Promise<void> {
  installed ??= (async () => {
    pulumi.runtime.setAllConfig({ 'libk8s:db-password': 'correct-horse', 'libk8s:cache-password': 'battery-staple' }, ['libk8s:db-password', 'libk8s:cache-password']);
    await pulumi.runtime.setMocks({
      newResource: (args: pulumi.runtime.MockResourceArgs) => ({ id: `${args.name}-id`, state: state(args.type, args.inputs) }),
      call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
    }, 'libk8s-test', stack, false);
    const monitor = pulumi.runtime.getMonitor() as any;
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, res: any) => void) => {
      original(req, (err: any, res: any) => {
        if (!err) {
          registrations.push({
            urn: res.getUrn(),
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent(),
            dependencies: req.getDependenciesList(),
            provider: req.getProvider(),
            inputs: req.getObject()?.toJavaScript() ?? {},
          });
        }
        callback(err, res);
      });
    };
  })();
  return installed;
}

/** Resolves an Output (mocks resolve them). */
export function value<T>(o: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(o).apply((v) => { resolve(v as T); return v; }));
}

/** Waits until every resource's URN is known, so its registration has been recorded. */
export async function settled(resources: readonly pulumi.Resource[]): Promise<void> {
  await Promise.all(resources.map((r) => value(r.urn)));
}
