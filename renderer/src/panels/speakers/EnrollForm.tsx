import { useState, type FormEvent } from 'react';
import { explainMicrophoneError } from '../../audio/capture.ts';
import { recordClip, type Recording } from '../../audio/recorder.ts';
import { encodeWav, toBase64 } from '../../audio/wav.ts';
import { useClient } from '../../client/client-context.ts';
import { LevelMeter } from '../microphone/LevelMeter.tsx';
import { InlineError } from '../../ui/Panel.tsx';
import { useUnsavedChanges } from '../../ui/unsaved.ts';
import { useAction } from '../../ui/use-action.ts';
import { CLIP_SECONDS, ENROLL_PHRASES } from './phrases.ts';

/** Enroll a voice: read each phrase aloud (recorded here at 16 kHz), then send the clips as WAV. */
export function EnrollForm({ canAdmin }: { canAdmin: boolean }) {
  const client = useClient();
  const [name, setName] = useState('');
  const [priority, setPriority] = useState<'owner' | 'friend' | 'guest'>('friend');
  const [clips, setClips] = useState<Array<Recording | null>>(ENROLL_PHRASES.map(() => null));
  const [recording, setRecording] = useState<{ index: number; db: number; elapsed: number } | null>(null);
  const [micError, setMicError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const ready = name.trim() !== '' && clips.every(Boolean);
  const recorded = clips.filter(Boolean).length;
  // Recorded phrases are gone with the view: leaving asks first.
  useUnsavedChanges(recorded > 0 ? `${recorded} recorded phrase${recorded === 1 ? '' : 's'} not enrolled yet` : null);

  const record = async (index: number) => {
    setMicError(null);
    setDone(null);
    setRecording({ index, db: -100, elapsed: 0 });
    try {
      const clip = await recordClip(CLIP_SECONDS, (db, elapsed) => setRecording({ index, db, elapsed }));
      setClips((c) => c.map((old, i) => (i === index ? clip : old)));
    } catch (err) {
      setMicError(explainMicrophoneError(err).message);
    } finally {
      setRecording(null);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const audio = clips.flatMap((c) => (c ? [toBase64(encodeWav(c.samples, c.sampleRate))] : []));
    void run(async () => {
      const speaker = await client.call('enrollSpeaker', { body: { name: name.trim(), priority, audio } });
      setDone(`Enrolled ${speaker.name} (${speaker.id})`);
      setName('');
      setClips(ENROLL_PHRASES.map(() => null));
    });
  };

  return (
    <form onSubmit={submit} className="enroll" aria-labelledby="enroll-h">
      <h3 id="enroll-h">Enroll a speaker</h3>
      <div className="row">
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} maxLength={64} disabled={!canAdmin} data-testid="enroll-name" />
        </label>
        <label>
          Priority{' '}
          <select value={priority} onChange={(e) => setPriority(e.target.value as typeof priority)} disabled={!canAdmin}>
            <option value="owner">owner (only if there is none yet)</option>
            <option value="friend">friend</option>
            <option value="guest">guest</option>
          </select>
        </label>
      </div>
      <ol className="phrases">
        {ENROLL_PHRASES.map((phrase, i) => (
          <li key={phrase}>
            <q>{phrase}</q>{' '}
            {/* "Record again" shows beside each recorded phrase: its name says which one. */}
            <button
              type="button"
              disabled={!canAdmin || recording !== null || busy}
              onClick={() => void record(i)}
              data-testid={`enroll-record-${i}`}
              aria-label={clips[i] && recording?.index !== i ? `Record again: phrase ${i + 1}` : undefined}
            >
              {recording?.index === i ? `Recording… ${recording.elapsed.toFixed(1)} s` : clips[i] ? 'Record again' : `Record phrase ${i + 1}`}
            </button>{' '}
            {clips[i] && <span className="badge ok">{(clips[i].samples.length / clips[i].sampleRate).toFixed(1)} s recorded</span>}
          </li>
        ))}
      </ol>
      {recording && <LevelMeter db={recording.db} />}
      <button type="submit" className="primary" disabled={!canAdmin || !ready || busy || recording !== null} data-testid="enroll-submit">
        {busy ? 'Enrolling…' : 'Enroll'}
      </button>
      {done && <p role="status">{done}</p>}
      <InlineError error={micError ?? error} />
    </form>
  );
}
