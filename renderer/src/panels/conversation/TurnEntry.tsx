import type { PendingTyped, Turn } from '../../store/conversation.ts';
import { LatencyWaterfall } from './Waterfall.tsx';

const time = (iso: string) => new Date(iso).toLocaleTimeString();

/** Who spoke: the recognised voice with its confidence, a typed turn, or an unknown voice. */
export function speakerLabel(turn: Pick<Turn, 'speaker' | 'source'>): string {
  if (turn.speaker) return `${turn.speaker.name} (${Math.round(turn.speaker.confidence * 100)} %)`;
  return turn.source === 'text' ? 'Typed' : 'Unknown voice';
}

/** How a turn cut short reads (the engine's reason codes). */
const INTERRUPTED: Record<string, string> = { stopped: 'stopped', superseded: 'cut short by the next turn', barge_in: 'interrupted', engine_restarting: 'cut short by a restart' };

/** What Kiwi did when there is no reply text. */
function noReply(turn: Turn): string {
  if (turn.command === null) return turn.wake ? 'Listening for the command…' : 'No answer';
  return `No spoken answer (${turn.command})`;
}

/** One answered turn: what was said (and by whom), Kiwi's reply with the soul and handler, and its latency. */
export function TurnEntry({ turn, soulName, latest }: { turn: Turn; soulName: string | null; latest: boolean }) {
  return (
    <li className="turn" data-testid="turn" data-seq={turn.seq} data-source={turn.source} data-command={turn.command ?? ''}>
      <div className="utterance">
        <div className="turn-meta">
          <strong className="who">{speakerLabel(turn)}</strong>
          <time dateTime={turn.at} className="muted small">{time(turn.at)}</time>
          {turn.source !== 'text' && <span className="muted small">{turn.source}</span>}
        </div>
        <p data-testid="turn-transcript">{turn.transcript || <span className="muted">(wake word only)</span>}</p>
      </div>
      <div className="reply">
        <div className="turn-meta">
          <strong className="who">Kiwi{soulName ? ` · ${soulName}` : ''}</strong>
          {turn.command && <span className="badge" title="what handled it">{turn.command}</span>}
          {turn.llm?.model && <span className="muted small">{turn.llm.model}</span>}
          {turn.interrupted && (
            <span className="badge warn" data-testid="turn-interrupted" title="the turn was cut short; its command still ran">
              {INTERRUPTED[turn.interrupted] ?? turn.interrupted}
            </span>
          )}
        </div>
        <p data-testid="turn-reply">{turn.reply ?? <span className="muted">{noReply(turn)}</span>}</p>
      </div>
      <LatencyWaterfall timings={turn.timings} firstTokenMs={turn.llm?.firstTokenMs ?? null} voice={turn.source !== 'text'} open={latest} />
    </li>
  );
}

/** Consecutive ignored utterances folded into one line, so background talk never floods the transcript. */
export function IgnoredGroup({ turns }: { turns: Turn[] }) {
  const last = turns.at(-1)!;
  return (
    <li className="ignored-group" data-testid="ignored-group">
      <details>
        <summary>
          {turns.length === 1 ? '1 ignored utterance' : `${turns.length} ignored utterances`}
          <span className="muted small"> — last: {last.ignored}</span>
        </summary>
        <ul>
          {turns.map((t) => (
            <li key={t.seq} className="ignored" data-testid="ignored-turn">
              <time dateTime={t.at} className="small">{time(t.at)}</time> <span>{speakerLabel(t)}:</span>{' '}
              <q>{t.transcript || '(not transcribed)'}</q> <em className="small">ignored: {t.ignored}</em>
            </li>
          ))}
        </ul>
      </details>
    </li>
  );
}

/** A typed turn before its TURN_FINISHED arrives (or the answer alone, when the event stream is down). */
export function PendingEntry({ pending, onDismiss }: { pending: PendingTyped; onDismiss: () => void }) {
  return (
    <li className={`turn pending ${pending.status}`} data-testid="pending-turn" aria-busy={pending.status === 'sending'}>
      <div className="utterance">
        <div className="turn-meta">
          <strong className="who">Typed</strong>
        </div>
        <p>{pending.text}</p>
      </div>
      <div className="reply">
        <div className="turn-meta">
          <strong className="who">Kiwi</strong>
          {pending.answer?.command && <span className="badge">{pending.answer.command}</span>}
        </div>
        {pending.status === 'sending' && <p className="muted">Thinking…</p>}
        {pending.status === 'answered' && (
          <p>
            {pending.answer?.reply ?? <span className="muted">No answer</span>}{' '}
            <span className="muted small">(from the answer; the live event has not arrived)</span>
          </p>
        )}
        {pending.status === 'failed' && <p role="alert" className="inline-error">Not sent: {pending.error}</p>}
      </div>
      {pending.status !== 'sending' && (
        <button type="button" className="link" onClick={onDismiss} aria-label={`Dismiss the typed turn: ${pending.text}`}>
          Dismiss
        </button>
      )}
    </li>
  );
}
