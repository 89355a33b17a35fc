import type { SpeakerEmbedder } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { createOnnxGe2e } from './onnx-ge2e.ts';
import { createSherpaSpeaker } from './sherpa-speaker.ts';

/** SpeakerEmbedder adapters by the catalog's model `engine` name. */
export const SPEAKER_ENGINES: Record<string, StageFactory<SpeakerEmbedder>> = {
  'sherpa-speaker': createSherpaSpeaker,
  'onnx-ge2e': createOnnxGe2e,
};
