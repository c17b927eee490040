import { registerBuiltinRecipe } from '../core/recipe';
import { crossplaneAws } from './crossplane-aws';
import { external } from './external';
import { inCluster } from './in-cluster';

registerBuiltinRecipe(crossplaneAws());
registerBuiltinRecipe(inCluster());
registerBuiltinRecipe(external());

export { external, ExternalOptions } from './external';
export { crossplaneAws, CrossplaneAwsOptions, ProviderConfigRef } from './crossplane-aws';
export { gkeWorkloadIdentity, GkeWorkloadIdentityOptions, azureWorkloadIdentity, AzureWorkloadIdentityOptions, IdentityFunction } from './identities';
export { inCluster, InClusterOptions } from './in-cluster';
