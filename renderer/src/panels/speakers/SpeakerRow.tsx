import { useState, type FormEvent } from 'react';
import type { Speaker } from '../../../../main/contract/api.ts';
import { useClient } from '../../client/client-context.ts';
import { InlineError } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';

export const PRIORITY_NAMES: Record<number, string> = { 0: 'owner', 1: 'friend', 2: 'guest', 99: 'blocked' };

/** One speaker: rename, friend/guest, block/unblock, delete (with a confirm step). The owner is fixed. */
export function SpeakerRow({ speaker, canAdmin }: { speaker: Speaker; canAdmin: boolean }) {
  const client = useClient();
  const [name, setName] = useState(speaker.name);
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useAction();
  const owner = speaker.priority === 0;
  const params = { speaker_id: speaker.id };
  const locked = busy || !canAdmin;

  const rename = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() && name.trim() !== speaker.name) void run(() => client.call('patchSpeaker', { params, body: { name: name.trim() } }));
  };

  return (
    <li className={`card speaker${speaker.is_blocked ? ' blocked' : ''}`} data-testid={`speaker-${speaker.id}`}>
      <form onSubmit={rename} className="row">
        <label className="grow">
          <span className="sr-only">Name of {speaker.name}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={64} disabled={locked} aria-label={`Name of ${speaker.name}`} />
        </label>
        <button type="submit" disabled={locked || !name.trim() || name.trim() === speaker.name} aria-label={`Rename ${speaker.name}`}>
          Rename
        </button>
      </form>
      <div className="row">
        {owner ? (
          <span className="badge">owner</span>
        ) : (
          <label>
            Priority{' '}
            <select
              aria-label={`Priority of ${speaker.name}`}
              value={speaker.priority === 1 ? '1' : '2'}
              disabled={locked || speaker.is_blocked}
              onChange={(e) => void run(() => client.call('patchSpeaker', { params, body: { priority: e.target.value === '1' ? 1 : 2 } }))}
            >
              <option value="1">friend</option>
              <option value="2">guest</option>
            </select>
          </label>
        )}
        {speaker.is_blocked && <span className="badge nsfw">blocked</span>}
        {speaker.auto_learned && <span className="badge">auto-learned</span>}
        <span className="muted small">
          {speaker.sample_count} samples{speaker.last_seen ? `, last heard ${new Date(speaker.last_seen).toLocaleString()}` : ''}
        </span>
      </div>
      {!owner && (
        <div className="row">
          <button
            type="button"
            disabled={locked}
            onClick={() => void run(() => client.call(speaker.is_blocked ? 'unblockSpeaker' : 'blockSpeaker', { params }))}
            aria-label={`${speaker.is_blocked ? 'Unblock' : 'Block'} ${speaker.name}`}
          >
            {speaker.is_blocked ? 'Unblock' : 'Block'}
          </button>
          {confirming ? (
            <>
              <button type="button" className="danger" disabled={locked} onClick={() => void run(() => client.call('deleteSpeaker', { params }))}>
                Really delete {speaker.name}
              </button>
              <button type="button" onClick={() => setConfirming(false)} aria-label={`Keep ${speaker.name}`}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" disabled={locked} onClick={() => setConfirming(true)} aria-label={`Delete ${speaker.name}`}>
              Delete
            </button>
          )}
        </div>
      )}
      <InlineError error={error} />
    </li>
  );
}
