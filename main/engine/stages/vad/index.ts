import type { Vad } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { createSileroVad } from './silero-vad.ts';

/** Vad adapters by the catalog's model `engine` name. */
export const VAD_ENGINES: Record<string, StageFactory<Vad>> = {
  'sherpa-vad': createSileroVad,
};
