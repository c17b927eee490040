import { registerPipeline } from '../core/pipeline';
import { synthPipeline } from './pipeline';

registerPipeline(synthPipeline);

export { synthPipeline } from './pipeline';
export { renderApp } from './render';
export { serializeEnvironment } from './serialize';
export { writeEnvironments } from './write';
export { runSynthSession, currentSynthSession, SynthSession } from './session';
export { toYaml, toYamlStream } from './yaml';
