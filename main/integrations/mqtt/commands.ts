import { KiwiError } from '../../platform/errors.ts';
import type { KiwiControl } from '../control.ts';

/** Longest text HA may ask Kiwi to say in one message (the REST API's TTS test phrase allows 2000). */
const MAX_SAY_CHARS = 2000;

/**
 * One command from Home Assistant (the last level of `<base>/command/<object>`), carried out
 * through the same services and rules as the REST API's control scope. Throws a KiwiError
 * (e.g. nsfw_not_allowed) that the bridge reports.
 */
export async function runCommand(control: KiwiControl, object: string, payload: string): Promise<void> {
  const text = payload.trim();
  switch (object) {
    case 'soul': {
      // HA sends the option (the soul's name); an id works too, for automations.
      const soul = control.snapshot().souls.find((s) => s.name === text || s.id === text);
      control.switchSoul(soul?.id ?? text);
      return;
    }
    case 'language':
      return control.setLanguage(text);
    case 'listening':
      if (text !== 'ON' && text !== 'OFF') throw new KiwiError('invalid_command', `listening expects ON or OFF, not '${text.slice(0, 32)}'`);
      return control.setListening(text === 'ON');
    case 'stop':
      control.stop();
      return;
    case 'reset_context':
      control.resetContext();
      return;
    case 'say':
      if (text === '') throw new KiwiError('invalid_command', 'say needs a text');
      if (text.length > MAX_SAY_CHARS) throw new KiwiError('invalid_command', `say takes at most ${MAX_SAY_CHARS} characters`);
      control.say(text);
      return;
    default:
      throw new KiwiError('invalid_command', `unknown command topic '${object.slice(0, 64)}'`);
  }
}
