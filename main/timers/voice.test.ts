import { describe, expect, it } from 'vitest';
import type { IdentifiedSpeaker, TurnAnswer, TurnRequest } from '../engine/listening/turn.ts';
import { matchWakeWord } from '../engine/stages/wake/text-match.ts';
import { timerHarness, type Harness } from './testing/harness.ts';
import { TimerVoice } from './voice.ts';

const MIN = 60_000;
const OWNER: IdentifiedSpeaker = { id: 'spk_001', name: 'Max', priority: 0, confidence: 0.9, blocked: false };
const GUEST: IdentifiedSpeaker = { id: 'spk_002', name: 'Lena', priority: 2, confidence: 0.9, blocked: false };
const FRIEND: IdentifiedSpeaker = { id: 'spk_003', name: 'Tom', priority: 1, confidence: 0.9, blocked: false };

function setup(options: Parameters<typeof timerHarness>[0] = {}) {
  const h = timerHarness({ start: '2026-03-27T14:00:00Z', ...options });
  const voice = new TimerVoice(h.service);
  const say = async (text: string, speaker: IdentifiedSpeaker | null = OWNER, language = 'en'): Promise<TurnAnswer | null> => {
    const request: TurnRequest = { text, language, speaker, source: speaker ? 'mic' : 'text', signal: new AbortController().signal };
    return (await voice.ringing(request)) ?? (await voice.commands(request));
  };
  const reply = async (...args: Parameters<typeof say>) => {
    const answer = await say(...args);
    return answer?.reply ? [...(answer.reply as string[])].join(' ') : null;
  };
  return { h, voice, say, reply };
}

const only = (h: Harness) => h.service.list();

