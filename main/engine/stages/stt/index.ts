import type { Stt } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { filtered } from './filtered-stt.ts';
import { createOnnxWhisper } from './onnx-whisper.ts';
import { createSherpaOfflineStt } from './sherpa-offline.ts';
import { createSherpaOnlineStt } from './sherpa-online.ts';

/**
 * Stt adapters by the catalog's model `engine` name. Every one comes wrapped in the
 * hallucination filter (filtered-stt.ts), so no recognizer's phantoms reach the engine.
 */
export const STT_ENGINES: Record<string, StageFactory<Stt>> = {
  'onnx-whisper': filtered(createOnnxWhisper),
  'sherpa-offline-stt': filtered(createSherpaOfflineStt),
  'sherpa-online-stt': filtered(createSherpaOnlineStt),
};
