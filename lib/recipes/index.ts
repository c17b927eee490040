import { registerBuiltinRecipe } from '../core/recipe';
import { external } from './external';

registerBuiltinRecipe(external());

export { external, ExternalOptions } from './external';
