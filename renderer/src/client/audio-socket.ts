import type { AudioChannel, AudioChannelHandlers } from './kiwi-client.ts';
import { SAMPLE_RATE } from '../../../main/contract/audio.ts';

interface ServerMessage {
  type?: string;
  sample_rate?: number;
  interrupted?: boolean;
  code?: string;
  message?: string;
}

/**
 * /api/audio: sends `hello` with the rate of the PCM it will send, then binary s16le frames.
 * Reply audio arrives as binary s16le between `audio_start` and `audio_end`.
 */
export function openAudioSocket(url: string, sampleRate: number, handlers: AudioChannelHandlers): AudioChannel {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  let acknowledged = false;
  let settle: { resolve: () => void; reject: (err: Error) => void } | null = null;
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));

  ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', sample_rate: sampleRate }));
  ws.onmessage = (message) => {
    if (message.data instanceof ArrayBuffer) {
      handlers.onAudioChunk(new Int16Array(message.data, 0, Math.floor(message.data.byteLength / 2)));
      return;
    }
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(message.data)) as ServerMessage;
    } catch {
      return handlers.onError('The server sent a message that is not JSON');
    }
    if (msg.type === 'hello_ack') {
      acknowledged = true;
      settle?.resolve();
    } else if (msg.type === 'audio_start') handlers.onAudioStart(msg.sample_rate ?? SAMPLE_RATE);
    else if (msg.type === 'audio_end') handlers.onAudioEnd(msg.interrupted === true);
    else if (msg.type === 'error') handlers.onError(`${msg.message ?? 'audio error'} (${msg.code ?? 'error'})`);
  };
  ws.onclose = (event) => {
    // A refused upgrade (not signed in, no 'control' scope, too many audio clients) closes with 1006 before any hello_ack.
    const reason = acknowledged
      ? event.reason || `connection closed (${event.code})`
      : 'Kiwi refused the audio connection: sign in with a token that has the control scope, or close another microphone tab (too many audio clients)';
    settle?.reject(new Error(reason));
    // 1001: Kiwi shutting down (a restart); 1006: gone without a word (killed, crashed).
    handlers.onClose(reason, acknowledged && (event.code === 1001 || event.code === 1006));
  };

  return {
    ready,
    sendPcm(samples) {
      if (ws.readyState === WebSocket.OPEN && acknowledged) ws.send(new Int16Array(samples));
    },
    setMuted(muted) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: muted ? 'mute' : 'unmute' }));
    },
    stopSpeaking() {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'stop' }));
    },
    close() {
      ws.close(1000, 'microphone off');
    },
  };
}
