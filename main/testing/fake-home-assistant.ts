import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Home Assistant's REST API (not the real thing): `GET /api/` and
 * `POST /api/conversation/process` with a bearer-token check, on 127.0.0.1 and a free port.
 * It records every request so tests can see what Kiwi sent.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export class FakeHomeAssistant {
  readonly requests: RecordedRequest[] = [];
  /** 'ok' answers like Home Assistant; 'error' answers 500 to everything; 'hang' never answers a command. */
  mode: 'ok' | 'error' | 'hang' = 'ok';
  /** Commands that got no answer and whose connection the client closed (mode 'hang'). */
  abandoned = 0;
  speech = 'Done, bedroom lights are on.';
  /** Answer like Home Assistant when no intent matched ("Sorry, I couldn't understand that"). */
  understands = true;
  conversationId = 'abc';
  #server: http.Server | null = null;
  #port = 0;

  constructor(readonly token: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  /** Listen on a free port, or again on the previous one after stop(). */
  async start(): Promise<void> {
    const server = http.createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Go away completely: close the listener and every open connection. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text; // recorded as text; the test's assertions will show it
      }
    }
    const path = req.url ?? '/';
    this.requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body });
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`) return send(401, { message: 'Invalid authentication' });
    if (this.mode === 'error') return send(500, { message: 'Internal Server Error' });
    if (req.method === 'GET' && path === '/api/') return send(200, { message: 'API running.' });
    if (req.method === 'POST' && path === '/api/conversation/process') {
      if (this.mode === 'hang') {
        res.on('close', () => this.abandoned++);
        return;
      }
      const language = (body as { language?: string } | undefined)?.language ?? 'en';
      const response = this.understands
        ? { speech: { plain: { speech: this.speech } }, response_type: 'action_done', language }
        : { speech: { plain: { speech: "Sorry, I couldn't understand that" } }, response_type: 'error', data: { code: 'no_intent_match' }, language };
      return send(200, { response, conversation_id: this.conversationId });
    }
    send(404, { message: 'Not found' });
  }
}
