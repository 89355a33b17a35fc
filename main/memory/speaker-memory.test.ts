import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationContext } from '../dialogue/conversation-context.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import type { EventEnvelope } from '../contract/events.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { makeTempDir } from '../testing/kiwi-test-server.ts';
import { storedConversations } from './conversations.ts';
import { memoryPrompt } from './prompt.ts';
import { SpeakerMemory } from './speaker-memory.ts';

describe('SpeakerMemory and stored conversations (SQLite file)', () => {
  let dir: string;
  let file: string;
  let store: Store;
  let bus: EventBus;
  let events: EventEnvelope[];
  let anna: string;
  let ben: string;

  beforeEach(async () => {
    dir = await makeTempDir('kiwi-memory-');
    file = path.join(dir, 'kiwi.db');
    store = openSqliteStore(file);
    events = [];
    bus = new EventBus((err) => {
      throw err;
    });
    bus.subscribe((e) => events.push(e));
    anna = store.speakers.create({ name: 'Anna', priority: 0 }).id;
    ben = store.speakers.create({ name: 'Ben', priority: 1 }).id;
  });
  afterEach(async () => {
    store.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('keeps facts per speaker, de-duplicated by their words (not case or punctuation)', () => {
    const memory = new SpeakerMemory(store, bus);
    expect(memory.remember(anna, "I'm vegetarian", 'en').status).toBe('added');
    expect(memory.remember(anna, "i'm VEGETARIAN!", 'en').status).toBe('known');
    expect(memory.remember(ben, "I'm vegetarian", 'en').status).toBe('added');
    expect(memory.remember(anna, 'My  cat is   called Tom', 'en').status).toBe('added');
    expect(memory.facts(anna).map((f) => f.text)).toEqual(["I'm vegetarian", 'My cat is called Tom']);
    expect(memory.facts(ben).map((f) => f.text)).toEqual(["I'm vegetarian"]);
  });

  it('is bounded: a full memory and an overlong fact are refused, nothing is dropped silently', () => {
    const memory = new SpeakerMemory(store, bus, { maxFacts: 3 });
    for (const n of [1, 2, 3]) expect(memory.remember(anna, `fact number ${n}`, 'en').status).toBe('added');
    expect(memory.remember(anna, 'fact number 4', 'en')).toEqual({ status: 'full', max: 3 });
    expect(memory.remember(anna, 'fact number 1', 'en').status).toBe('known');
    expect(memory.remember(ben, 'x'.repeat(301), 'en')).toEqual({ status: 'too_long', max: 300 });
    expect(memory.facts(anna)).toHaveLength(3);
    expect(memory.facts(ben)).toHaveLength(0);
  });

  it('forgets the last fact, one fact, or all of them; events carry ids and counts, never the text', () => {
    const memory = new SpeakerMemory(store, bus);
    memory.remember(anna, 'I like jazz', 'en');
    const second = memory.remember(anna, 'My PIN hint is blue', 'en');
    memory.remember(anna, 'I play chess', 'en');
    expect(memory.forgetLast(anna)?.text).toBe('I play chess');
    expect(memory.forget(ben, second.status === 'added' ? second.fact.id : '')).toBe(false); // not Ben's fact
    expect(memory.forget(anna, second.status === 'added' ? second.fact.id : '')).toBe(true);
    expect(memory.facts(anna).map((f) => f.text)).toEqual(['I like jazz']);
    expect(memory.forgetFacts(anna)).toBe(1);
    expect(memory.forgetLast(anna)).toBeNull();
    const names = events.map((e) => e.event);
    expect(names).toEqual(['MEMORY_FACT_ADDED', 'MEMORY_FACT_ADDED', 'MEMORY_FACT_ADDED', 'MEMORY_FACT_DELETED', 'MEMORY_FACT_DELETED', 'MEMORY_CLEARED']);
    expect(JSON.stringify(events)).not.toMatch(/jazz|PIN|chess/);
  });

  it('persists recognised speakers\u2019 conversations, bounded, across a reopen; unknown voices stay in memory', () => {
    const context = new ConversationContext(bus, 4, storedConversations(store));
    for (let i = 1; i <= 3; i++) {
      context.append(anna, { role: 'user', content: `question ${i}` });
      context.append(anna, { role: 'assistant', content: `answer ${i}` });
    }
    context.append(`${anna}:nsfw`, { role: 'user', content: 'late night' });
    context.append('guest', { role: 'user', content: 'who are you' });
    expect(context.history(anna).map((m) => m.content)).toEqual(['question 2', 'answer 2', 'question 3', 'answer 3']);
    store.close();

    store = openSqliteStore(file);
    const reopened = new ConversationContext(bus, 4, storedConversations(store));
    expect(reopened.history(anna).map((m) => m.content)).toEqual(['question 2', 'answer 2', 'question 3', 'answer 3']);
    expect(reopened.history(`${anna}:nsfw`)).toEqual([{ role: 'user', content: 'late night' }]);
    expect(reopened.history('guest')).toEqual([]);
    expect(reopened.history(ben)).toEqual([]);
    // Reset clears the conversation only; facts are another table.
    new SpeakerMemory(store, bus).remember(anna, 'I like tea', 'en');
    reopened.reset(anna);
    expect(reopened.history(anna)).toEqual([]);
    expect(reopened.history(`${anna}:nsfw`)).toHaveLength(1);
    expect(store.memory.facts(anna).map((f) => f.text)).toEqual(['I like tea']);
    reopened.reset();
    expect(reopened.history(`${anna}:nsfw`)).toEqual([]);
  });

  it('deleting a speaker deletes their facts and conversations (and nobody else\u2019s)', () => {
    const memory = new SpeakerMemory(store, bus);
    const context = new ConversationContext(bus, 20, storedConversations(store));
    memory.remember(ben, 'I am allergic to nuts', 'en');
    memory.remember(anna, 'I like tea', 'en');
    context.append(ben, { role: 'user', content: 'hello' });
    context.append(`${ben}:nsfw`, { role: 'user', content: 'hi' });
    context.append(anna, { role: 'user', content: 'hey' });
    expect(store.speakers.delete(ben)).toBe(true);
    expect(store.memory.facts(ben)).toEqual([]);
    expect(store.conversations.messages(ben, 100)).toEqual([]);
    expect(store.conversations.messages(`${ben}:nsfw`, 100)).toEqual([]);
    expect(context.history(ben)).toEqual([]);
    // A late answer for the deleted speaker is not written back under their id.
    context.append(ben, { role: 'assistant', content: 'too late' });
    expect(store.conversations.messages(ben, 100)).toEqual([]);
    expect(memory.facts(anna)).toHaveLength(1);
    expect(context.history(anna)).toHaveLength(1);
  });

  it('the API view and clear cover facts and both conversations, and 404 an unknown speaker', () => {
    const memory = new SpeakerMemory(store, bus);
    const context = new ConversationContext(bus, 20, storedConversations(store));
    memory.remember(anna, 'I like tea', 'en');
    context.append(anna, { role: 'user', content: 'hey' });
    context.append(`${anna}:nsfw`, { role: 'user', content: 'psst' });
    expect(memory.view(anna)).toMatchObject({
      speaker_id: anna,
      facts: [{ text: 'I like tea' }],
      max_facts: 30,
      conversation: [{ role: 'user', content: 'hey' }],
      nsfw_conversation: [{ role: 'user', content: 'psst' }],
    });
    expect(memory.clear(anna)).toEqual({ speaker_id: anna, deleted_facts: 1, deleted_messages: 2, deleted_turns: 0 });
    expect(memory.view(anna)).toMatchObject({ facts: [], conversation: [], nsfw_conversation: [] });
    expect(() => memory.view('spk_999')).toThrow(/Unknown speaker/);
    expect(() => memory.deleteFact(anna, 'mem_424242')).toThrow(/Unknown memory fact/);
  });

  it('the prompt section holds the turn speaker\u2019s facts only, and nothing for unknown or blocked voices', () => {
    const memory = new SpeakerMemory(store, bus);
    memory.remember(anna, "I'm vegetarian", 'en');
    memory.remember(ben, 'I play the violin', 'en');
    const facts = (id: string) => memory.facts(id);
    const speaker = (id: string, name: string, blocked = false) => ({ id, name, priority: 1 as const, confidence: 0.9, blocked });
    const forAnna = memoryPrompt({ speaker: speaker(anna, 'Anna') }, facts)!;
    expect(forAnna).toContain("- I'm vegetarian");
    expect(forAnna).toContain('Anna');
    expect(forAnna).not.toContain('violin');
    expect(memoryPrompt({ speaker: speaker(ben, 'Ben') }, facts)).not.toContain('vegetarian');
    expect(memoryPrompt({ speaker: null }, facts)).toBeNull();
    expect(memoryPrompt({ speaker: speaker(ben, 'Ben', true) }, facts)).toBeNull();
    memory.forgetFacts(anna);
    expect(memoryPrompt({ speaker: speaker(anna, 'Anna') }, facts)).toBeNull();
  });
});
