import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../engine/events/event-bus.ts';
import type { IdentifiedSpeaker, TurnRequest } from '../engine/listening/turn.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { SpeakerMemory } from './speaker-memory.ts';
import { createMemoryCommands, type MemoryAnswer } from './voice-commands.ts';

describe('memory voice commands', () => {
  let store: Store;
  let memory: SpeakerMemory;
  let anna: IdentifiedSpeaker;
  let ben: IdentifiedSpeaker;
  let handle: (text: string, speaker: IdentifiedSpeaker | null, language?: string, source?: string) => Promise<MemoryAnswer | null>;

  beforeEach(() => {
    store = openSqliteStore(':memory:');
    memory = new SpeakerMemory(store, new EventBus(), { maxFacts: 3 });
    const handler = createMemoryCommands({ memory });
    const record = (name: string, priority: 0 | 1) => store.speakers.create({ name, priority });
    const a = record('Anna', 0);
    const b = record('Ben', 1);
    anna = { id: a.id, name: 'Anna', priority: 0, confidence: 0.9, blocked: false };
    ben = { id: b.id, name: 'Ben', priority: 1, confidence: 0.9, blocked: false };
    handle = async (text, speaker, language = 'en', source = 'mic') => {
      const request: TurnRequest = { text, language, speaker, source, signal: new AbortController().signal };
      return (await handler(request)) as MemoryAnswer | null;
    };
  });
  afterEach(() => store.close());

  const reply = (answer: MemoryAnswer | null) => answer?.reply?.join(' ') ?? null;

  it('remembers for the speaker who said it, and reads back only their own facts', async () => {
    expect(reply(await handle("Remember that I'm vegetarian.", anna))).toBe("Okay, I'll remember that.");
    expect(reply(await handle('Remember that I play the violin.', ben))).toBe("Okay, I'll remember that.");
    expect(reply(await handle('Remember that my cat is called Tom.', anna))).toBe("Okay, I'll remember that.");
    expect(reply(await handle('What do you remember about me?', anna))).toBe("Here's what you asked me to remember: I'm vegetarian and my cat is called Tom.");
    expect(reply(await handle('What do you remember about me?', ben))).toBe("Here's what you asked me to remember: I play the violin.");
  });

  it('stores nothing for a speaker deleted while their turn ran, and says it knows no such voice', async () => {
    store.speakers.delete(ben.id); // deleted on the dashboard after Kiwi identified Ben
    for (const text of ['Remember that my PIN is 4711.', 'What do you remember about me?', 'Forget everything about me.']) {
      expect(reply(await handle(text, ben))).toBe('I only remember things for people whose voice I know.');
    }
    expect(store.memory.facts(ben.id)).toEqual([]);
  });

  it('says when it already knows a fact, and when memory is full', async () => {
    await handle('Remember that I like tea.', anna);
    expect(reply(await handle('remember that i like TEA', anna))).toBe('I already know that.');
    await handle('Remember that I like jazz.', anna);
    await handle('Remember that I like chess.', anna);
    expect(reply(await handle('Remember that I like golf.', anna))).toBe('My memory for you is full (3 things). Ask me to forget something first.');
  });

  it('forget that: the speaker\u2019s last fact; forget everything: all of theirs, nobody else\u2019s', async () => {
    await handle('Remember that I like tea.', anna);
    await handle('Remember that I like jazz.', anna);
    await handle('Remember that I like chess.', ben);
    expect(reply(await handle('Forget that.', anna))).toBe("Okay, I've forgotten this: I like jazz.");
    expect(memory.facts(anna.id).map((f) => f.text)).toEqual(['I like tea']);
    expect(reply(await handle('Forget everything about me.', anna))).toBe("Okay, I've forgotten everything you asked me to remember.");
    expect(reply(await handle('Forget that.', anna))).toBe("There's nothing for me to forget.");
    expect(reply(await handle('What do you remember about me?', anna))).toBe("You haven't asked me to remember anything yet.");
    expect(memory.facts(ben.id).map((f) => f.text)).toEqual(['I like chess']);
  });

  it('answers in the turn\u2019s language', async () => {
    expect(reply(await handle('Merk dir, dass ich Vegetarier bin.', anna, 'de'))).toBe('Okay, das merke ich mir.');
    expect(reply(await handle('Was weißt du über mich?', anna, 'de'))).toBe('Das soll ich mir für dich merken: ich Vegetarier bin.');
    expect(reply(await handle('Что ты помнишь обо мне?', anna, 'ru'))).toBe('Вот что я о тебе помню: ich Vegetarier bin.');
  });

  it('an unknown voice and a typed turn get no memory; a blocked voice is ignored silently', async () => {
    const unknown = await handle("Remember that I'm vegetarian.", null);
    expect(unknown).toMatchObject({ command: 'memory_remember', reply: ["I only remember things for people whose voice I know."] });
    expect(reply(await handle('What do you remember about me?', null, 'en', 'text'))).toBe('I only remember things for people whose voice I know.');
    expect(await handle('Remember that I am the owner.', { ...ben, blocked: true })).toMatchObject({ command: 'memory_remember', reply: null });
    expect(memory.facts(anna.id)).toEqual([]);
    expect(memory.facts(ben.id)).toEqual([]);
  });

  it('passes everything else on (null)', async () => {
    expect(await handle('What is the capital of France?', anna)).toBeNull();
    expect(await handle('Do you remember that song?', anna)).toBeNull();
  });
});
