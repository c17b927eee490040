/**
 * The app of examples/shop/main.ts, construct for construct, without its
 * `app.synth()` (which writes to disk): the one examples/pulumi builds too.
 */
import type { App } from 'libk8s';
import { shop } from '../../examples/pulumi/shop';

export function shopApp(): App<'dev' | 'prod'> {
  return shop() as App<'dev' | 'prod'>;
}
