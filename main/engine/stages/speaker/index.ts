import type { SpeakerEmbedder } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';

/** SpeakerEmbedder adapters by the catalog's model `engine` name. */
export const SPEAKER_ENGINES: Record<string, StageFactory<SpeakerEmbedder>> = {};
