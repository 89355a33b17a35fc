import { describe, expect, it } from 'vitest';
import type { BuiltParts } from '../engine/parts.ts';
import type { EngineParts } from '../engine/stages.ts';
import { joinBuilt } from './engine-slot.ts';

/** Stand-ins for built stages: joinBuilt only moves them around, never calls them. */
const part = <K extends keyof EngineParts>(name: string) => ({ name }) as unknown as EngineParts[K];

describe('joining two builds of the engine stages', () => {
  it('lets the later build replace the stages it built and adds up its fallbacks, notes and wanted models', () => {
    const earlier: BuiltParts = {
      parts: { vad: part<'vad'>('old vad'), stt: part<'stt'>('stt') },
      missing: { wake: 'no wake model' },
      fallbacks: [{ stage: 'wake', configured: 'kws', used: 'text', reason: 'no wake model' }],
      notes: ['earlier note'],
      wanted: ['kws-en'],
      modelIds: { vad: 'silero-vad', stt: 'whisper-tiny' },
    };
    const later: BuiltParts = {
      parts: { vad: part<'vad'>('new vad') },
      missing: { tts: 'no voice' },
      notes: ['later note'],
      wanted: ['piper-en'],
      modelIds: { vad: 'silero-vad-2' },
    };
    const joined = joinBuilt(earlier, later);
    expect(joined.parts).toEqual({ vad: later.parts.vad, stt: earlier.parts.stt });
    expect(joined.missing).toEqual({ wake: 'no wake model', tts: 'no voice' });
    expect(joined.fallbacks).toEqual(earlier.fallbacks);
    expect(joined.notes).toEqual(['earlier note', 'later note']);
    expect(joined.wanted).toEqual(['kws-en', 'piper-en']);
    expect(joined.modelIds).toEqual({ vad: 'silero-vad-2', stt: 'whisper-tiny' });
    // Neither build is changed: the slot keeps the earlier one until the new engine runs.
    expect(earlier.parts.vad).not.toBe(later.parts.vad);
    expect(earlier.notes).toEqual(['earlier note']);
  });
});
