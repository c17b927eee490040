/**
 * Deploys the shop example's prod environment with Pulumi: the Kubernetes
 * objects as typed @pulumi/kubernetes resources, and the queue, the database
 * and the workloads' IAM roles as @pulumi/aws resources (recipe
 * `pulumi-aws`), instead of Crossplane objects.
 *
 *   pulumi stack init prod
 *   pulumi config set --secret libk8s:db-password '<a password>'
 *   pulumi config set aws:region us-east-1
 *   pulumi up
 *
 * In your own project: `import { Libk8sApp, pulumiAws } from 'libk8s/pulumi'`.
 */
import { Libk8sApp, pulumiAws } from '../../lib/pulumi';
import { shop } from './shop';

const app = shop({
  recipes: [pulumiAws({
    accountId: '123456789012',
    region: 'us-east-1',
    oidcProvider: 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
  })],
  environmentRecipes: { prod: 'pulumi-aws' },
});

const shopProd = new Libk8sApp('shop', { app, environment: 'prod' });

export const routes = shopProd.routes;
export const queues = shopProd.queues;
export const workloads = shopProd.workloads;
