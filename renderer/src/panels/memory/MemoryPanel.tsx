import { useCallback, useEffect, useState } from 'react';
import { useClient } from '../../client/client-context.ts';
import { KiwiApiError, errorText, type Answer } from '../../client/kiwi-client.ts';
import { useCan, useDashboard } from '../../store/dashboard.ts';
import { InlineError, Panel } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';
import { MemoryView } from './MemoryView.tsx';
import './memory.css';

type Memory = Answer<'getSpeakerMemory'>;

const NEEDS_ADMIN = 'Memory is private: reading or deleting it needs the admin scope. Sign in with an admin token.';

/** A refused call says why in words a person can act on; anything else as the API said it. */
export function memoryError(err: unknown): string {
  if (err instanceof KiwiApiError && err.status === 403) return NEEDS_ADMIN;
  if (err instanceof KiwiApiError && err.status === 404) return `${err.message} (it may have just been deleted)`;
  return errorText(err);
}

/** The newest MEMORY_* or SPEAKER_DELETED event about `speakerId`, so the view reloads when it changes elsewhere (by voice). */
function useMemoryChange(speakerId: string | null): string | null {
  return useDashboard((s) => {
    const event = s.events.find((e) => e.event.startsWith('MEMORY_') || e.event === 'SPEAKER_DELETED');
    return event && event.data.speaker_id === speakerId ? event.timestamp : null;
  });
}

/**
 * What Kiwi remembers about each recognised speaker: the facts they asked it to remember and
 * their running conversations. One fact or everything can be deleted (admin only).
 */
export function MemoryPanel() {
  const client = useClient();
  const speakers = useDashboard((s) => s.data.speakers?.speakers);
  const canAdmin = useCan('admin');
  const [chosen, setChosen] = useState<string | null>(null);
  // The chosen speaker while it exists (it may be deleted elsewhere), else the first one.
  const speakerId = speakers?.find((s) => s.id === chosen)?.id ?? speakers?.[0]?.id ?? null;
  const speaker = speakers?.find((s) => s.id === speakerId) ?? null;
  const [memory, setMemory] = useState<Memory | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const action = useAction();
  const changed = useMemoryChange(speakerId);

  const fetchMemory = useCallback(
    () =>
      speakerId && canAdmin
        ? client.call('getSpeakerMemory', { params: { speaker_id: speakerId } }).then(
            (answer) => (setMemory(answer), setLoadError(null)),
            (err: unknown) => (setMemory(null), setLoadError(memoryError(err))),
          )
        : Promise.resolve(),
    [client, speakerId, canAdmin],
  );
  const reload = () => void fetchMemory();

  // On choosing a speaker, and when their memory changes elsewhere (by voice, another tab).
  // Another speaker's memory is never shown meanwhile: the view checks memory.speaker_id.
  useEffect(() => {
    void fetchMemory();
  }, [fetchMemory, changed]);

  const act = (call: () => Promise<unknown>) =>
    action.run(async () => {
      try {
        await call();
      } catch (err) {
        throw new Error(memoryError(err), { cause: err });
      }
      await fetchMemory();
    });

  return (
    <Panel id="memory" title="Memory">
      {!canAdmin && <p role="alert">{NEEDS_ADMIN}</p>}
      {speakers && speakers.length === 0 && <p className="muted">No speakers yet: Kiwi remembers things only for voices it recognises (enroll one under Speakers).</p>}
      {speakers && speakers.length > 0 && (
        <div className="row">
          <label htmlFor="memory-speaker">Speaker</label>
          <select id="memory-speaker" data-testid="memory-speaker" value={speakerId ?? ''} onChange={(e) => setChosen(e.target.value)}>
            {speakers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          {canAdmin && (
            <button type="button" onClick={reload} disabled={action.busy}>
              Reload
            </button>
          )}
        </div>
      )}
      <InlineError error={loadError} />
      <InlineError error={action.error} />
      {canAdmin && speaker && memory && memory.speaker_id === speaker.id && (
        <MemoryView
          name={speaker.name}
          memory={memory}
          busy={action.busy}
          onDeleteFact={(factId) => void act(() => client.call('deleteSpeakerMemoryFact', { params: { speaker_id: speaker.id, fact_id: factId } }))}
          onClear={() => act(() => client.call('clearSpeakerMemory', { params: { speaker_id: speaker.id } }))}
        />
      )}
    </Panel>
  );
}
