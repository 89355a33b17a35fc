import { z } from 'zod';

/** The engine's states (main/engine/dialogue/state-machine.ts has the moves between them). */
export const STATES = ['IDLE', 'LISTENING', 'PROCESSING', 'THINKING', 'SPEAKING'] as const;
export const EngineState = z.enum(STATES);
export type EngineState = z.infer<typeof EngineState>;
