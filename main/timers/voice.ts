import { matchCommand } from '../dialogue/commands/matcher.ts';
import { allowedEdits, editDistance, spacingOf } from '../dialogue/commands/normalize.ts';
import { roleOf } from '../dialogue/commands/permissions.ts';
import type { Role } from '../dialogue/commands/types.ts';
import type { PartialHandler } from '../dialogue/router.ts';
import type { WakeMatcher } from '../engine/listening/voice-loop.ts';
import type { TurnAnswer, TurnRequest } from '../engine/listening/turn.ts';
import { KiwiError } from '../platform/errors.ts';
import { grammarFor, type TimerCommand } from './language/grammar.ts';
import { prepareText } from './language/prepare.ts';
import { resolveWhen } from './language/resolve.ts';
import { mayChange, mayRing } from './policy.ts';
import type { TimerService } from './timer-service.ts';
import type { TimerItem, TimerKind } from './types.ts';
import { cancelAll } from './voice-cancel.ts';
import { LIST_MAX, reply, type Call } from './voice-call.ts';

const SET_INTENTS = ['snooze', 'set_reminder', 'set_alarm', 'set_timer', 'cancel_all', 'cancel', 'time_left', 'list'] as const;
const RINGING_INTENTS = ['stop', 'snooze'] as const;
/** How long after an item stopped ringing "five more minutes" still brings it back. */
export const RING_AGAIN_WITHIN_MS = 5 * 60_000;
/** How long after "which one do you mean?" the same voice's answer ("the pasta one", "the second") counts as the answer. */
export const CHOICE_WITHIN_MS = 60_000;
const LIST_NEXT = 3;

/**
 * Timers by voice: two router handlers. `ringing` goes before the built-in commands and takes
 * only "stop" / "snooze" / "cancel all" while something rings; `commands` goes after them and sets, reports and
 * cancels timers, alarms and reminders.
 */
/** The question "which one do you mean?" still open: the items offered, in the order said, and who was asked where. */
interface OpenChoice {
  ids: string[];
  /** The ones read out, in that order: what "the second one" and "the last one" count in (all of them, or the next three of many). */
  named: string[];
  speakerId: string | null;
  source: string;
  at: number;
}

export class TimerVoice {
  #choice: OpenChoice | null = null;

  constructor(
    private readonly service: TimerService,
    private readonly options: { typedRole?: Role } = {},
  ) {}

  /** While ringing: is this utterance "stop" or "snooze" (the built-in stop phrases count too)? */
  ringingCommand(text: string, language: string): 'stop' | 'snooze' | null {
    if (!this.service.isRinging) return null;
    const grammar = grammarFor(language);
    const command = grammar.match(text, RINGING_INTENTS);
    if (command) return command.intent as 'stop' | 'snooze';
    // The built-in stop phrases, and (misheard) short utterances that begin with a stop word.
    return matchCommand(text, language)?.name === 'stop' || grammar.startsWithStop(text) ? 'stop' : null;
  }

  /**
   * The wake-word matcher the engine uses, widened: while something rings, "stop" and "snooze"
   * need no wake word. (An acoustic wake-word engine drops utterances before they are
   * transcribed, so there this holds within the follow-up window after each spoken line.)
   */
  wakeMatcher(base: WakeMatcher): WakeMatcher {
    return (text, wakeWord, language) => {
      const found = base(text, wakeWord, language);
      if (found.matched || !this.ringingCommand(text, language)) return found;
      return { matched: true, command: text.trim() };
    };
  }

