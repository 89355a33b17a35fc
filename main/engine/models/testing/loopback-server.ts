import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedFile {
  body: Buffer;
  /** Close the connection after this many body bytes, for the first `dropTimes` requests. */
  dropAfter?: number;
  dropTimes?: number;
  /** Send the body in small pieces with pauses, so a test can observe progress or abort midway. */
  slow?: boolean;
}

export interface LoopbackServer {
  url(path: string): string;
  /** Every request's path and Range header, in order. */
  requests: Array<{ path: string; range: string | undefined }>;
  close(): Promise<void>;
}

/** A tiny HTTP server on 127.0.0.1 with Range support: the only network the download tests use. */
export async function startLoopbackServer(files: Record<string, ServedFile>): Promise<LoopbackServer> {
  const requests: LoopbackServer['requests'] = [];
  const drops = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, range: req.headers.range });
    const file = files[path];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    let start = 0;
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (match) {
      start = Number(match[1]);
      if (start >= file.body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${file.body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'Content-Length': file.body.length - start,
        'Content-Range': `bytes ${start}-${file.body.length - 1}/${file.body.length}`,
      });
    } else {
      res.writeHead(200, { 'Content-Length': file.body.length, 'Accept-Ranges': 'bytes' });
    }
    const dropped = drops.get(path) ?? 0;
    const drop = file.dropAfter !== undefined && dropped < (file.dropTimes ?? 1) ? file.dropAfter : undefined;
    if (drop !== undefined) drops.set(path, dropped + 1);
    void send(res, file.body.subarray(start), drop === undefined ? undefined : Math.max(0, drop - start), file.slow);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function send(res: http.ServerResponse, body: Buffer, dropAt: number | undefined, slow = false): Promise<void> {
  const piece = slow ? 4096 : 64 * 1024;
  for (let offset = 0; offset < body.length; offset += piece) {
    if (dropAt !== undefined && offset >= dropAt) {
      res.socket?.destroy(); // the connection dies mid-body, as a flaky network does
      return;
    }
    const end = Math.min(body.length, offset + piece, dropAt ?? Infinity);
    if (!res.write(body.subarray(offset, end))) await new Promise((r) => res.once('drain', r));
    if (slow) await new Promise((r) => setTimeout(r, 5));
    if (dropAt !== undefined && end >= dropAt) {
      await new Promise((r) => setTimeout(r, 20)); // let the bytes reach the client before the cut
      res.socket?.destroy();
      return;
    }
  }
  res.end();
}
