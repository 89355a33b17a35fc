import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A loopback stand-in for the OpenClaw gateway's WebSocket protocol, as the real gateway
 * (openclaw 2026.9, see openclaw-real-gateway.test.ts) speaks it: `connect.challenge` → `connect`
 * → `hello-ok`; `chat.send` answered with `{runId, status:"started"}` (a run id of the gateway's
 * own, not the idempotency key), then a `chat` `status` event, `agent` lifecycle `start`, `chat`
 * events (`delta` with the cumulative `message.content`, or only `deltaText`), `agent` lifecycle
 * `end`, and last `final` | `error` | `aborted`; `chat.abort`; `sessions.reset`;
 * `exec.approval.requested` sent only to clients that advertise the `exec-approvals` capability
 * (with none, the gateway denies the command), resolved by `exec.approval.resolve`
 * (→ `exec.approval.resolved`). Every request frame is recorded.
 */

export interface ChatScript {
  deltas: string[];
  /** `cumulative`: delta events carry the whole text so far; `deltaText`: only the new piece. */
  style?: 'cumulative' | 'deltaText';
  /** Pause before each delta (default 5 ms); a list gives one per delta. */
  delayMs?: number | number[];
  /** silent: the agent had nothing to say (NO_REPLY): lifecycle error with a silent terminal reply, then chat aborted + error. */
  end?: 'final' | 'error' | 'aborted' | 'silent' | 'none';
  errorMessage?: string;
  errorKind?: 'refusal' | 'timeout' | 'rate_limit' | 'context_length' | 'unknown';
  /** What the agent says before it runs a tool ("Let me check."): sent as a preamble item, not as chat text. */
  preamble?: string;
  /**
   * The order the real gateway used on a loaded machine: the part first as chat text, then its
   * preamble item, and every later message beginning with it again ("Let me check.\n\nIt is …").
   */
  preambleInChat?: boolean;
  /** Broadcast an exec approval request after this many deltas and wait for its resolution. */
  approval?: { after: number; command: string };
}

export interface GatewayStandinOptions {
  /** The shared gateway token clients must send (none: auth mode "none"). */
  token?: string;
  protocol?: number;
  /** Send connect.challenge first (current gateways do). */
  challenge?: boolean;
}

interface Run {
  runId: string;
  idempotencyKey: string;
  /** Whether the client that started the run takes exec approvals (caps: exec-approvals). */
  approvalClient: boolean;
  sessionKey: string;
  aborted: boolean;
  approval?: { id: string; decided: (decision: string) => void };
}

export class OpenClawGatewayStandin {
  readonly requests: Array<{ method: string; params: Record<string, unknown> }> = [];
  readonly approvals: Array<{ id: string; decision: string }> = [];
  /** The run ids chat.send was answered with, in order. */
  readonly runIds: string[] = [];
  connections = 0;
  readonly #scripts: ChatScript[] = [];
  readonly #sockets = new Set<WebSocket>();
  readonly #runs = new Map<string, Run>();

  private constructor(
    private readonly server: http.Server,
    private readonly wss: WebSocketServer,
    private readonly options: GatewayStandinOptions,
  ) {}

  static async start(options: GatewayStandinOptions = {}): Promise<OpenClawGatewayStandin> {
    const server = http.createServer((_req, res) => res.writeHead(426).end());
    const wss = new WebSocketServer({ server });
    const standin = new OpenClawGatewayStandin(server, wss, options);
    wss.on('connection', (socket) => standin.#accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return standin;
  }

  /** Kiwi's llm.base_url for this gateway (an http URL; the client turns it into ws://). */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Queue scripts for the next chat.send requests; with none queued the answer is "Hello." */
  chat(...scripts: ChatScript[]): this {
    this.#scripts.push(...scripts);
    return this;
  }

  calls(method: string): Array<Record<string, unknown>> {
    return this.requests.filter((r) => r.method === method).map((r) => r.params);
  }

  /** Drop every client connection abruptly (a gateway restart). */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.terminate();
  }

