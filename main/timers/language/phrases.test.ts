import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../contract/languages.ts';
import { PHRASES, PHRASE_NOW, PHRASE_ZONE } from '../testing/phrase-table.ts';
import { wallParts } from '../zoned.ts';
import { grammarFor, type TimerCommand } from './grammar.ts';
import { resolveWhen } from './resolve.ts';

const now = Date.parse(PHRASE_NOW);

function duration(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

function local(ms: number): string {
  const w = wallParts(ms, PHRASE_ZONE);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}`;
}

/** A command in the table's notation (phrase-table.ts). */
function describeCommand(command: TimerCommand | null): string {
  if (!command) return 'no match';
  const label = 'label' in command && command.label ? ` label=${command.label}` : '';
  switch (command.intent) {
    case 'set_timer':
      return `timer ${duration(command.durationMs)}${label}`;
    case 'set_alarm':
    case 'set_reminder': {
      const kind = command.intent === 'set_alarm' ? 'alarm' : 'reminder';
      const resolved = resolveWhen(command.when, kind, now, PHRASE_ZONE);
      if (!resolved.ok) return `${kind} ${resolved.reason}`;
      const days = resolved.days.length ? ` days=${resolved.days.join(',')}` : '';
      const task = command.intent === 'set_reminder' ? ` task=${command.task}` : '';
      return `${kind} ${local(resolved.due_at)}${days}${label}${task}`;
    }
    case 'need_unit':
      return `need_unit ${command.amount}`;
    case 'time_left':
      return `time_left${label}`;
    case 'cancel':
      return `cancel ${command.kind}${label}`;
    case 'cancel_all':
      return `cancel_all${command.kind ? ` ${command.kind}` : ''}`;
    case 'list':
      return `list${command.kind ? ` ${command.kind}` : ''}`;
    case 'snooze':
      return `snooze${command.durationMs ? ` ${duration(command.durationMs)}` : ''}`;
    case 'stop':
      return 'stop';
  }
}

describe('time expressions, parsed by Kiwi (no LLM), in every language', () => {
  it('the table covers all 15 languages, and the seven required ones in depth', () => {
    expect(Object.keys(PHRASES).sort()).toEqual([...LANGUAGES].sort());
    for (const language of ['en', 'ru', 'es', 'de', 'fr', 'zh', 'ja']) expect(PHRASES[language]!.length, language).toBeGreaterThanOrEqual(15);
  });

  for (const language of LANGUAGES) {
    it.each(PHRASES[language]!)(`${language}: %s`, (text, expected) => {
      expect(describeCommand(grammarFor(language).match(text))).toBe(expected);
    });
  }

  it('things that are not timer commands are left alone', () => {
    const en = grammarFor('en');
    for (const text of ['what time is it', 'turn on the kitchen lights', 'tell me a joke about timers', 'remind me', 'set a timer', 'wake me up', 'remind me to call Anna at the station']) {
      expect(en.match(text), text).toBeNull();
    }
    expect(grammarFor('de').match('Wie spät ist es?')).toBeNull();
    expect(grammarFor('zh').match('今天天气怎么样')).toBeNull();
  });

  it('an alarm without a time asks for one; a time that has passed today is refused', () => {
    const en = grammarFor('en');
    const alarm = en.match('wake me up tomorrow');
    expect(alarm?.intent).toBe('set_alarm');
    if (alarm?.intent !== 'set_alarm') return;
    expect(resolveWhen(alarm.when, 'alarm', now, PHRASE_ZONE)).toEqual({ ok: false, reason: 'need_time' });
    const today = en.match('remind me today at 9 am to water the plants');
    if (today?.intent !== 'set_reminder') throw new Error('no reminder');
    expect(resolveWhen(today.when, 'reminder', now, PHRASE_ZONE)).toEqual({ ok: false, reason: 'time_passed' });
  });

  it('an hour without am/pm: alarms take the morning, reminders the next one to come', () => {
    const en = grammarFor('en');
    const at = (text: string, kind: 'alarm' | 'reminder', moment: string) => {
      const command = en.match(text);
      if (!command || !('when' in command)) throw new Error(text);
      const resolved = resolveWhen(command.when, kind, Date.parse(moment), PHRASE_ZONE);
      return resolved.ok ? local(resolved.due_at) : resolved.reason;
    };
    expect(at('set an alarm for 7', 'alarm', '2026-03-27T20:00:00Z')).toBe('2026-03-28 07:00');
    expect(at('remind me at 6 to feed the cat', 'reminder', '2026-03-27T06:00:00Z')).toBe('2026-03-27 18:00'); // 07:00 local: 6 pm is next
    expect(at('remind me at 6 to feed the cat', 'reminder', '2026-03-27T20:00:00Z')).toBe('2026-03-28 06:00'); // 21:00 local: 6 am is next
    expect(at('set an alarm for 19:00', 'alarm', '2026-03-27T08:00:00Z')).toBe('2026-03-27 19:00');
  });

  // How long odd input takes is measured in `npm run bench` (bench/text-bench.ts); a pattern that backtracked
  // without end would still time this test out.
  it('odd and long input is answered safely (no command)', () => {
    const en = grammarFor('en');
    const zh = grammarFor('zh');
    expect(en.match(`remind me to ${'seven '.repeat(30)}x`)).toBeNull();
    expect(en.match(`set a timer for ${'one '.repeat(40)}minutes`)).toBeNull();
    expect(en.match('set a timer for '.repeat(20))).toBeNull();
    expect(zh.match(`提醒我${'一'.repeat(60)}`)).toBeNull();
    expect(en.match('x'.repeat(5000))).toBeNull();
  });
});
