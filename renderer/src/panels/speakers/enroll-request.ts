import type { Speaker } from '../../../../main/contract/api.ts';
import { KiwiApiError, type KiwiClient } from '../../client/kiwi-client.ts';

export interface EnrollBody {
  name: string;
  priority: 1 | 2;
  /** Base64 WAV clips (16 kHz mono s16le). */
  audio: string[];
}

/**
 * POST /api/speakers. PENDING: the route is being added to the contract by another change; until
 * it is in main/contract/routes.ts this posts directly, and then it becomes client.call(...).
 */
export async function enrollSpeaker(_client: KiwiClient, body: EnrollBody): Promise<Speaker> {
  const res = await fetch('/api/speakers', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  const data = (await res.json()) as Speaker & { error?: { code: string; message: string } };
  if (!res.ok) throw new KiwiApiError(data.error?.code ?? 'http_error', data.error?.message ?? `HTTP ${res.status}`, res.status);
  return data;
}
