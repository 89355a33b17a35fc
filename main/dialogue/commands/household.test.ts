import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHouseholdOpen } from '../../speakers/roles.ts';
import { BuiltinCommands } from './builtin-commands.ts';
import { commandRole, refusalFor } from './permissions.ts';
import { makeCommandHarness, type CommandHarness } from './testing/command-harness.ts';

const commands = new BuiltinCommands();

describe('open household: until the first owner is enrolled, anyone may change how Kiwi behaves', () => {
  it('the policy: soul and language commands count as the owner’s while open; nothing else changes', () => {
    expect(commandRole('switch_soul', 'unknown', true)).toBe('owner');
    expect(commandRole('switch_language', 'guest', true)).toBe('owner');
    expect(commandRole('list_souls', 'unknown', true)).toBe('owner');
    expect(commandRole('switch_soul', 'unknown', false)).toBe('unknown');
    expect(commandRole('switch_soul', 'blocked', true)).toBe('blocked'); // a blocked voice stays blocked
    expect(commandRole('block_voice', 'unknown', true)).toBe('unknown'); // who Kiwi listens to keeps its rules
    expect(refusalFor('forget_voice', commandRole('forget_voice', 'friend', true))).toBe('owner_only');
  });

  it('is open while no owner profile exists (a blocked owner profile does not count)', () => {
    expect(isHouseholdOpen([])).toBe(true);
    expect(isHouseholdOpen([{ priority: 1 }, { priority: 2 }])).toBe(true);
    expect(isHouseholdOpen([{ priority: 0, is_blocked: true }])).toBe(true);
    expect(isHouseholdOpen([{ priority: 2 }, { priority: 0 }])).toBe(false);
  });

  describe('through the commands', () => {
    let h: CommandHarness;
    beforeEach(async () => {
      h = await makeCommandHarness();
    });
    afterEach(() => h.close());
    const run = (text: string, options?: Parameters<CommandHarness['request']>[1]) => commands.handle(h.request(text, options), h.deps);

    it('an unknown voice switches soul and language while open; enrolling the owner ends it', async () => {
      expect(await run('be a comedian')).toMatchObject({ command: 'switch_soul', reply: ['Okay, switching to Comedian mode.'] });
      expect(h.souls.active.id).toBe('comedian');
      expect(await run('Switch to German, please.')).toMatchObject({ command: 'switch_language' });
      expect(h.config.current.language).toBe('de');
      h.store.speakers.create({ name: 'Olga', priority: 0 });
      expect(await run('be a storyteller', { language: 'en' })).toMatchObject({ refused: 'friends_only' });
      expect(h.souls.active.id).toBe('comedian');
    });

    it('the 18+ soul stays off unless souls.allow_nsfw, open household or not', async () => {
      expect(await run('siren mode')).toMatchObject({ refused: 'nsfw_disabled' });
      expect(h.souls.active.id).toBe('default');
      await h.config.patch({ souls: { allow_nsfw: true } });
      expect(await run('siren mode')).toMatchObject({ command: 'switch_soul', reply: ['Okay, switching to Siren mode.'] });
    });

    it('"which souls are there" lists what the asker may switch to', async () => {
      const friend = h.store.speakers.create({ name: 'Anna', priority: 1 });
      const everyday = 'Default, Comedian, Hype Person, Mindful Companion, and Storyteller';
      expect((await run('What modes do you have?'))!.reply).toEqual([`I can be: ${everyday}. Right now I'm in Default mode.`]);
      await h.config.patch({ souls: { allow_nsfw: true } });
      expect((await run('what modes are there'))!.reply![0]).toContain('Siren'); // open household: the asker counts as the owner
      const owner = h.store.speakers.create({ name: 'Olga', priority: 0 });
      expect((await run('what modes are there', { speaker: friend }))!.reply![0]).not.toContain('Siren');
      expect((await run('Какие у тебя есть режимы?', { language: 'ru', speaker: owner }))!.reply![0]).toMatch(/^Я могу быть такой: .*Сирена.*Сейчас включён режим «Обычный»\.$/);
      expect(await run('what modes are there')).toMatchObject({ refused: 'friends_only' });
    });
  });
});
