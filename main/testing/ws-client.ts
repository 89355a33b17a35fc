import WebSocket from 'ws';

/** A received WebSocket message: parsed JSON for text frames, the bytes for binary ones. */
export type WsMessage = { kind: 'json'; value: unknown } | { kind: 'text'; value: string } | { kind: 'binary'; value: Buffer };

/** A small WebSocket test client: collects every message and waits for one that matches. */
export class TestWsClient {
  readonly messages: WsMessage[] = [];
  readonly #waiters = new Set<() => void>();
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.messages.push({ kind: 'binary', value: Buffer.from(data) });
      else {
        const text = data.toString('utf8');
        try {
          this.messages.push({ kind: 'json', value: JSON.parse(text) as unknown });
        } catch {
          this.messages.push({ kind: 'text', value: text });
        }
      }
      this.#wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#wake();
    });
  }

  static connect(url: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<TestWsClient> {
    const ws = new WebSocket(url, { headers });
    const client = new TestWsClient(ws);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`WebSocket ${url} did not open within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(client);
      });
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        reject(new Error(`WebSocket ${url} refused with HTTP ${res.statusCode}`));
        ws.terminate();
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** JSON messages only. */
  get json(): unknown[] {
    return this.messages.flatMap((m) => (m.kind === 'json' ? [m.value] : []));
  }

  send(data: string | Buffer | object): void {
    this.ws.send(typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data));
  }

  /** Where the stream is now: pass it as `from` to wait only for messages that arrive later. */
  mark(): number {
    return this.messages.length;
  }

  /** The first JSON message at or after index `from` (already received or still to come) that matches, or a timeout error. */
  async waitFor<T = Record<string, unknown>>(
    predicate: (message: Record<string, unknown>) => boolean,
    { timeoutMs = 5000, from = 0, what = 'a matching message' }: { timeoutMs?: number; from?: number; what?: string } = {},
  ): Promise<T> {
    const find = () => {
      for (const m of this.messages.slice(from)) {
        if (m.kind === 'json' && typeof m.value === 'object' && m.value !== null && predicate(m.value as Record<string, unknown>)) return m.value;
      }
      return undefined;
    };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found) return found as T;
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(this.json.slice(-20)).slice(0, 800)}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
  }

  /** Wait for an event envelope by name (on /api/events), received at or after `from`. */
  waitForEvent(name: string, from = 0, timeoutMs = 5000): Promise<Record<string, unknown>> {
    return this.waitFor((m) => m.event === name, { from, timeoutMs, what: `event ${name}` });
  }

  /** Close politely; resolves once closed (or terminated after 2 s). */
  close(): Promise<void> {
    if (this.closed || this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 2000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close();
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/** Try an upgrade that should be refused: the HTTP status and parsed body of the refusal. */
export function expectUpgradeRefused(url: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<{ status: number; body: unknown }> {
  const ws = new WebSocket(url, { headers });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no answer to the upgrade'));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(`the upgrade to ${url} was accepted`));
    });
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = text; // not JSON: the assertion on the body will say so
        }
        ws.terminate();
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export const wsUrl = (httpUrl: string, path: string) => httpUrl.replace(/^http/, 'ws') + path;