  async close(): Promise<void> {
    this.dropConnections();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #accept(socket: WebSocket): void {
    this.connections++;
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    let seq = 0;
    let connected = false;
    let approvalClient = false;
    const send = (frame: unknown) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(frame));
    const event = (name: string, payload: unknown) => send({ type: 'event', event: name, payload, seq: seq++ });
    const ok = (id: string, payload: unknown) => send({ type: 'res', id, ok: true, payload });
    const fail = (id: string, code: string, message: string, details?: unknown) => send({ type: 'res', id, ok: false, error: { code, message, ...(details ? { details } : {}) } });
    const challenge = { nonce: randomUUID(), ts: Date.now() };
    if (this.options.challenge !== false) event('connect.challenge', challenge);

    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type?: string; id?: string; method?: string; params?: Record<string, unknown> };
      if (frame.type !== 'req' || !frame.id || !frame.method) return socket.close(1008, 'invalid frame');
      const { id, method } = frame;
      const params = frame.params ?? {};
      this.requests.push({ method, params });
      if (!connected) {
        if (method !== 'connect') return fail(id, 'INVALID_REQUEST', 'first request must be connect'), socket.close(1008, 'invalid handshake');
        const protocol = this.options.protocol ?? 4;
        if (Number(params.maxProtocol) < protocol || Number(params.minProtocol) > protocol) {
          fail(id, 'INVALID_REQUEST', 'protocol mismatch', { expectedProtocol: protocol });
          return socket.close(1008, 'protocol mismatch');
        }
        const token = (params.auth as { token?: string } | undefined)?.token;
        if (this.options.token && token !== this.options.token) {
          fail(id, 'INVALID_REQUEST', 'unauthorized: gateway token mismatch', { code: 'AUTH_TOKEN_MISMATCH', recommendedNextStep: 'update_auth_credentials' });
          return socket.close(1008, 'unauthorized');
        }
        const deviceError = this.options.challenge !== false && params.device ? checkDevice(params, challenge, token ?? '') : null;
        if (deviceError) {
          fail(id, 'INVALID_REQUEST', deviceError.message, { code: deviceError.code });
          return socket.close(1008, deviceError.message);
        }
        connected = true;
        approvalClient = Array.isArray(params.caps) && params.caps.includes('exec-approvals');
        return ok(id, {
          type: 'hello-ok',
          protocol,
          server: { version: 'standin', connId: randomUUID() },
          features: { methods: ['chat.send', 'chat.abort', 'sessions.reset', 'exec.approval.resolve'], events: ['chat', 'agent', 'tick', 'exec.approval.requested', 'exec.approval.resolved'] },
          snapshot: {},
          auth: { role: 'operator', scopes: params.scopes ?? [] },
          policy: { maxPayload: 26214400, maxBufferedBytes: 52428800, tickIntervalMs: 15000 },
        });
      }
      switch (method) {
        case 'chat.send': {
          const { sessionKey, message, idempotencyKey } = params as { sessionKey?: unknown; message?: unknown; idempotencyKey?: unknown };
          if (typeof sessionKey !== 'string' || !sessionKey || typeof message !== 'string' || typeof idempotencyKey !== 'string' || !idempotencyKey) {
            return fail(id, 'INVALID_REQUEST', 'invalid chat.send params');
          }
          const run: Run = { runId: randomUUID(), idempotencyKey, sessionKey, aborted: false, approvalClient };
          this.#runs.set(run.runId, run);
          this.runIds.push(run.runId);
          ok(id, { runId: run.runId, status: 'started' });
          void this.#stream(run, this.#scripts.shift() ?? { deltas: ['Hello.'] }, event);
          return;
        }
        case 'chat.abort': {
          const run = typeof params.runId === 'string' ? this.#runs.get(params.runId) : undefined;
          if (run && !run.aborted) {
            run.aborted = true;
            event('chat', { runId: run.runId, sessionKey: run.sessionKey, seq: seq, state: 'aborted', stopReason: 'rpc' });
          }
          return ok(id, { ok: true, aborted: Boolean(run), runIds: run ? [run.runId] : [] });
        }
        case 'sessions.reset':
          return ok(id, { ok: true, key: params.key });
        case 'exec.approval.resolve': {
          const decision = String(params.decision);
          if (!['allow-once', 'allow-always', 'deny'].includes(decision)) return fail(id, 'INVALID_REQUEST', 'invalid decision');
          const run = [...this.#runs.values()].find((r) => r.approval?.id === params.id);
          if (!run?.approval) return fail(id, 'INVALID_REQUEST', 'unknown approval id');
          this.approvals.push({ id: run.approval.id, decision });
          ok(id, { ok: true });
          for (const other of this.#sockets) {
            if (other.readyState === other.OPEN) other.send(JSON.stringify({ type: 'event', event: 'exec.approval.resolved', payload: { id: run.approval.id, decision, resolvedBy: 'Kiwi', ts: Date.now() } }));
          }
          run.approval.decided(decision);
          return;
        }
        default:
          return fail(id, 'INVALID_REQUEST', `unknown method: ${method}`);
      }
    });
  }

  async #stream(run: Run, script: ChatScript, event: (name: string, payload: unknown) => void): Promise<void> {
    const base = { runId: run.runId, sessionKey: run.sessionKey };
    const message = (text: string) => ({ role: 'assistant', content: [{ type: 'text', text }], timestamp: Date.now() });
    let text = '';
    let seq = 0;
    const lifecycle = (phase: 'start' | 'end') => event('agent', { ...base, stream: 'lifecycle', data: { phase }, seq: seq++, ts: Date.now() });
    event('chat', { ...base, seq: seq++, state: 'status', phase: 'preparing_context' });
    lifecycle('start');
    // The run's message: what the agent said before the tool (if the chat carries it), then the answer.
    const said = script.preamble && script.preambleInChat ? `${script.preamble}\n\n` : '';
    if (said) event('chat', { ...base, seq: seq++, state: 'delta', message: message(script.preamble!) });
    if (script.preamble) {
      const itemId = `commentary-${randomUUID()}`;
      for (const phase of ['update', 'end', 'end']) event('agent', { ...base, stream: 'item', data: { kind: 'preamble', phase, progressText: script.preamble, itemId }, seq: seq++, ts: Date.now() });
    }
    for (let i = 0; i < script.deltas.length; i++) {
      if (script.approval && script.approval.after === i && !run.approvalClient) {
        // No client can answer: the gateway denies the command and the agent carries on without it.
        event('agent', { ...base, stream: 'item', data: { kind: 'tool', name: 'exec', phase: 'end', status: 'failed', error: 'exec denied: no approval client' }, seq: seq++, ts: Date.now() });
      } else if (script.approval && script.approval.after === i) {
        const approvalId = randomUUID();
        const decided = new Promise<string>((resolve) => (run.approval = { id: approvalId, decided: resolve }));
        event('exec.approval.requested', { id: approvalId, request: { command: script.approval.command, cwd: '/tmp', host: 'gateway', sessionKey: run.sessionKey, agentId: 'main' }, createdAtMs: Date.now(), expiresAtMs: Date.now() + 120_000 });
        await decided;
      }
      const delayMs = Array.isArray(script.delayMs) ? script.delayMs[i] : script.delayMs;
      await new Promise((r) => setTimeout(r, delayMs ?? 5));
      if (run.aborted) return;
      const piece = script.deltas[i]!;
      text += piece;
      event('agent', { ...base, stream: 'assistant', data: { text, delta: piece }, seq: seq, ts: Date.now() });
      event('chat', script.style === 'deltaText' ? { ...base, seq: seq++, state: 'delta', deltaText: piece } : { ...base, seq: seq++, state: 'delta', message: message(said + text) });
    }
    if (run.aborted) return;
    const end = script.end ?? 'final';
    if (end === 'silent') {
      const error = "⚠️ Agent couldn't generate a response. Please try again.";
      event('agent', { ...base, stream: 'lifecycle', data: { phase: 'error', error, terminalReply: { disposition: 'silent' } }, seq: seq++, ts: Date.now() });
      event('chat', { ...base, seq: seq++, state: 'aborted', stopReason: 'stop' });
      event('chat', { ...base, seq: seq++, state: 'error', errorMessage: error });
    } else if (end !== 'none') lifecycle('end');
    if (end === 'final') event('chat', { ...base, seq, state: 'final', message: message(said + text), stopReason: 'end_turn' });
    else if (end === 'error') event('chat', { ...base, seq, state: 'error', errorMessage: script.errorMessage ?? 'model failed', errorKind: script.errorKind ?? 'unknown' });
    else if (end === 'aborted') event('chat', { ...base, seq, state: 'aborted', stopReason: 'stopped elsewhere' });
    this.#runs.delete(run.runId);
  }
}

