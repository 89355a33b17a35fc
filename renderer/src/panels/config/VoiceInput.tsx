import type { InputHTMLAttributes } from 'react';
import { useDashboard } from '../../store/dashboard.ts';

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value' | 'list'> {
  value: string;
  onChange(value: string): void;
}

/** Whether `value` names one of `voices` as the engine reads it: the name in any case, or its number. */
function isOneOf(value: string, voices: readonly string[]): boolean {
  const wanted = value.trim().toLowerCase();
  return voices.some((v) => v.toLowerCase() === wanted) || (/^\d+$/.test(wanted) && Number(wanted) < voices.length);
}

/**
 * tts_voice as text the browser completes from the speaking model's voices (/api/status `voice`),
 * saying which speaks and whether the typed one is among them: a voice the model does not have
 * is spoken by another, and before, nothing said so.
 */
export function VoiceInput({ value, onChange, ...input }: Props) {
  const voice = useDashboard((s) => s.data.status?.voice ?? null);
  const listId = `${input.id ?? 'voice'}-voices`;
  const hintId = `${input.id ?? 'voice'}-voice-hint`;
  const describedBy = [input['aria-describedby'], hintId].filter(Boolean).join(' ');
  const now = voice ? ` Kiwi speaks with ${voice.speaking} now.` : '';
  const line = !voice
    ? 'The voice speaking now has one voice only: nothing to pick.'
    : value.trim() === ''
      ? `Kiwi picks one of this model's ${voice.voices.length} voices for the language.${now}`
      : isOneOf(value, voice.voices)
        ? `One of this model's ${voice.voices.length} voices.${now}`
        : `Not one of this model's ${voice.voices.length} voices: ${voice.voices.join(', ')}.${now}`;
  return (
    <>
      <input type="text" autoComplete="off" list={listId} {...input} aria-describedby={describedBy} value={value} onChange={(e) => onChange(e.target.value)} />
      <datalist id={listId}>
        {voice?.voices.map((v) => <option key={v} value={v} />)}
      </datalist>
      <small id={hintId} className="muted" data-testid="voice-hint">
        {line}
      </small>
    </>
  );
}
