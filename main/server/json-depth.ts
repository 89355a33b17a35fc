import { KiwiError } from '../platform/errors.ts';

/** Bodies nest far less than this (config and souls: 3 levels); anything deeper is an attack or a bug. */
export const JSON_MAX_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }

/**
 * Watches the nesting depth of a JSON text chunk by chunk, as it streams in, so a deeply nested
 * body is refused before anything is parsed or built (JSON.parse of millions of nested arrays
 * stalls the event loop for seconds). Bytes, not characters: UTF-8 continuation bytes are never
 * ASCII, so brackets and quotes are found exactly. Syntax errors are left to JSON.parse.
 */
export class JsonDepthGuard {
  #depth = 0;
  #inString = false;
  #escaped = false;

  constructor(private readonly maxDepth = JSON_MAX_DEPTH) {}

  feed(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === BACKSLASH) this.#escaped = true;
        else if (byte === QUOTE) this.#inString = false;
      } else if (byte === QUOTE) this.#inString = true;
      else if (OPEN.has(byte)) {
        if (++this.#depth > this.maxDepth) {
          throw new KiwiError('json_too_deep', `JSON nested deeper than ${this.maxDepth} levels is refused`, 400);
        }
      } else if (CLOSE.has(byte)) this.#depth--;
    }
  }
}
