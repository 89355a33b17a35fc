import type { RingerDeps } from './ringer.ts';
import type { TimerSpeech } from './speech.ts';
import type { TimerStore } from './types.ts';

/**
 * What the ringer sounds and says for the items ringing now, read from the store when each round
 * begins (an item stopped meanwhile is left out). Items ringing together share one sound: an
 * alarm's if one is an alarm, else a timer's if one is a timer; each line is in its item's language.
 */
export function ringContent(store: Pick<TimerStore, 'get'>, speech: (language: string) => TimerSpeech, now: () => number): Pick<RingerDeps, 'kindOf' | 'line'> {
  return {
    kindOf: (ids) => {
      const kinds = ids.map((id) => store.get(id)?.kind);
      return kinds.includes('alarm') ? 'alarm' : kinds.includes('timer') ? 'timer' : 'reminder';
    },
    line: (ids) => {
      const lines = ids.flatMap((id) => {
        const item = store.get(id);
        return item ? [speech(item.language).ring(item, now())] : [];
      });
      return lines.length ? lines.join(' ') : null;
    },
  };
}
