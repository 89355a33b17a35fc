import { untilAborted } from '../../platform/until-aborted.ts';
import { LlmError } from '../errors.ts';
import type { ActiveRuns } from './active-runs.ts';
import { SERVICE, type GatewayConnection } from './gateway-connection.ts';
import { RunText } from './run-text.ts';

/** One user turn as the gateway gets it. */
export interface Turn {
  sessionKey: string;
  /** The soul's model ('' = the agent's own). */
  model: string;
  message: string;
  idempotencyKey: string;
  timeoutMs: number;
}

/**
 * One attempt at a turn on an open connection: `chat.send`, then the run's words as the gateway's
 * `chat` events (`delta` … `final` | `error` | `aborted`) and agent events bring them. An abort
 * stops the gateway's run too (`chat.abort`).
 */
export async function* streamRun(runs: ActiveRuns, connection: GatewayConnection, turn: Turn, signal: AbortSignal, alive: () => void): AsyncGenerator<string> {
  const run = runs.open(connection, turn.sessionKey, turn.idempotencyKey, alive, turn.timeoutMs);
  let finished = false;
  const onAbort = () => {
    run.events.fail(signal.reason);
    if (finished) return;
    // Stop the agent too; the answer is no longer wanted. Best effort: the socket may be gone.
    const runId = [...run.runIds].pop();
    connection.request('chat.abort', { sessionKey: turn.sessionKey, runId }).catch(() => undefined);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const send = connection.request('chat.send', {
      sessionKey: turn.sessionKey,
      message: turn.message,
      idempotencyKey: turn.idempotencyKey,
      timeoutMs: turn.timeoutMs,
    });
    const ack = (await untilAborted(send, signal)) as { runId?: unknown } | undefined;
    if (typeof ack?.runId === 'string') run.runIds.add(ack.runId);
    run.acked = true;
    alive();
    const words = new RunText();
    let final = false;
    for await (const payload of run.events) {
      const state = payload.state;
      if (state === 'part') {
        const piece = words.part(typeof payload.text === 'string' ? payload.text : '');
        if (piece) yield piece;
      } else if (state === 'ended') {
        if (final) {
          finished = true;
          return;
        }
      } else if (state === 'delta' || state === 'final') {
        const piece = words.chat(payload);
        if (piece) yield piece;
        // A run can have several parts: with lifecycle events it is over only at lifecycle end.
        if (state === 'final') {
          final = true;
          if (!run.lifecycle || run.ended) {
            finished = true;
            return;
          }
        }
      } else if ((state === 'error' || state === 'aborted') && run.silent && words.quiet) {
        // The agent had nothing to say: an empty answer (Kiwi says so), not a failure.
        finished = true;
        return;
      } else if (state === 'error') {
        finished = true;
        throw chatError(payload);
      } else if (state === 'aborted') {
        finished = true;
        throw new LlmError('llm_bad_response', `${SERVICE} aborted the run${typeof payload.stopReason === 'string' ? ` (${payload.stopReason})` : ''}`);
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    runs.close(run);
  }
}

function chatError(payload: Record<string, unknown>): LlmError {
  const message = `${SERVICE} run failed: ${typeof payload.errorMessage === 'string' ? payload.errorMessage : 'no message'}`;
  switch (payload.errorKind) {
    case 'timeout':
      return new LlmError('llm_timeout', message);
    case 'rate_limit':
      // Not retried here: the gateway's agent already retried its model with its own backoff
      // before failing the run, and a chat.send with the same idempotency key only replays this
      // cached failure: retrying here would multiply the gateway's retries (and the user's wait).
      return new LlmError('llm_unreachable', message);
    default:
      return new LlmError('llm_bad_response', message);
  }
}
