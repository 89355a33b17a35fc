import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KiwiError } from '../../platform/errors.ts';

export interface FetchToFileOptions {
  url: string;
  /** The `*.part` file: kept between attempts and runs so a later request resumes with Range. */
  partFile: string;
  expectedSize: number | null;
  /** What the user can do instead when the host cannot be reached (ends the offline error). */
  offlineAdvice: string;
  signal?: AbortSignal;
  /** Called with the bytes now on disk and the full size when known. */
  onBytes?: (bytesOnDisk: number, total: number | null) => void;
  /** Connection drops are retried (resuming) this many times in all. */
  maxAttempts?: number;
  idleTimeoutMs?: number;
}

/** Error codes that mean "this machine cannot reach that host at all". */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'EAI_FAIL']);

const MAX_REDIRECTS = 5;

/** Download `url` into `partFile`, resuming whatever is already there. Resolves when complete. */
export async function fetchToFile(opts: FetchToFileOptions): Promise<void> {
  const maxAttempts = opts.maxAttempts ?? 4;
  let lastError: unknown;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    if (opts.signal?.aborted) throw aborted(opts.url);
    try {
      const complete = await attemptOnce(opts);
      if (complete) return;
      lastError = new Error('the server closed the connection before the end of the file');
    } catch (err) {
      if (err instanceof KiwiError) throw err; // offline, HTTP status, abort: retrying will not help
      lastError = err;
    }
    // A dropped connection: wait a moment, then resume from what is on disk.
    await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
  }
  throw new KiwiError(
    'model_download_failed',
    `download of ${opts.url} kept failing after ${maxAttempts} attempts: ${(lastError as Error)?.message ?? lastError}`,
    502,
  );
}

async function sizeOf(file: string): Promise<number> {
  const stat = await fsp.stat(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  return stat?.size ?? 0;
}

/** One HTTP exchange. True when the part file now holds the whole file. */
async function attemptOnce(opts: FetchToFileOptions): Promise<boolean> {
  let start = await sizeOf(opts.partFile);
  if (opts.expectedSize !== null && start > opts.expectedSize) {
    await fsp.rm(opts.partFile, { force: true }); // longer than the real file: it is not a prefix of it
    start = 0;
  }
  if (opts.expectedSize !== null && start === opts.expectedSize) return true;

  const res = await request(opts.url, start > 0 ? { Range: `bytes=${start}-` } : {}, opts);
  let flags: 'a' | 'w' = 'a';
  let total: number | null = opts.expectedSize;
  if (res.statusCode === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
    if (!range || Number(range[1]) !== start) {
      res.resume();
      await fsp.rm(opts.partFile, { force: true }); // a range we did not ask for: start again cleanly
      return false;
    }
    if (range[3] !== '*') total = Number(range[3]);
  } else if (res.statusCode === 200) {
    flags = 'w'; // the server ignored Range (or there was nothing to resume): rewrite from byte 0
    start = 0;
    const length = Number(res.headers['content-length']);
    if (Number.isFinite(length) && length > 0) total = length;
  } else if (res.statusCode === 416) {
    res.resume();
    await fsp.rm(opts.partFile, { force: true });
    return false;
  } else {
    res.resume();
    throw new KiwiError('model_download_failed', `HTTP ${res.statusCode} from ${opts.url}`, 502);
  }

  let onDisk = start;
  opts.onBytes?.(onDisk, total);
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      onDisk += chunk.length;
      opts.onBytes?.(onDisk, total);
      done(null, chunk);
    },
  });
  try {
    await pipeline(res, counter, fs.createWriteStream(opts.partFile, { flags }), { signal: opts.signal });
  } catch (err) {
    if (opts.signal?.aborted) throw aborted(opts.url);
    throw err; // a dropped connection: the caller resumes from the bytes already written
  }
  return total === null ? !res.errored : onDisk >= total;
}

function request(
  url: string,
  headers: Record<string, string>,
  opts: FetchToFileOptions,
  redirects = 0,
): Promise<http.IncomingMessage> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(
      target,
      { headers: { 'User-Agent': 'kiwi-model-downloader', ...headers }, signal: opts.signal },
      (res) => {
        const location = res.headers.location;
        if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location) {
          res.resume();
          if (redirects >= MAX_REDIRECTS) {
            reject(new KiwiError('model_download_failed', `too many redirects from ${opts.url}`, 502));
            return;
          }
          request(new URL(location, target).toString(), headers, opts, redirects + 1).then(resolve, reject);
          return;
        }
        resolve(res);
      },
    );
    req.setTimeout(opts.idleTimeoutMs ?? 30_000, () => req.destroy(new Error(`no data from ${target.host} for a while`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (opts.signal?.aborted) reject(aborted(opts.url));
      else if (err.code && UNREACHABLE.has(err.code)) reject(offline(target.host, opts.offlineAdvice, err.code));
      else reject(err);
    });
  });
}

export function offline(host: string, advice: string, cause: string): KiwiError {
  return new KiwiError('models_offline', `could not reach ${host} (${cause}); ${advice}`, 503);
}

function aborted(url: string): KiwiError {
  return new KiwiError('model_download_aborted', `download of ${url} was cancelled`, 499);
}