/** The gateway's device check: the id is the key's fingerprint and the v3 payload is signed over this challenge. */
function checkDevice(params: Record<string, unknown>, challenge: { nonce: string; ts: number }, token: string): { code: string; message: string } | null {
  const device = params.device as { id?: string; publicKey?: string; signature?: string; signedAt?: number; nonce?: string };
  const client = (params.client ?? {}) as { id?: string; mode?: string; platform?: string };
  if (device.nonce !== challenge.nonce) return { code: 'DEVICE_AUTH_NONCE_MISMATCH', message: 'device nonce mismatch' };
  const raw = Buffer.from(device.publicKey ?? '', 'base64url');
  if (raw.length !== 32) return { code: 'DEVICE_AUTH_PUBLIC_KEY_INVALID', message: 'device public key invalid' };
  if (createHash('sha256').update(raw).digest('hex') !== device.id) return { code: 'DEVICE_AUTH_DEVICE_ID_MISMATCH', message: 'device identity mismatch' };
  const scopes = Array.isArray(params.scopes) ? params.scopes.join(',') : '';
  const payload = ['v3', device.id, client.id, client.mode, params.role, scopes, String(device.signedAt), token, device.nonce, (client.platform ?? '').toLowerCase(), ''].join('|');
  const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });
  return verify(null, Buffer.from(payload), key, Buffer.from(device.signature ?? '', 'base64url')) ? null : { code: 'DEVICE_AUTH_SIGNATURE_INVALID', message: 'device signature invalid' };
}
