import type { WakeWord } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { createOpenWakeWord } from './openwakeword.ts';
import { createSherpaKws } from './sherpa-kws.ts';

/**
 * WakeWord adapters by the catalog's model `engine` name. The `text` wake-word engine has no
 * acoustic part: it is the transcript matcher in text-match.ts (matchWakeWord).
 */
export const WAKE_ENGINES: Record<string, StageFactory<WakeWord>> = {
  openwakeword: createOpenWakeWord,
  'sherpa-kws': createSherpaKws,
};
