import type { WakeWord } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';

/** WakeWord adapters by the catalog's model `engine` name. */
export const WAKE_ENGINES: Record<string, StageFactory<WakeWord>> = {};