  readonly ringing: PartialHandler = async (request) => {
    // "Cancel all timers" over a ringing one means all of them, not only the noise ("cancel" is also a stop word).
    const all = this.service.isRinging ? grammarFor(request.language).match(request.text, ['cancel_all']) : null;
    if (all?.intent === 'cancel_all') {
      const call = this.#call(request);
      return call.actor.role === 'blocked' ? reply('timer_cancel_all', null) : cancelAll(this.service, all.kind, call);
    }
    const intent = this.ringingCommand(request.text, request.language);
    if (!intent) return null;
    const call = this.#call(request);
    if (!mayRing(call.actor)) return reply(`timer_${intent}`, null);
    if (intent === 'stop') {
      this.service.stopRinging('voice');
      return reply('timer_stop', null); // silence is the answer to "stop"
    }
    const command = grammarFor(request.language).match(request.text, ['snooze']);
    const ms = (command?.intent === 'snooze' ? command.durationMs : null) ?? this.service.options.snoozeMs;
    this.service.snooze(this.service.ringing.map((i) => i.id), ms);
    return reply('timer_snooze', call.speech.say('snoozed', { duration: call.speech.duration(ms) }));
  };

  readonly commands: PartialHandler = async (request) => {
    const command = grammarFor(request.language).match(request.text, SET_INTENTS);
    const choice = this.#choice;
    this.#choice = null; // asked once: the next turn answers it or moves on
    if (!command) return choice ? this.#answerChoice(choice, request) : null;
    // A duration alone ("five minutes") is a snooze only right after something rang; otherwise it is conversation.
    if (command.intent === 'snooze' && command.bare && this.service.justRang(RING_AGAIN_WITHIN_MS).length === 0) return null;
    const call = this.#call(request);
    if (call.actor.role === 'blocked') return reply('timers', null);
    return this.#run(command, call);
  };

