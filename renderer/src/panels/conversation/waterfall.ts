/**
 * A turn's latency as waterfall rows. Voice turns count from the last voiced frame of the user's
 * speech (the voice loop's timings_ms: the early transcript, the endpoint decision, the final
 * transcript, first audio); typed turns from the request. The first LLM token is
 * counted by LLM_COMPLETE from the LLM request, which starts after the transcript: placing it at
 * transcript + first_token_ms is a slight underestimate (routing time is not in it), so it is
 * marked as approximate.
 */
export interface WaterfallRow {
  key: 'speculative' | 'endpoint' | 'transcript' | 'speaker' | 'first_token' | 'first_audio' | 'total';
  label: string;
  start: number;
  end: number;
  approximate?: boolean;
}

export interface Waterfall {
  origin: string;
  rows: WaterfallRow[];
  /** The largest end: the bars' 100 %. */
  span: number;
}

export function waterfall(timings: Record<string, number>, firstTokenMs: number | null, voice: boolean): Waterfall | null {
  const rows: WaterfallRow[] = [];
  const { speculative, endpoint, transcript, speaker, first_audio: firstAudio, total } = timings;
  let cursor = 0;
  if (speculative !== undefined) rows.push({ key: 'speculative', label: 'Early transcript', start: 0, end: speculative });
  if (endpoint !== undefined) rows.push({ key: 'endpoint', label: 'End of speech decided', start: 0, end: endpoint });
  if (transcript !== undefined) {
    // Without an early transcript, transcription starts at the endpoint.
    const from = speculative === undefined && endpoint !== undefined ? Math.min(endpoint, transcript) : 0;
    rows.push({ key: 'transcript', label: 'Transcript', start: from, end: transcript });
    cursor = transcript;
  }
  if (speaker !== undefined) rows.push({ key: 'speaker', label: 'Speaker identified', start: 0, end: speaker });
  if (firstTokenMs !== null) {
    rows.push({ key: 'first_token', label: 'First LLM token', start: cursor, end: cursor + firstTokenMs, approximate: true });
    cursor += firstTokenMs;
  }
  if (firstAudio !== undefined) {
    rows.push({ key: 'first_audio', label: 'First audio', start: Math.min(cursor, firstAudio), end: firstAudio });
    cursor = Math.max(cursor, firstAudio);
  }
  if (total !== undefined) rows.push({ key: 'total', label: 'Turn done', start: Math.min(cursor, total), end: total });
  if (rows.length === 0) return null;
  const span = Math.max(...rows.map((r) => r.end), 1);
  return { origin: voice ? 'the last voiced frame' : 'the request', rows, span };
}

/** 840 → "840 ms", 1530 → "1.53 s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
