import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../contract/languages.ts';
import type { SpeakerRecord } from '../../store/store.ts';
import { BuiltinCommands } from './builtin-commands.ts';
import { makeCommandHarness, voicePrint, type CommandHarness } from './testing/command-harness.ts';
import { PHRASE_CASES } from './testing/phrase-cases.ts';

const commands = new BuiltinCommands();

describe('BuiltinCommands: reading, stopping, souls, languages', () => {
  let h: CommandHarness;
  let owner: SpeakerRecord;
  let friend: SpeakerRecord;
  let guest: SpeakerRecord;
  beforeEach(async () => {
    h = await makeCommandHarness();
    owner = h.store.speakers.create({ name: 'Olga', priority: 0 });
    friend = h.store.speakers.create({ name: 'Anna', priority: 1 });
    guest = h.store.speakers.create({ name: 'Gil', priority: 2 });
  });
  afterEach(() => h.close());

  const run = (text: string, options?: Parameters<CommandHarness['request']>[1]) => commands.handle(h.request(text, options), h.deps);

  it('passes what is not a built-in command to the router (null)', async () => {
    expect(await run('tell me a joke about cats')).toBeNull();
    expect(await run('')).toBeNull();
  });

  it('stop: anyone, even an unknown voice; no spoken reply (the engine stops playback)', async () => {
    expect(await run('Stop!')).toMatchObject({ command: 'stop', reply: null });
    expect(await run('хватит', { language: 'ru' })).toMatchObject({ command: 'stop', reply: null });
  });

  it('a blocked voice gets nothing done and no answer', async () => {
    const blocked = h.store.speakers.create({ name: 'TV', priority: 2, is_blocked: true });
    expect(await run('what time is it', { speaker: blocked })).toMatchObject({ command: 'time', reply: null, refused: 'blocked' });
  });

  it('time and date are formatted for the language and the time zone', async () => {
    expect((await run('What time is it?'))!.reply).toEqual(["It's 1:05 PM."]);
    expect((await run('Wie spät ist es?', { language: 'de' }))!.reply).toEqual(['Es ist 13:05 Uhr.']);
    expect((await run('今何時？', { language: 'ja' }))!.reply).toEqual(['今は13:05です。']);
    expect((await run("What's today's date?"))!.reply).toEqual(['Today is Wednesday, November 25, 2026.']);
    expect((await run('Какое сегодня число?', { language: 'ru' }))!.reply).toEqual(['Сегодня среда, 25 ноября 2026 г.']);
    h.deps.timeZone = 'Asia/Tokyo';
    expect((await run('What time is it?'))!.reply).toEqual(["It's 10:05 PM."]);
  });

  it('switches soul for a friend, in their language, and the soul service records it', async () => {
    const answer = await run('Будь комиком!', { language: 'ru', speaker: friend });
    expect(answer).toMatchObject({ command: 'switch_soul', reply: ['Хорошо, включаю режим «Комик».'] });
    expect(h.souls.active.id).toBe('comedian');
    expect(h.events.some((e) => e.event === 'SOUL_CHANGED' && e.data.soul_id === 'comedian')).toBe(true);
    expect((await run('be a comedian', { speaker: friend }))!.reply).toEqual(["I'm already in Comedian mode."]);
    expect((await run('default mode', { speaker: friend }))!.reply).toEqual(['Okay, switching to Default mode.']);
    expect(h.souls.active.id).toBe('default');
  });

  it('refuses a soul switch to a guest or a stranger, and changes nothing', async () => {
    expect(await run('be a storyteller', { speaker: guest })).toMatchObject({ refused: 'friends_only', reply: ['Sorry, I only do that for people I know.'] });
    expect(await run('be a storyteller')).toMatchObject({ refused: 'friends_only' });
    expect(h.souls.active.id).toBe('default');
  });

  it('refuses the 18+ soul with a reason: disabled in settings, and even when allowed, to anyone but the owner', async () => {
    expect(await run('siren mode', { speaker: owner })).toMatchObject({ refused: 'nsfw_disabled', reply: ['Siren is an adults-only mode, and it is turned off in the settings.'] });
    await h.config.patch({ souls: { allow_nsfw: true } });
    expect(await run('siren mode', { speaker: friend })).toMatchObject({ refused: 'nsfw_owner_only', reply: ['Only my owner can turn on Siren mode.'] });
    expect(h.souls.active.id).toBe('default');
    expect(await run('siren mode', { speaker: owner })).toMatchObject({ command: 'switch_soul', reply: ['Okay, switching to Siren mode.'] });
    expect(h.souls.active.id).toBe('siren');
  });

  it('switches language by PATCHing config, and says so in the new language', async () => {
    const answer = await run('Switch to German, please.', { speaker: friend });
    expect(answer).toMatchObject({ command: 'switch_language', reply: ['Okay, ab jetzt spreche ich Deutsch.'] });
    expect(h.config.current.language).toBe('de');
    expect((await run('Sprich Deutsch', { language: 'de', speaker: friend }))!.reply).toEqual(['Ich spreche schon Deutsch.']);
    expect(await run('говори по-английски', { language: 'ru', speaker: guest })).toMatchObject({ refused: 'friends_only' });
    expect(h.config.current.language).toBe('de');
  });

  it('says why when KIWI_LANGUAGE pins the language', async () => {
    const pinned = await makeCommandHarness({ env: { KIWI_LANGUAGE: 'en' } });
    try {
      // No owner yet (an open household): any voice may switch the language, and is told why it cannot.
      expect(await commands.handle(pinned.request('speak French'), pinned.deps)).toMatchObject({ refused: 'language_locked' });
      pinned.store.speakers.create({ name: 'Olga', priority: 0 });
      const answer = await commands.handle(pinned.request('speak French'), pinned.deps); // no speaker, mic → unknown
      expect(answer).toMatchObject({ refused: 'friends_only' });
      const typed = await commands.handle(pinned.request('speak French', { source: 'text' }), pinned.deps);
      expect(typed).toMatchObject({ refused: 'language_locked', reply: ["The language is fixed in my settings, so I can't change it by voice."] });
      expect(pinned.config.current.language).toBe('en');
    } finally {
      await pinned.close();
    }
  });

  it('resets only the speaker’s own conversation (and its 18+ twin), never everyone’s', async () => {
    const { context } = h.deps;
    context.append(friend.id, { role: 'user', content: 'hi' });
    context.append(`${friend.id}:nsfw`, { role: 'user', content: 'psst' });
    context.append(owner.id, { role: 'user', content: 'hello' });
    context.append('guest', { role: 'user', content: 'who are you' });
    expect((await run('new conversation', { speaker: friend }))!.reply).toEqual(["Okay, let's start fresh."]);
    expect(context.history(friend.id)).toEqual([]);
    expect(context.history(`${friend.id}:nsfw`)).toEqual([]);
    expect(context.history(owner.id)).toHaveLength(1);
    expect(h.events.find((e) => e.event === 'CONTEXT_RESET')?.data).toEqual({ speaker_id: friend.id });
    await run('reset the conversation');
    expect(context.history('guest')).toEqual([]);
    expect(context.history(owner.id)).toHaveLength(1);
  });

  it('previews the reply of a command that only says something, and acts on nothing', async () => {
    const preview = (text: string, options?: Parameters<CommandHarness['request']>[1]) => commands.preview(h.request(text, options), h.deps);
    expect(await preview('What time is it?')).toBe("It's 1:05 PM.");
    expect(await preview('Wie spät ist es?', { language: 'de' })).toBe('Es ist 13:05 Uhr.');
    expect(await preview('who am i', { speaker: friend })).toBe((await run('who am i', { speaker: friend }))!.reply![0]);
    // Commands that change something are never run ahead of the turn.
    h.deps.context.append('guest', { role: 'user', content: 'who are you' });
    expect(await preview('reset the conversation')).toBeNull();
    expect(h.deps.context.history('guest')).toHaveLength(1);
    expect(await preview('be a comedian', { speaker: owner })).toBeNull();
    expect(h.souls.active.id).toBe('default');
    expect(await preview('tell me a joke about cats')).toBeNull();
    expect(h.events.filter((e) => e.event === 'CONTEXT_RESET' || e.event === 'SOUL_CHANGED')).toEqual([]);
  });

  it('typed turns (source "text") act with the owner’s rights, but cannot enroll a voice', async () => {
    expect(await run('be a storyteller', { source: 'text' })).toMatchObject({ command: 'switch_soul' });
    expect(await run('remember my voice', { source: 'text' })).toMatchObject({ refused: 'voice_needed' });
    h.deps.typedRole = 'guest';
    expect(await run('be a comedian', { source: 'text' })).toMatchObject({ refused: 'friends_only' });
  });

  it('answers every phrase case in every language with a complete sentence (no unfilled placeholder)', async () => {
    await h.config.patch({ souls: { allow_nsfw: true } });
    let answered = 0;
    for (const language of LANGUAGES) {
      for (const [text] of PHRASE_CASES[language]) {
        h.deps.lastVoice.set({ kind: 'unknown', embedding: voicePrint(3), heardAt: h.clock.now });
        const answer = await run(text, { language, speaker: owner });
        expect(answer, `${language}: ${text}`).not.toBeNull();
        for (const sentence of answer!.reply ?? []) expect(sentence, `${language}: ${text}`).not.toMatch(/[{}]/);
        answered++;
      }
      await h.config.patch({ language: 'en' });
    }
    expect(answered).toBeGreaterThan(400);
  });
});
