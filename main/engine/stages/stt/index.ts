import type { Stt } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';

/** Stt adapters by the catalog's model `engine` name. */
export const STT_ENGINES: Record<string, StageFactory<Stt>> = {};
