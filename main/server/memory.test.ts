import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../contract/routes.ts';
import type { IdentifiedSpeaker } from '../engine/listening/turn.ts';
import { authOn, bearer, scopeTokens } from '../testing/api-auth.ts';
import { makeTempDir, startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { LlmStandin } from '../testing/llm-standins.ts';

// Memory per person through a real Kiwi (runtime, router, SQLite store, API) and an
// OpenAI-compatible LLM stand-in that records every prompt it receives. Speakers are profiles in
// the store; their turns go through the router the runtime built, as the voice loop sends them
// once it has identified the voice (main/server/memory-voice.test.ts does it from audio).

type Sent = { messages: Array<{ role: string; content: string }> };
const tokens = { read: 'read-token-memory-0123456789', control: 'control-token-memory-0123456789', admin: 'admin-token-memory-0123456789' };

describe('memory per person (LLM stand-in, two speakers, restart, delete)', () => {
  let dataDir: string;
  let llm: LlmStandin;
  let k: TestKiwi;
  let anna: IdentifiedSpeaker;
  let ben: IdentifiedSpeaker;

  /** Kiwi on our own data folder, so a second start finds what the first one stored. */
  const start = async () => {
    const config = {
      llm: { provider: 'openai', base_url: llm.baseUrl, model: 'test-model' },
      api: authOn(scopeTokens(tokens)),
    };
    await fs.writeFile(path.join(dataDir, 'config.yaml'), YAML.stringify(config), { mode: 0o600 });
    return startTestKiwi({ env: { KIWI_DATA_DIR: dataDir } });
  };

  /** One turn as the voice loop hands it over: the identified speaker (or null), the transcript. */
  const say = async (speaker: IdentifiedSpeaker | null, text: string) => {
    const answer = await k.kiwi.runtime.turnHandler({ text, language: 'en', speaker, source: 'test:mic', signal: new AbortController().signal });
    const sentences: string[] = [];
    for await (const sentence of answer.reply ?? []) sentences.push(sentence);
    return { command: answer.command, reply: sentences.join(' ') };
  };
  /** A question for the LLM; returns the request the stand-in received for it. */
  const ask = async (speaker: IdentifiedSpeaker | null, text: string, answer: string) => {
    llm.reply({ kind: 'stream', tokens: [answer] });
    const before = llm.requests.length;
    expect(await say(speaker, text)).toEqual({ command: 'llm', reply: answer });
    expect(llm.requests).toHaveLength(before + 1);
    return llm.requests[before]!.body as Sent;
  };
  const systemOf = (sent: Sent) => sent.messages[0]!.content;
  const api = (method: string, path: string, token = tokens.admin) => k.request(method, path, { headers: bearer(token) });

  beforeAll(async () => {
    dataDir = await makeTempDir('kiwi-memory-api-');
    llm = await LlmStandin.start('openai');
    k = await start();
    const { store } = k.kiwi.runtime;
    const speaker = (name: string, priority: 0 | 1) => {
      const { id } = store.speakers.create({ name, priority });
      return { id, name, priority, confidence: 0.93, blocked: false };
    };
    anna = speaker('Anna', 0);
    ben = speaker('Ben', 1);
  });
  afterAll(async () => {
    await k?.cleanup();
    await llm?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("keeps each speaker's facts in their own prompts only, never in another's or an unknown voice's", async () => {
    expect(await say(anna, "Kiwi, remember that I'm vegetarian.")).toEqual({ command: 'memory_remember', reply: "Okay, I'll remember that." });
    expect(await say(ben, 'Remember that I play the violin.')).toEqual({ command: 'memory_remember', reply: "Okay, I'll remember that." });

    const toAnna = await ask(anna, 'What should I cook tonight?', 'How about a lentil curry?');
    expect(systemOf(toAnna)).toContain("- I'm vegetarian");
    expect(JSON.stringify(toAnna)).not.toMatch(/violin/);

    const toBen = await ask(ben, 'What should I practise today?', 'Try some scales.');
    expect(systemOf(toBen)).toContain('- I play the violin');
    expect(JSON.stringify(toBen)).not.toMatch(/vegetarian|lentil|cook/);

    const toStranger = await ask(null, 'What do you know about people here?', 'Not much.');
    expect(JSON.stringify(toStranger)).not.toMatch(/vegetarian|violin|lentil|scales/);

    // Each one's running conversation continues with their own history.
    const again = await ask(anna, 'And for dessert?', 'Fruit salad.');
    expect(again.messages.slice(1)).toEqual([
      { role: 'user', content: 'What should I cook tonight?' },
      { role: 'assistant', content: 'How about a lentil curry?' },
      { role: 'user', content: 'And for dessert?' },
    ]);
    expect(JSON.stringify(again)).not.toMatch(/violin|scales/);

    expect((await say(ben, 'What do you remember about me?')).reply).toBe("Here's what you asked me to remember: I play the violin.");
  });

  it('a typed turn has no speaker, so it gets no memory', async () => {
    const res = await k.request('POST', '/api/chat', { body: { text: "Remember that I'm the boss.", speak: false }, headers: bearer(tokens.control) });
    expect(res.json).toEqual({ command: 'memory_remember', reply: 'I only remember things for people whose voice I know.', turn_id: expect.stringMatching(/^turn_/) });
  });

  it('GET /api/speakers/{id}/memory shows one speaker\u2019s facts and conversation, to admin tokens only', async () => {
    const res = await api('GET', `/api/speakers/${anna.id}/memory`);
    expect(res.status, res.text).toBe(200);
    const view = routes.getSpeakerMemory.response.parse(res.json);
    expect(view.facts.map((f) => f.text)).toEqual(["I'm vegetarian"]);
    expect(view.conversation.map((m) => m.content)).toEqual(['What should I cook tonight?', 'How about a lentil curry?', 'And for dessert?', 'Fruit salad.']);
    expect(res.text).not.toMatch(/violin/);
    expect((await api('GET', `/api/speakers/${anna.id}/memory`, tokens.read)).status).toBe(403);
    expect((await api('GET', `/api/speakers/${anna.id}/memory`, tokens.control)).status).toBe(403);
    expect((await api('DELETE', `/api/speakers/${anna.id}/memory`, tokens.control)).status).toBe(403);
    expect((await api('GET', '/api/speakers/spk_999/memory')).status).toBe(404);
    expect((await api('GET', '/api/speakers/not-an-id/memory')).status).toBe(400);
  });

  it('reset-context clears the running conversation but keeps remembered facts', async () => {
    const res = await k.request('POST', '/api/reset-context', { body: { speaker_id: anna.id }, headers: bearer(tokens.control) });
    expect(res.json).toEqual({ status: 'context_reset' });
    const sent = await ask(anna, 'Any idea for lunch?', 'A chickpea salad.');
    expect(sent.messages.slice(1)).toEqual([{ role: 'user', content: 'Any idea for lunch?' }]);
    expect(systemOf(sent)).toContain("- I'm vegetarian");
    expect(routes.resetContext.summary).toMatch(/remembered facts are kept/i);
  });

  it('survives a restart: facts and the running conversation come back from the store', async () => {
    await k.kiwi.stop('restart test');
    k = await start();
    const sent = await ask(anna, 'Remind me what we said?', 'Chickpea salad for lunch.');
    expect(systemOf(sent)).toContain("- I'm vegetarian");
    expect(sent.messages.slice(1)).toEqual([
      { role: 'user', content: 'Any idea for lunch?' },
      { role: 'assistant', content: 'A chickpea salad.' },
      { role: 'user', content: 'Remind me what we said?' },
    ]);
    expect(JSON.stringify(sent)).not.toMatch(/violin/);
    const toBen = await ask(ben, 'Which piece next?', 'Bach.');
    expect(systemOf(toBen)).toContain('- I play the violin');
    expect(toBen.messages.slice(1, 3)).toEqual([
      { role: 'user', content: 'What should I practise today?' },
      { role: 'assistant', content: 'Try some scales.' },
    ]);
  });

  it('the owner deletes one fact, then everything; both leave the prompts', async () => {
    await say(anna, 'Remember that my sister is called Clara.');
    const view = routes.getSpeakerMemory.response.parse((await api('GET', `/api/speakers/${anna.id}/memory`)).json);
    const vegetarian = view.facts.find((f) => f.text === "I'm vegetarian")!;
    const del = await api('DELETE', `/api/speakers/${anna.id}/memory/facts/${vegetarian.id}`);
    expect(del.status, del.text).toBe(200);
    expect(del.json).toEqual({ deleted: vegetarian.id });
    expect((await api('DELETE', `/api/speakers/${anna.id}/memory/facts/${vegetarian.id}`)).status).toBe(404);
    expect((await api('DELETE', `/api/speakers/${ben.id}/memory/facts/${view.facts[1]!.id}`)).status).toBe(404); // Anna's fact, asked for as Ben's
    const sent = await ask(anna, 'Dinner ideas?', 'Pasta.');
    expect(systemOf(sent)).toContain('- my sister is called Clara');
    expect(systemOf(sent)).not.toContain('vegetarian');

    const cleared = await api('DELETE', `/api/speakers/${anna.id}/memory`);
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.json).toMatchObject({ speaker_id: anna.id, deleted_facts: 1 });
    expect((cleared.json as { deleted_messages: number }).deleted_messages).toBeGreaterThan(0);
    const after = await ask(anna, 'Hello?', 'Hi.');
    expect(after.messages).toHaveLength(2);
    expect(systemOf(after)).not.toMatch(/Clara|asked you to remember/);
  });

  it('deleting a speaker deletes their memory', async () => {
    expect(k.kiwi.runtime.store.memory.facts(ben.id)).toHaveLength(1);
    expect((await api('DELETE', `/api/speakers/${ben.id}`)).status).toBe(200);
    expect((await api('GET', `/api/speakers/${ben.id}/memory`)).status).toBe(404);
    const { store } = k.kiwi.runtime;
    expect(store.memory.facts(ben.id)).toEqual([]);
    expect(store.conversations.messages(ben.id, 100)).toEqual([]);
  });
});
