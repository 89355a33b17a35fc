import { describe, expect, it } from 'vitest';
import { LlmPhraseBook } from '../llm/phrases.ts';
import { CommandPathWarmer, commandPathSteps, warmUp } from './warm-up.ts';

describe('warming the command path', () => {
  it('runs every step for the language, a few times, and lets the event loop turn between them', async () => {
    const calls: string[] = [];
    let ticks = 0;
    const tick = setInterval(() => (ticks += 1), 0);
    const slow = (name: string) => (language: string) => {
      calls.push(`${name} ${language}`);
      const until = performance.now() + 5;
      while (performance.now() < until); // a step that holds the thread, like a first regex compile
    };
    await warmUp('de', [slow('a'), slow('b')], () => undefined, 2);
    clearInterval(tick);
    expect(calls).toEqual(['a de', 'b de', 'a de', 'b de']);
    expect(ticks).toBeGreaterThan(0);
  });

  it('reports a failing step and still runs the others', async () => {
    const reported: string[] = [];
    const ran: string[] = [];
    const failing = () => Promise.reject(new Error('locale file missing'));
    await warmUp('en', [failing, (language) => ran.push(language)], (err) => reported.push(String(err)), 1);
    expect(reported).toEqual(['Error: locale file missing']);
    expect(ran).toEqual(['en']);
  });

  it('warms the real command path without carrying anything out', async () => {
    const previews: string[] = [];
    const steps = commandPathSteps({ preview: async (request) => (previews.push(request.text), null), phrases: new LlmPhraseBook() });
    const reported: unknown[] = [];
    await warmUp('ru', steps, (err) => reported.push(err), 1);
    expect(reported).toEqual([]);
    expect(previews).toHaveLength(1);
  });

  it('warms once per language: again only after the language changed', async () => {
    const calls: string[] = [];
    const warmer = new CommandPathWarmer([(language) => calls.push(language)], () => undefined);
    await warmer.warm('de');
    await warmer.warm('de');
    await warmer.warm('fr');
    await warmer.warm('de');
    expect(calls).toEqual(['de', 'de', 'de', 'fr', 'fr', 'fr', 'de', 'de', 'de']);
  });
});
