import { registerBuiltinRecipe } from '../core/recipe';
import { crossplaneAws } from './crossplane-aws';
import { external } from './external';

registerBuiltinRecipe(crossplaneAws());
registerBuiltinRecipe(external());

export { external, ExternalOptions } from './external';
export { crossplaneAws, CrossplaneAwsOptions, ProviderConfigRef } from './crossplane-aws';
export { gkeWorkloadIdentity, GkeWorkloadIdentityOptions, azureWorkloadIdentity, AzureWorkloadIdentityOptions, IdentityFunction } from './identities';
