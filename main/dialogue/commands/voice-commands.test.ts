import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuiltinCommands } from './builtin-commands.ts';
import { makeCommandHarness, voicePrint, type CommandHarness } from './testing/command-harness.ts';

const commands = new BuiltinCommands();

describe('BuiltinCommands: voices', () => {
  let h: CommandHarness;
  beforeEach(async () => {
    h = await makeCommandHarness();
  });
  afterEach(() => h.close());

  const run = (text: string, options?: Parameters<CommandHarness['request']>[1]) => commands.handle(h.request(text, options), h.deps);
  const makeOwner = () => h.store.speakers.create({ name: 'Olga', priority: 0, embedding: voicePrint(0), sample_count: 1 });

  it('first "remember my voice": anyone may become the owner, from the NEXT utterance', async () => {
    const answer = await run('Remember my voice, my name is Bob.');
    expect(answer).toMatchObject({
      command: 'enroll_next',
      reply: ["Okay. Now say a sentence or two, and I'll remember your voice as my owner."],
      enroll: { speakerId: null, name: 'Bob', priority: 0, source: 'mic', language: 'en', requestedBy: null },
    });
    expect(h.store.speakers.list()).toEqual([]); // nothing stored until the engine captures the next utterance
    expect(commands.enrollDoneReply('en', 'Bob')).toBe("Got it. I'll recognise you now, Bob.");
  });

  it('without a name, the owner gets the localised default name', async () => {
    const answer = await run('Запомни мой голос', { language: 'ru' });
    expect(answer!.enroll).toMatchObject({ name: 'Хозяин', priority: 0, language: 'ru' });
    expect(commands.enrollDoneReply('ru', answer!.enroll!.name)).toBe('Готово. Теперь я буду узнавать тебя, Хозяин.');
  });

  it('once an owner exists, a stranger cannot claim ownership; the owner adds samples to their own profile', async () => {
    const owner = makeOwner();
    expect(await run('remember my voice')).toMatchObject({ refused: 'owner_exists', reply: ['I already have an owner. Ask them to introduce you.'] });
    const again = await run('remember my voice', { speaker: owner });
    expect(again).toMatchObject({ command: 'enroll_next', enroll: { speakerId: owner.id, priority: 0, name: 'Olga' } });
    expect(h.store.speakers.list()).toHaveLength(1);
  });

  it('"this is my friend Anna" (owner only) learns Anna from her next utterance, not the owner’s', async () => {
    const owner = makeOwner();
    const answer = await run('This is my friend Anna.', { speaker: owner });
    expect(answer).toMatchObject({
      command: 'enroll_next',
      reply: ['Nice to meet you, Anna. Please say a sentence or two so I can learn your voice.'],
      enroll: { speakerId: null, name: 'Anna', priority: 1, requestedBy: owner.id },
    });
    expect(h.store.speakers.get(owner.id)!.sample_count).toBe(1); // the owner's profile is untouched
    // saying it again for someone already known adds to that profile; as a guest, with that priority
    const anna = h.store.speakers.create({ name: 'Anna', priority: 1, embedding: voicePrint(5), sample_count: 1 });
    const guestAgain = await run('this is our guest anna', { speaker: owner });
    expect(guestAgain!.enroll).toMatchObject({ speakerId: anna.id, name: 'Anna', priority: 2 });
  });

  it('introducing people: refused to non-owners, before an owner exists, and for typed turns', async () => {
    expect(await run('this is my friend Tom')).toMatchObject({ refused: 'no_owner', reply: ['First my owner has to tell me: remember my voice.'] });
    makeOwner();
    const friend = h.store.speakers.create({ name: 'Anna', priority: 1 });
    expect(await run('this is my friend Tom', { speaker: friend })).toMatchObject({ refused: 'owner_only', reply: ['Sorry, only my owner can do that.'] });
    expect(await run('this is my friend Tom', { source: 'text' })).toMatchObject({ refused: 'voice_needed' });
    expect(await run('Это мой друг Том', { language: 'ru' })).toMatchObject({ refused: 'owner_only', reply: ['Извини, это может только хозяин.'] });
  });

  it('who is speaking / what voices do you know', async () => {
    const owner = makeOwner();
    h.store.speakers.create({ name: 'Anna', priority: 1 });
    h.store.speakers.create({ name: 'Blocked voice 1', priority: 2, is_blocked: true });
    expect((await run('who is speaking?', { speaker: owner }))!.reply).toEqual(["That's you, Olga."]);
    expect((await run('who is speaking?'))!.reply).toEqual(["I don't recognise your voice."]);
    expect((await run('what voices do you know', { speaker: owner }))!.reply).toEqual(['I know these voices: Olga and Anna.']);
    expect((await run('какие голоса ты знаешь', { language: 'ru', speaker: owner }))!.reply).toEqual(['Я знаю эти голоса: Olga и Anna.']);
    expect(await run('what voices do you know')).toMatchObject({ refused: 'friends_only' });
  });

  it('block → unblock → forget the last unknown voice (owner only)', async () => {
    const owner = makeOwner();
    expect(await run('block that voice', { speaker: owner })).toMatchObject({ refused: 'no_recent_voice', reply: ["I haven't heard an unknown voice recently."] });
    h.deps.lastVoice.set({ kind: 'unknown', embedding: voicePrint(4), heardAt: h.clock.now });
    const friend = h.store.speakers.create({ name: 'Anna', priority: 1 });
    expect(await run('block that voice', { speaker: friend })).toMatchObject({ refused: 'owner_only' });

    expect((await run('Block that voice.', { speaker: owner }))!.reply).toEqual(["Okay, I'll ignore that voice from now on."]);
    const blocked = h.store.speakers.list().find((s) => s.is_blocked)!;
    expect(blocked).toMatchObject({ name: 'Blocked voice 1', is_blocked: true, sample_count: 1 });
    expect([...blocked.embedding!]).toEqual([...voicePrint(4)]);
    expect(h.deps.lastVoice.last()).toMatchObject({ kind: 'profile', speakerId: blocked.id });
    expect((await run('block that voice', { speaker: owner }))!.reply).toEqual(['That voice is already blocked.']);

    expect((await run('unblock that voice', { speaker: owner }))!.reply).toEqual(["Okay, I'll listen to that voice again."]);
    expect(h.store.speakers.get(blocked.id)!.is_blocked).toBe(false);
    expect(h.events.map((e) => e.event)).toEqual(expect.arrayContaining(['SPEAKER_ADDED', 'SPEAKER_BLOCKED', 'SPEAKER_UNBLOCKED']));
    expect((await run('unblock that voice', { speaker: owner }))!.reply).toEqual(["That voice isn't blocked."]);

    expect((await run('forget that voice', { speaker: owner }))!.reply).toEqual(["Okay, I've forgotten that voice."]);
    expect(h.store.speakers.get(blocked.id)).toBeNull();
    expect(h.deps.lastVoice.last()).toBeNull();
  });

  it('an unknown voice that was never stored: unblock says it is not blocked, forget drops the reference', async () => {
    const owner = makeOwner();
    h.deps.lastVoice.set({ kind: 'unknown', embedding: voicePrint(6), heardAt: h.clock.now });
    expect((await run('unblock that voice', { speaker: owner }))!.reply).toEqual(["That voice isn't blocked."]);
    expect((await run('Забудь этот голос', { language: 'ru', speaker: owner }))!.reply).toEqual(['Хорошо, этот голос забыт.']);
    expect(h.deps.lastVoice.last()).toBeNull();
    expect(h.store.speakers.list()).toHaveLength(1);
  });

  it('never blocks or forgets the owner, and forgets an unknown voice after ten minutes', async () => {
    const owner = makeOwner();
    h.deps.lastVoice.set({ kind: 'profile', speakerId: owner.id, heardAt: h.clock.now });
    expect(await run('forget that voice', { speaker: owner })).toMatchObject({ refused: 'voice_is_owner' });
    expect(h.store.speakers.get(owner.id)).not.toBeNull();
    h.deps.lastVoice.set({ kind: 'unknown', embedding: voicePrint(7), heardAt: h.clock.now });
    h.clock.now += 10 * 60_000 + 1;
    expect(await run('block that voice', { speaker: owner })).toMatchObject({ refused: 'no_recent_voice' });
  });

});

