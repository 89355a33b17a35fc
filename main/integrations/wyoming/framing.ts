/**
 * Wyoming's wire format: one JSON header line (`type`, optional inline `data`, `data_length`,
 * `payload_length`), then `data_length` bytes of JSON merged over the inline data, then
 * `payload_length` bytes of payload (PCM audio). Every length a peer declares is capped before
 * anything is allocated for it: a peer cannot make Kiwi buffer more than these limits.
 */

export interface WyomingEvent {
  type: string;
  data: Record<string, unknown>;
  payload?: Buffer;
}

/** The protocol version Kiwi speaks (the header's `version`). */
export const WYOMING_VERSION = '1.5.2';

export const LIMITS = {
  /** A header is a short JSON line. */
  headerBytes: 16 * 1024,
  dataBytes: 256 * 1024,
  /** One audio chunk: 4 MiB is over 20 s of 48 kHz 16-bit stereo, far above what any client sends per chunk. */
  payloadBytes: 4 * 1024 * 1024,
};

/** The peer broke the protocol: Kiwi answers with an `error` event and closes the connection. */
export class WyomingProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WyomingProtocolError';
  }
}

export function encodeEvent({ type, data, payload }: WyomingEvent): Buffer {
  const dataBytes = Object.keys(data).length > 0 ? Buffer.from(JSON.stringify(data), 'utf8') : null;
  const header: Record<string, unknown> = { type, version: WYOMING_VERSION };
  if (dataBytes) header.data_length = dataBytes.length;
  if (payload && payload.length > 0) header.payload_length = payload.length;
  const line = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  return Buffer.concat([line, ...(dataBytes ? [dataBytes] : []), ...(payload && payload.length > 0 ? [payload] : [])]);
}

interface PendingHeader {
  type: string;
  data: Record<string, unknown>;
  dataLength: number;
  payloadLength: number;
}

/** Turns a byte stream into events; `push` throws WyomingProtocolError on anything malformed. */
export class EventReader {
  #buffer: Buffer = Buffer.alloc(0);
  #header: PendingHeader | null = null;
  /** Chunks of a pending event's data and payload, joined once the event is complete (not once per chunk: a 4 MiB payload arrives in 64 KiB reads). */
  readonly #parts: Buffer[] = [];
  #partsBytes = 0;

  push(chunk: Buffer): WyomingEvent[] {
    if (this.#header && this.#buffer.length + this.#partsBytes + chunk.length < this.#header.dataLength + this.#header.payloadLength) {
      this.#parts.push(chunk);
      this.#partsBytes += chunk.length;
      return [];
    }
    this.#buffer = this.#buffer.length === 0 && this.#parts.length === 0 ? chunk : Buffer.concat([this.#buffer, ...this.#parts, chunk]);
    this.#parts.length = 0;
    this.#partsBytes = 0;
    const events: WyomingEvent[] = [];
    for (;;) {
      if (!this.#header) {
        const end = this.#buffer.indexOf(0x0a);
        if (end < 0) {
          if (this.#buffer.length > LIMITS.headerBytes) throw new WyomingProtocolError(`header line longer than ${LIMITS.headerBytes} bytes`);
          return events;
        }
        if (end > LIMITS.headerBytes) throw new WyomingProtocolError(`header line longer than ${LIMITS.headerBytes} bytes`);
        this.#header = parseHeader(this.#buffer.subarray(0, end).toString('utf8'));
        this.#buffer = this.#buffer.subarray(end + 1);
      }
      const { dataLength, payloadLength } = this.#header;
      if (this.#buffer.length < dataLength + payloadLength) return events;
      const header = this.#header;
      this.#header = null;
      const data = dataLength > 0 ? { ...header.data, ...parseObject(this.#buffer.subarray(0, dataLength).toString('utf8'), 'data') } : header.data;
      const payload = payloadLength > 0 ? Buffer.from(this.#buffer.subarray(dataLength, dataLength + payloadLength)) : undefined;
      this.#buffer = this.#buffer.subarray(dataLength + payloadLength);
      events.push({ type: header.type, data, payload });
    }
  }
}

function parseHeader(line: string): PendingHeader {
  const header = parseObject(line, 'header');
  if (typeof header.type !== 'string' || header.type.length === 0 || header.type.length > 64) throw new WyomingProtocolError('the header has no event type');
  const data = header.data ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new WyomingProtocolError('header data must be an object');
  return {
    type: header.type,
    data: data as Record<string, unknown>,
    dataLength: length(header.data_length, 'data_length', LIMITS.dataBytes),
    payloadLength: length(header.payload_length, 'payload_length', LIMITS.payloadBytes),
  };
}

function length(value: unknown, name: string, max: number): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new WyomingProtocolError(`${name} must be a non-negative integer`);
  if (value > max) throw new WyomingProtocolError(`${name} ${value} is over the limit of ${max} bytes`);
  return value;
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new WyomingProtocolError(`${what} is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new WyomingProtocolError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}