  #call(request: TurnRequest): Call {
    const role = roleOf(request, this.options.typedRole);
    return { request, actor: { role, speakerId: request.speaker?.id ?? null }, speech: this.service.speech(request.language), now: this.service.clock.now() };
  }

  #run(command: TimerCommand, call: Call): TurnAnswer {
    const { speech } = call;
    switch (command.intent) {
      case 'set_timer': {
        const item = this.#create(call, { kind: 'timer', due_at: call.now + command.durationMs, duration_ms: command.durationMs, label: command.label });
        if (typeof item === 'string') return reply('timer_set', item);
        const duration = speech.duration(command.durationMs);
        return reply('timer_set', command.label ? speech.say('timer_set_label', { label: command.label, duration }) : speech.say('timer_set', { duration }));
      }
      case 'need_unit':
        return reply('timer_set', speech.say('need_unit', { minutes: speech.duration(command.amount * 60_000), hours: speech.duration(command.amount * 3_600_000) }));
      case 'set_alarm':
      case 'set_reminder': {
        const kind: TimerKind = command.intent === 'set_alarm' ? 'alarm' : 'reminder';
        const resolved = resolveWhen(command.when, kind, call.now, this.service.timeZone);
        if (!resolved.ok) return reply(`${kind}_set`, speech.say(resolved.reason));
        const item = this.#create(call, {
          kind,
          due_at: resolved.due_at,
          clock: resolved.clock,
          days: resolved.days,
          label: command.intent === 'set_alarm' ? command.label : null,
          task: command.intent === 'set_reminder' ? command.task : null,
        });
        if (typeof item === 'string') return reply(`${kind}_set`, item);
        return reply(`${kind}_set`, this.#confirmation(item, call));
      }
      case 'time_left': {
        const timers = this.#matching(this.service.list().filter((i) => i.kind === 'timer' && i.state !== 'ringing'), command.label, call.request.language);
        if (timers.length === 0) return reply('timer_time_left', speech.say(command.label ? 'not_found' : 'no_timers'));
        if (timers.length > LIST_MAX) return reply('timer_time_left', this.#summary(timers, call));
        const lines = timers.map((t) => {
          const duration = speech.duration(t.next_at - call.now);
          return t.label ? speech.say('time_left_label', { label: t.label, duration }) : speech.say('time_left', { duration });
        });
        return reply('timer_time_left', lines.join(' '));
      }
      case 'list': {
        const items = this.service.list().filter((i) => command.kind === null || i.kind === command.kind);
        if (items.length === 0) return reply('timer_list', speech.say('list_none'));
        if (items.length > LIST_MAX) return reply('timer_list', this.#summary(items, call));
        return reply('timer_list', speech.say('list', { items: speech.list(items.map((i) => speech.describe(i, call.now))) }));
      }
      case 'cancel': {
        const candidates = this.#matching(this.service.list().filter((i) => i.kind === command.kind), command.label, call.request.language);
        if (candidates.length === 0) return reply('timer_cancel', speech.say('not_found'));
        return this.#cancelOne(candidates, call);
      }
      case 'cancel_all':
        return cancelAll(this.service, command.kind, call);
      case 'snooze': {
        // While ringing, the `ringing` handler takes it first. Just after a stop (or a timeout): "five more minutes" rings it again.
        const rang = this.service.justRang(RING_AGAIN_WITHIN_MS);
        if (rang.length === 0) return reply('timer_snooze', speech.say('nothing_ringing'));
        const ms = command.durationMs ?? this.service.options.snoozeMs;
        const again = this.#ringAgain(rang, ms, call);
        if (typeof again === 'string') return reply('timer_snooze', again);
        return reply('timer_snooze', speech.say('snoozed', { duration: speech.duration(ms) }));
      }
      case 'stop':
        return reply('timer_stop', null);
    }
  }

  /** The item, or the spoken reason it could not be set. */
  #create(call: Call, fields: Pick<TimerItem, 'kind' | 'due_at'> & Partial<Pick<TimerItem, 'duration_ms' | 'clock' | 'days' | 'label' | 'task'>>): TimerItem | string {
    const { request, speech } = call;
    try {
      return this.service.create({ ...fields, language: request.language, owner: request.speaker ? { id: request.speaker.id, name: request.speaker.name } : null });
    } catch (err) {
      if (err instanceof KiwiError && (err.code === 'time_passed' || err.code === 'too_long')) return speech.say(err.code);
      throw err;
    }
  }

  /** Cancel the one item meant, or ask which one (and remember the question for the answer). */
  #cancelOne(candidates: TimerItem[], call: Call): TurnAnswer {
    const { speech, request } = call;
    if (candidates.length > 1) {
      // Many are said as a long list is: how many, and the three that ring next.
      const many = candidates.length > LIST_MAX;
      const named = many ? [...candidates].sort((a, b) => a.next_at - b.next_at).slice(0, LIST_NEXT) : candidates;
      const ids = (list: TimerItem[]) => list.map((i) => i.id);
      this.#choice = { ids: ids(candidates), named: ids(named), speakerId: request.speaker?.id ?? null, source: request.source, at: call.now };
      const items = speech.list(named.map((i) => speech.describe(i, call.now)));
      return reply('timer_cancel', many ? speech.say('which_one_many', { count: String(candidates.length), items }) : speech.say('which_one', { items }));
    }
    const [item] = candidates as [TimerItem];
    if (!mayChange(call.actor, item)) return reply('timer_cancel', speech.say('not_allowed', { name: item.owner_name ?? '' }));
    this.service.cancel(item.id);
    return reply('timer_cancel', speech.say('cancelled', { item: speech.describe(item, call.now) }));
  }

  /**
   * The answer to "which one do you mean?", from the voice that was asked, within CHOICE_WITHIN_MS:
   * an ordinal ("the second one", "the last"), a label ("the pasta one") or a time ("the 6:45 one").
   * Null when it names none of them: then it was not an answer, and goes on as ordinary speech.
   */
  #answerChoice(choice: OpenChoice, request: TurnRequest): TurnAnswer | null {
    const call = this.#call(request);
    if (call.actor.role === 'blocked') return null;
    if (call.now - choice.at > CHOICE_WITHIN_MS || (request.speaker?.id ?? null) !== choice.speakerId || request.source !== choice.source) return null;
    const items = choice.ids.flatMap((id) => this.service.list().filter((i) => i.id === id));
    if (items.length === 0) return null;
    // Ordinals count in the list as it was read out: an item gone since leaves its place empty rather than shifting the rest.
    const named = choice.named.map((id) => items.find((i) => i.id === id) ?? null);
    const picked = this.#pick(items, named, request.text, request.language);
    return picked.length === 0 ? null : this.#cancelOne(picked, call);
  }

  #pick(items: TimerItem[], named: Array<TimerItem | null>, text: string, language: string): TimerItem[] {
    const grammar = grammarFor(language);
    const { first, second, third, last, fillers } = grammar.file.choice;
    const spaced = spacingOf(language) === 'words';
    const said = prepareText(text, language);
    const drop = [...fillers, ...Object.values(grammar.file.kinds).flat()].map((w) => prepareText(w, language)).filter(Boolean).sort((a, b) => b.length - a.length);
    let rest = spaced ? ` ${said} ` : said;
    for (const word of drop) rest = spaced ? rest.split(` ${word} `).join(' ') : rest.split(word).join('');
    rest = rest.trim();
    const ordinals: Array<[string[], number]> = [[first, 0], [second, 1], [third, 2], [last, named.length - 1]];
    for (const [forms, index] of ordinals) {
      if (forms.some((f) => [said, rest].includes(prepareText(f, language)))) return named[index] ? [named[index]] : [];
    }
    return rest ? this.#matching(items, rest, language) : [];
  }

  /** A long list said briefly: how many there are, and the three that ring next. */
  #summary(items: TimerItem[], call: Call): string {
    const { speech } = call;
    const next = [...items].sort((a, b) => a.next_at - b.next_at).slice(0, LIST_NEXT);
    return speech.say('list_many', { count: String(items.length), items: speech.list(next.map((i) => speech.describe(i, call.now))) });
  }

  /** The items again in `ms`, or the spoken reason they could not be set (too long, too many). */
  #ringAgain(items: TimerItem[], ms: number, call: Call): TimerItem[] | string {
    try {
      return this.service.ringAgain(items, ms);
    } catch (err) {
      if (err instanceof KiwiError && err.code === 'too_long') return call.speech.say('too_long');
      throw err;
    }
  }

  #confirmation(item: TimerItem, call: Call): string {
    const { speech } = call;
    if (item.days.length > 0) {
      const values = { time: speech.time(item.next_at), days: speech.days(item.days), task: item.task ?? '' };
      return speech.say(item.kind === 'alarm' ? 'alarm_set_recurring' : 'reminder_set_recurring', values);
    }
    const when = speech.when(item.next_at, call.now);
    if (item.kind === 'reminder') return speech.say('reminder_set', { when, task: item.task ?? '' });
    return item.label ? speech.say('alarm_set_label', { label: item.label, when }) : speech.say('alarm_set', { when });
  }

  /**
   * Items a spoken label points at: the same label (or one containing the other), or, for
   * "the 7:30 alarm", the time of day. No label: all of them.
   */
  #matching(items: TimerItem[], label: string | null, language: string): TimerItem[] {
    if (label === null) return items;
    const said = prepareText(label, language);
    const spaced = spacingOf(language) === 'words';
    // Word by word, allowing an ending to differ ("пасту" / "пасты", "Nudeln" / "Nudel").
    const sameWord = (a: string, b: string) => editDistance(a, b, 2) <= Math.min(allowedEdits(Math.min(a.length, b.length)) || (a.length >= 4 ? 1 : 0), 2);
    const within = (a: string, b: string) => {
      if (!spaced) return a.includes(b);
      const words = a.split(' ');
      return b.split(' ').every((w) => words.some((x) => sameWord(x, w)));
    };
    const byLabel = items.filter((item) => {
      const own = [item.label, item.task].filter((x): x is string => Boolean(x)).map((x) => prepareText(x, language));
      return own.some((x) => x === said || within(x, said) || within(said, x));
    });
    if (byLabel.length > 0) return byLabel;
    const spec = grammarFor(language).parseWhen(label);
    if (spec?.hour === undefined) return [];
    return items.filter((item) => {
      if (!item.clock) return false;
      const [h, m] = item.clock.split(':').map(Number) as [number, number];
      return m === (spec.minute ?? 0) && (h === spec.hour || (spec.ambiguous && h % 12 === spec.hour! % 12));
    });
  }
}
