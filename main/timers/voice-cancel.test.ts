import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../contract/languages.ts';
import type { IdentifiedSpeaker, TurnAnswer, TurnRequest } from '../engine/listening/turn.ts';
import { timerHarness } from './testing/harness.ts';
import { TimerVoice } from './voice.ts';

const MIN = 60_000;
const OWNER: IdentifiedSpeaker = { id: 'spk_001', name: 'Max', priority: 0, confidence: 0.9, blocked: false };
const GUEST: IdentifiedSpeaker = { id: 'spk_002', name: 'Lena', priority: 2, confidence: 0.9, blocked: false };

/** "Cancel everything" in each language (the kind-less cancel_all form of its timers.json). */
const CANCEL_EVERYTHING: Record<(typeof LANGUAGES)[number], string> = {
  ar: 'الغ الكل',
  de: 'lösche alles',
  en: 'cancel everything',
  es: 'cancela todo',
  fr: 'annule tout',
  hi: 'सब रद्द करो',
  id: 'batalkan semuanya',
  it: 'cancella tutto',
  ja: '全部キャンセルして',
  ko: '전부 취소해줘',
  pl: 'anuluj wszystko',
  pt: 'cancela tudo',
  ru: 'отмени всё',
  tr: 'hepsini iptal et',
  zh: '全部取消',
};

/** A timer ringing now, another timer and an alarm waiting. */
async function ringingSetup() {
  const h = timerHarness({ start: '2026-03-27T14:00:00Z' });
  const voice = new TimerVoice(h.service);
  const now = h.clock.now();
  h.service.create({ kind: 'timer', label: 'pasta', language: 'en', due_at: now + MIN, duration_ms: MIN, owner: { id: OWNER.id, name: OWNER.name } });
  h.service.create({ kind: 'timer', label: 'tea', language: 'en', due_at: now + 10 * MIN, duration_ms: 10 * MIN, owner: { id: OWNER.id, name: OWNER.name } });
  h.service.create({ kind: 'alarm', language: 'en', due_at: now + 600 * MIN });
  await h.clock.advance(MIN);
  expect(h.service.ringing.map((i) => i.label)).toEqual(['pasta']);
  const say = async (text: string, language = 'en', speaker: IdentifiedSpeaker = OWNER): Promise<TurnAnswer | null> => {
    const request: TurnRequest = { text, language, speaker, source: 'mic', signal: new AbortController().signal };
    return (await voice.ringing(request)) ?? (await voice.commands(request));
  };
  return { h, say };
}

describe('"cancel all" while something rings', () => {
  it('silences the ringing timer, cancels the other timers, keeps other kinds, and says how many', async () => {
    const { h, say } = await ringingSetup();
    expect(await say('cancel all timers')).toEqual({ command: 'timer_cancel_all', reply: ['Okay, I cancelled them all. That was 2 in all.'] });
    expect(h.service.isRinging).toBe(false);
    expect(h.service.list().map((i) => i.kind)).toEqual(['alarm']);
    expect(h.names()).toEqual(['TIMER_SET', 'TIMER_SET', 'ALARM_SET', 'TIMER_RINGING', 'TIMER_STOPPED', 'TIMER_CANCELLED']);
    expect(h.events.find((e) => e.event === 'TIMER_STOPPED')?.data).toMatchObject({ by: 'voice' });
    await h.service.ringerIdle();
  });

  it.each(LANGUAGES)('%s: "cancel everything" silences the ringing one and cancels the rest', async (language) => {
    const { h, say } = await ringingSetup();
    const answer = await say(CANCEL_EVERYTHING[language], language);
    expect(answer).toEqual({ command: 'timer_cancel_all', reply: [h.service.speech(language).say('cancelled_many', { count: '3' })] });
    expect(h.service.isRinging).toBe(false);
    expect(h.service.list()).toEqual([]);
    await h.service.ringerIdle();
  });

  it("a guest silences the ringing one but cancels only their own (the owner's stay)", async () => {
    const { h, say } = await ringingSetup();
    expect(await say('cancel all timers', 'en', GUEST)).toEqual({ command: 'timer_cancel_all', reply: ['Okay, I cancelled them all. That was 1 in all.'] });
    expect(h.service.isRinging).toBe(false);
    expect(h.service.list().map((i) => i.label ?? i.kind)).toEqual(['tea', 'alarm']);
    await h.service.ringerIdle();
  });
});
