import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import type { Speaker } from '../../../../main/contract/api.ts';
import { useClient } from '../../client/client-context.ts';
import { ConfirmStep } from '../../ui/ConfirmStep.tsx';
import { InlineError } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';

export const PRIORITY_NAMES: Record<number, string> = { 0: 'owner', 1: 'friend', 2: 'guest', 99: 'blocked' };

/**
 * One speaker: rename, friend/guest, block/unblock, make the owner and delete (those two with a
 * confirm step). The owner cannot be deleted or blocked: another speaker becomes the owner first.
 */
export function SpeakerRow({ speaker, canAdmin, currentOwner, onDeleted }: { speaker: Speaker; canAdmin: boolean; currentOwner: string | null; onDeleted(): void }) {
  const client = useClient();
  const [name, setName] = useState(speaker.name);
  const { busy, error, run } = useAction();
  const nameInput = useRef<HTMLInputElement>(null);
  // A confirm step that is open is the only choice its row offers: no Block, no other step beside it.
  const [handingOver, setHandingOver] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const owner = speaker.priority === 0;
  const params = { speaker_id: speaker.id };
  const locked = busy || !canAdmin;
  // Once the row is enabled again (the request over), the focus goes where it was sent.
  const focusNext = useRef<RefObject<HTMLElement | null> | null>(null);
  useEffect(() => {
    const el = focusNext.current?.current;
    if (el && !(el as HTMLInputElement).disabled) {
      el.focus();
      focusNext.current = null;
    }
  });
  const makeOwner = async () => {
    const ok = await run(() => client.call('patchSpeaker', { params, body: { priority: 0 } }));
    // This row's buttons are gone (an owner has none): the focus stays in the row, on its name.
    if (ok) focusNext.current = nameInput;
    return ok;
  };
  const deleteSpeaker = async () => {
    const ok = await run(() => client.call('deleteSpeaker', { params }));
    if (ok) onDeleted();
    return ok;
  };
  const rename = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() && name.trim() !== speaker.name) void run(() => client.call('patchSpeaker', { params, body: { name: name.trim() } }));
  };

  return (
    <li className={`card speaker${speaker.is_blocked ? ' blocked' : ''}`} data-testid={`speaker-${speaker.id}`}>
      <form onSubmit={rename} className="row">
        <label className="grow">
          <span className="sr-only">Name of {speaker.name}</span>
          <input ref={nameInput} value={name} onChange={(e) => setName(e.target.value)} maxLength={64} disabled={locked} aria-label={`Name of ${speaker.name}`} />
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
          {!handingOver && !deleting && (
            <button
              type="button"
              disabled={locked}
              onClick={() => void run(() => client.call(speaker.is_blocked ? 'unblockSpeaker' : 'blockSpeaker', { params }))}
              aria-label={`${speaker.is_blocked ? 'Unblock' : 'Block'} ${speaker.name}`}
            >
              {speaker.is_blocked ? 'Unblock' : 'Block'}
            </button>
          )}
          {!deleting && (
            <ConfirmStep
              trigger={{ text: 'Make owner', label: `Make ${speaker.name} the owner`, disabled: locked || speaker.is_blocked, title: speaker.is_blocked ? 'Unblock them first' : undefined }}
              question={`Make ${speaker.name} the owner? ${currentOwner ? `${currentOwner} becomes a friend. ` : ''}The owner approves what guests ask for and cannot be blocked or deleted.`}
              showQuestion
              confirm={{ text: `Yes, make ${speaker.name} the owner`, danger: false }}
              keep={{ text: 'Cancel' }}
              busy={busy}
              onConfirm={makeOwner}
              onOpenChange={setHandingOver}
            />
          )}
          {!handingOver && (
            <ConfirmStep
              trigger={{ text: 'Delete', label: `Delete ${speaker.name}`, disabled: locked }}
              question={`Delete ${speaker.name}?`}
              confirm={{ text: `Really delete ${speaker.name}` }}
              keep={{ label: `Keep ${speaker.name}` }}
              busy={busy}
              onConfirm={deleteSpeaker}
              onOpenChange={setDeleting}
            />
          )}
        </div>
      )}
      <InlineError error={error} />
    </li>
  );
}
