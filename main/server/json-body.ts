import type { IncomingMessage } from 'node:http';
import { KiwiError } from '../platform/errors.ts';
import { JsonDepthGuard } from './json-depth.ts';

export const JSON_LIMIT_BYTES = 64 * 1024;

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Read a JSON body: only `application/json` (a cross-site form or text/plain post is refused),
 * at most 64 KiB (counted while streaming, not trusted from Content-Length), nested at most
 * JSON_MAX_DEPTH levels (checked while streaming, before parsing), parsed strictly.
 * No body at all gives `undefined`.
 */
export async function readJsonBody(req: IncomingMessage, limit = JSON_LIMIT_BYTES): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new KiwiError('unsupported_media_type', `Send JSON bodies with Content-Type: application/json (got '${type || 'none'}')`, 415);
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  const depth = new JsonDepthGuard();
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    depth.feed(chunk);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new KiwiError('invalid_json', `Malformed JSON: ${(err as Error).message}`, 400);
  }
}

const tooLarge = (limit: number) => new KiwiError('payload_too_large', `Request body exceeds ${limit} bytes`, 413);
