import type { Vad } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';

/** Vad adapters by the catalog's model `engine` name. */
export const VAD_ENGINES: Record<string, StageFactory<Vad>> = {};