describe('timers by voice', () => {
  it('sets a timer, tells how much is left, lists and cancels it by its label', async () => {
    const { h, reply } = setup();
    expect(await reply('Kiwi, set a timer for 10 minutes for the pasta')).toBe('Okay, pasta timer for 10 minutes.');
    expect(only(h)).toMatchObject([{ kind: 'timer', label: 'pasta', owner_id: 'spk_001', owner_name: 'Max', duration_ms: 10 * MIN }]);
    await h.clock.advance(4 * MIN + 30_000);
    expect(await reply('how much time is left')).toBe('pasta: 5 minutes and 30 seconds left.');
    expect(await reply('set a timer for 3 minutes')).toBe('Okay, a timer for 3 minutes.');
    expect(await reply('what timers do I have')).toBe('You have a timer with 3 minutes left and the pasta timer with 5 minutes and 30 seconds left.');
    expect(await reply('cancel the pasta timer')).toBe('Okay, I cancelled the pasta timer with 5 minutes and 30 seconds left.');
    expect(only(h).map((i) => i.label)).toEqual([null]);
    expect(await reply('cancel the eggs timer')).toBe("I couldn't find that.");
  });

  it('sets alarms and reminders and says when, in the configured time zone', async () => {
    const { h, reply } = setup();
    expect(await reply('wake me up at 7:30 on weekdays')).toBe('Alarm set for 7:30 AM on weekdays.');
    expect(await reply('remind me to call Anna tomorrow at 6 pm')).toBe("Okay, I'll remind you tomorrow at 6:00 PM: call Anna.");
    expect(await reply('set an alarm for 6:45 tomorrow')).toBe('Alarm set for tomorrow at 6:45 AM.');
    expect(await reply('wake me up tomorrow')).toBe("I didn't catch the time. Please say it again with a time.");
    expect(await reply('remind me today at 9 am to water the plants')).toBe('That time has already passed.');
    expect(h.names()).toEqual(['ALARM_SET', 'REMINDER_SET', 'ALARM_SET']);
    expect(await reply('cancel the alarm')).toMatch(/^You have several: an alarm tomorrow at 6:45 AM and an alarm on weekdays at 7:30 AM\. Which one/);
    expect(await reply('cancel the 6:45 alarm')).toBe('Okay, I cancelled an alarm tomorrow at 6:45 AM.');
  });

  it('answers in the language spoken', async () => {
    const { reply } = setup();
    expect(await reply('Поставь таймер на 10 минут для пасты', OWNER, 'ru')).toBe('Хорошо, таймер «пасты»: 10 минут.');
    expect(await reply('Weck mich um 7:30 an Wochentagen', OWNER, 'de')).toBe('Wecker gestellt auf 7:30, werktags.');
    expect(await reply('提醒我明天下午6点给安娜打电话', OWNER, 'zh')).toBe('好的，我会在明天18:00提醒你：给安娜打电话。');
    expect(await reply('還剩多少時間', OWNER, 'zh')).toBeNull(); // traditional characters are not in the zh file: not a timer command
    expect(await reply('Сколько времени осталось?', OWNER, 'ru')).toBe('пасты: ещё 10 минут.');
  });

  it('a timer for a number without a unit asks "minutes or hours?" and sets nothing (no guess, no LLM)', async () => {
    const { h, say, reply } = setup();
    expect(await reply('set a timer for 5')).toBe('5 minutes or 5 hours? Please say it again with the unit.');
    expect(await reply('таймер на 1', OWNER, 'ru')).toBe('1 минута или 1 час? Повторите, пожалуйста, с единицами времени.');
    expect(await reply('5のタイマー', OWNER, 'ja')).toBe('5分ですか、5時間ですか？単位をつけてもう一度言ってください。');
    expect(only(h)).toEqual([]);
    expect(await say('set a timer')).toBeNull(); // "a" is the article, not one of something
    expect(await say('cancel timer 2')).toBeNull(); // fits "{label} timer {duration}", but it is no timer to set
    expect(await reply('set a timer for 5 minutes')).toBe('Okay, a timer for 5 minutes.');
  });

  it('puts durations into words as each language says them: the grammatical case after the verb, no "and" in CJK', async () => {
    const { reply } = setup();
    const cases: Array<[string, string, string]> = [
      // Intl gives the nominative ("21 минута"); after "на" Russian needs "21 минуту", so the reply avoids the preposition.
      ['ru', 'таймер на 21 минуту', 'Хорошо, таймер: 21 минута.'],
      ['pl', 'ustaw minutnik na 1 minutę', 'Dobrze, minutnik: 1 minuta.'],
      ['ar', 'اضبط مؤقت لمدة دقيقتين', 'حسنا، مؤقت مدته دقيقتان.'],
      ['tr', '10 dakikalık zamanlayıcı kur', 'Tamam, zamanlayıcı kuruldu: 10 dakika.'],
      ['ja', '1時間半のタイマー', '1時間30分のタイマーをセットしました。'],
      ['ja', '10分のタイマー', '10分のタイマーをセットしました。'],
      ['zh', '计时一个半小时', '好的，计时1小时30分钟。'],
      ['ko', '1시간 30분 타이머', '1시간 30분 타이머를 맞췄어요.'],
      ['en', 'timer for an hour and a half', 'Okay, a timer for 1 hour and 30 minutes.'],
    ];
    for (const [language, text, expected] of cases) expect(await reply(text, OWNER, language), `${language}: ${text}`).toBe(expected);
  });

  it("each item belongs to its speaker: a guest cannot cancel the owner's, the owner can cancel anyone's", async () => {
    const { h, reply } = setup();
    await reply('set a timer for 10 minutes for the pasta', OWNER);
    await reply('set a timer for 5 minutes for the tea', GUEST);
    expect(await reply('cancel the pasta timer', GUEST)).toBe('Sorry, that belongs to Max. Only they or my owner can cancel it.');
    expect(await reply('cancel the pasta timer', FRIEND)).toBe('Sorry, that belongs to Max. Only they or my owner can cancel it.');
    expect(await reply('cancel all timers', GUEST)).toBe('Okay, I cancelled them all: the tea timer with 5 minutes left.');
    expect(only(h).map((i) => i.label)).toEqual(['pasta']);
    await reply('set a timer for 5 minutes for the tea', GUEST);
    expect(await reply('cancel the tea timer', OWNER)).toMatch(/^Okay, I cancelled the tea timer/);
    // Typed turns (API, dashboard) act with the API's authority.
    expect(await reply('cancel the pasta timer', null)).toMatch(/^Okay, I cancelled the pasta timer/);
    const blocked = { ...GUEST, blocked: true };
    expect(await reply('set a timer for 5 minutes', blocked)).toBeNull();
    expect(only(h)).toEqual([]);
  });

  it('while ringing, "stop" (own phrases or the built-in stop words) stops it, and "snooze" snoozes it', async () => {
    const { h, voice, say, reply } = setup();
    await reply('set a timer for 1 minute');
    expect(voice.ringingCommand('stop', 'en')).toBeNull(); // nothing rings: "stop" is the built-in command's
    await h.clock.advance(MIN);
    expect(h.service.isRinging).toBe(true);
    expect(await say('snooze for 5 minutes', GUEST)).toEqual({ command: 'timer_snooze', reply: ['Okay, 5 minutes more.'] });
    expect(h.service.list()[0]).toMatchObject({ state: 'snoozed' });
    await h.clock.advance(5 * MIN);
    expect(h.service.isRinging).toBe(true);
    expect(await say('hush', GUEST)).toEqual({ command: 'timer_stop', reply: null }); // a built-in stop phrase
    expect(h.service.isRinging).toBe(false);
    expect(h.events.at(-1)).toMatchObject({ event: 'TIMER_STOPPED', data: { by: 'voice' } });
    expect(await say('stop')).toBeNull(); // nothing rings any more
    await h.service.ringerIdle();
  });

  it('"five more minutes" snoozes while ringing, and right after a stop or a timeout rings the same item again', async () => {
    const { h, say, reply } = setup({ service: { ringMaxMs: 2 * MIN } });
    expect(await say('five more minutes')).toBeNull(); // nothing rang: a duration alone is conversation, for the LLM
    await reply('set a timer for 10 minutes for the pasta');
    await h.clock.advance(10 * MIN);
    expect(h.service.isRinging).toBe(true);
    expect(await reply('five more minutes')).toBe('Okay, 5 minutes more.');
    expect(h.service.list()[0]).toMatchObject({ state: 'snoozed', label: 'pasta' });
    await h.clock.advance(5 * MIN);
    expect(await say('okay')).toEqual({ command: 'timer_stop', reply: null });
    expect(h.service.list()).toEqual([]);
    // Stopped, then "actually, give me five more minutes": the pasta timer again, not "nothing is ringing".
    await h.clock.advance(30_000);
    expect(await reply('Kiwi, give me 5 more minutes')).toBe('Okay, 5 minutes more.');
    expect(h.service.list()).toMatchObject([{ kind: 'timer', label: 'pasta', duration_ms: 5 * MIN, owner_id: 'spk_001', next_at: h.clock.now() + 5 * MIN }]);
    // Rang out unanswered (timeout), and the user comes back within a few minutes.
    await h.clock.advance(5 * MIN + 2 * MIN + 2_000);
    await h.service.ringerIdle();
    expect(h.service.list()).toEqual([]);
    expect(await reply('ten more minutes', GUEST)).toBe('Okay, 10 minutes more.');
    expect(h.service.list()).toMatchObject([{ label: 'pasta', duration_ms: 10 * MIN }]);
    // Long after the last ring, a bare duration is not Kiwi's business any more.
    h.service.cancel(h.service.list()[0]!.id);
    await h.clock.advance(10 * MIN);
    expect(await say('five more minutes')).toBeNull();
    expect(await reply('snooze')).toBe('Nothing is ringing right now.'); // the explicit word is still answered
  });

  it('sums up a long list (how many, and the three that ring next) instead of reading out twelve timers', async () => {
    const { h, reply } = setup();
    for (let minutes = 12; minutes >= 1; minutes--) await reply(`set a timer for ${minutes} minutes`);
    await reply('remind me to call Anna tomorrow at 6 pm');
    expect(await reply('what do I have set')).toBe('You have 13 in all. The next three: a timer with 1 minute left, a timer with 2 minutes left, and a timer with 3 minutes left.');
    expect(await reply('how much time is left')).toBe('You have 12 in all. The next three: a timer with 1 minute left, a timer with 2 minutes left, and a timer with 3 minutes left.');
    expect(await reply('Какие у меня таймеры?', OWNER, 'ru')).toMatch(/^Всего: 12\. Ближайшие три: /);
    // Five or fewer are still read out one by one.
    for (const item of h.service.list().slice(5)) h.service.cancel(item.id);
    expect(await reply('what timers do I have')).toMatch(/^You have a timer with 1 minute left, .*, and a timer with 5 minutes left\.$/);
    for (let minutes = 20; minutes < 24; minutes++) await reply(`set a timer for ${minutes} minutes`);
    expect(await reply('cancel all timers')).toBe('Okay, I cancelled them all. That was 9 in all.');
    expect(only(h)).toEqual([]);
    expect(await reply('cancel all timers')).toBe('You have no timers, alarms or reminders.');
  });

  it('"which one do you mean?" among many says how many and names the next three; "the last one" is the last of those named', async () => {
    const { h, reply } = setup();
    for (const minutes of [40, 10, 70, 20, 50, 30]) await reply(`set a timer for ${minutes} minutes`);
    expect(await reply('cancel the timer')).toBe(
      'You have 6 of them. The next three: a timer with 10 minutes left, a timer with 20 minutes left, and a timer with 30 minutes left. Which one do you mean?',
    );
    expect(await reply('the last one')).toBe('Okay, I cancelled a timer with 30 minutes left.');
    expect(only(h).map((i) => (i.duration_ms ?? 0) / MIN)).toEqual([10, 20, 40, 50, 70]);
    for (const minutes of [60, 80]) await reply(`set a timer for ${minutes} minutes`);
    expect(await reply('Удали таймер', OWNER, 'ru')).toMatch(/^Их 7\. Ближайшие три: .*Какой именно\?$/);
    expect(await reply('второй', OWNER, 'ru')).toMatch(/^Хорошо, отменено: таймер, осталось: 20 минут/);
  });

  it('after "which one do you mean?" takes the answer: a label, an ordinal or a time; only from the voice asked, soon after', async () => {
    const { h, say, reply } = setup();
    await reply('set a timer for 10 minutes for the pasta');
    await reply('set a timer for 20 minutes for the eggs');
    await reply('set a timer for 30 minutes for the bread');
    expect(await reply('cancel the timer')).toMatch(/^You have several: .*Which one do you mean\?$/);
    expect(await reply('the pasta one')).toBe('Okay, I cancelled the pasta timer with 10 minutes left.');
    expect(only(h).map((i) => i.label)).toEqual(['eggs', 'bread']);
    expect(await say('the bread one')).toBeNull(); // answered already: no question is open
    expect(await reply('cancel the timer')).toMatch(/^You have several: the eggs timer .* and the bread timer .*Which one/);
    expect(await reply('the second one')).toBe('Okay, I cancelled the bread timer with 30 minutes left.');
    // Someone else's "the first one", or an answer a minute late, is no answer.
    await reply('set a timer for 5 minutes for the tea');
    expect(await reply('cancel the timer')).toMatch(/^You have several/);
    expect(await say('the first one', FRIEND)).toBeNull();
    expect(await reply('cancel the timer')).toMatch(/^You have several/);
    await h.clock.advance(61_000);
    expect(await say('the first one')).toBeNull();
    expect(only(h)).toHaveLength(2);
    // Speech that names none of them goes on as conversation.
    expect(await reply('cancel the timer')).toMatch(/^You have several/);
    expect(await say('tell me a joke')).toBeNull();
    // A time names an alarm; in another language, its own ordinals.
    await reply('set an alarm for 6:45 tomorrow');
    await reply('wake me up at 7:30 on weekdays');
    expect(await reply('cancel the alarm')).toMatch(/Which one/);
    expect(await reply('the 7:30 one')).toBe('Okay, I cancelled an alarm on weekdays at 7:30 AM.');
    expect(await reply('Удали таймер', OWNER, 'ru')).toMatch(/^Их несколько: .*Какой именно\?$/);
    expect(await reply('последний', OWNER, 'ru')).toMatch(/^Хорошо, отменено: таймер «eggs», осталось: /);
    expect(only(h).map((i) => i.label ?? i.clock)).toEqual(['tea', '06:45']);
  });

  it('while ringing, "stop" needs no wake word; other speech still does', async () => {
    const { h, voice, reply } = setup();
    const wake = voice.wakeMatcher((text, word, language) => matchWakeWord(text, word, language));
    expect(wake('stop', 'kiwi', 'en').matched).toBe(false);
    await reply('set a timer for 1 minute');
    await h.clock.advance(MIN);
    expect(wake('Stop!', 'kiwi', 'en')).toEqual({ matched: true, command: 'Stop!' });
    expect(wake('turn it off', 'kiwi', 'en').matched).toBe(true);
    expect(wake('стоп', 'kiwi', 'ru').matched).toBe(true);
    expect(wake('what is the weather', 'kiwi', 'en').matched).toBe(false);
    expect(wake('Kiwi, what is the weather', 'kiwi', 'en')).toMatchObject({ matched: true, command: 'what is the weather' });
    h.service.stopRinging('api');
    await h.service.ringerIdle();
  });
});

describe('ringing and misheard stops', () => {
  it('while ringing, a short utterance that starts with a stop word counts as "stop"; a long one does not', async () => {
    const h = timerHarness({ start: '2026-03-27T14:00:00Z' });
    const voice = new TimerVoice(h.service);
    h.service.create({ kind: 'alarm', language: 'en', due_at: h.clock.now() + 1000 });
    await h.clock.advance(1000);
    expect(voice.ringingCommand('Stop little arm', 'en')).toBe('stop'); // Whisper's "stop the alarm"
    expect(voice.ringingCommand('Stop me alone!', 'en')).toBe('stop');
    expect(voice.ringingCommand('Стоп, хватит уже', 'ru')).toBe('stop');
    expect(voice.ringingCommand('停下来吧', 'zh')).toBe('stop');
    expect(voice.ringingCommand('stop talking about the weather forecast please now', 'en')).toBeNull();
    expect(voice.ringingCommand('the stop button', 'en')).toBeNull();
    h.service.stopRinging('api');
    await h.service.ringerIdle();
  });
});
