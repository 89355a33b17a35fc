import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../testing/free-port.ts';
import { ensureOpenClaw } from '../../testing/pinned-runtimes.ts';

/**
 * The real OpenClaw gateway (the pinned `openclaw` npm package on Node 24) for tests: started on a
 * loopback port with token auth, its state, config, workspace, logs and HOME in a temporary
 * folder (never the user's ~/.openclaw), its one model provider an OpenAI-compatible server
 * (Kiwi's LLM stand-in). `restart()` stops it and starts it again on the same port and state.
 */

export interface RealGatewayOptions {
  /** The OpenAI-compatible base URL (…/v1) the gateway's agents use as their model. */
  modelBaseUrl: string;
  /** Extra agents besides `main` (e.g. a soul's own agent). */
  agents?: string[];
  /** false: even loopback clients wait for an explicit device approval (as a remote gateway does). */
  autoApproveLocal?: boolean;
  /** tools.exec.mode: 'ask' makes every host command wait for an operator's approval. */
  execMode?: 'ask' | 'full' | 'deny';
}

const execFileAsync = promisify(execFile);
export const REAL_GATEWAY_MODEL = 'kiwi-test-model';
/** A second model of the same provider, for a soul that names its own. */
export const REAL_GATEWAY_ALT_MODEL = 'kiwi-alt-model';

export class RealOpenClawGateway {
  readonly token = randomBytes(24).toString('base64url');
  #child: ChildProcess | null = null;
  #log = '';

  private constructor(
    private readonly runtime: { node: string; openclaw: string },
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(options: RealGatewayOptions): Promise<RealOpenClawGateway> {
    const runtime = await ensureOpenClaw();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-openclaw-'));
    const gateway = new RealOpenClawGateway(runtime, dir, await freePort());
    await fs.mkdir(path.join(dir, 'home'), { recursive: true });
    await fs.writeFile(gateway.configPath, JSON.stringify(gateway.#config(options), null, 2), { mode: 0o600 });
    await gateway.#spawn();
    return gateway;
  }

  /** Kiwi's llm.base_url for this gateway. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get configPath(): string {
    return path.join(this.dir, 'openclaw.json');
  }

  /** The gateway's console output so far (for failure messages). */
  get log(): string {
    return this.#log;
  }

  /** Run the `openclaw` CLI against this gateway's state, e.g. ['devices', 'list', '--json']. */
  async cli(args: string[]): Promise<string> {
    const { stdout } = await execFileAsync(this.runtime.node, [this.runtime.openclaw, ...args], { env: this.#env(), maxBuffer: 8 * 1024 * 1024, timeout: 120_000 });
    return stdout;
  }

  /** Approve every pending device pairing request, the way the owner does on the gateway host. */
  async approvePendingDevices(): Promise<string[]> {
    const { pending } = JSON.parse(await this.cli(['devices', 'list', '--json'])) as { pending: Array<{ requestId: string }> };
    for (const request of pending) await this.cli(['devices', 'approve', request.requestId]);
    return pending.map((r) => r.requestId);
  }

  async restart(): Promise<void> {
    await this.#stop();
    await this.#spawn();
  }

  async close(): Promise<void> {
    await this.#stop();
    // Its helper processes may still be finishing their last writes into the state folder.
    await fs.rm(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }

  #config(options: RealGatewayOptions): Record<string, unknown> {
    const entries = Object.fromEntries(['main', ...(options.agents ?? [])].map((id) => [id, { name: id, workspace: path.join(this.dir, `workspace-${id}`) }]));
    return {
      gateway: {
        mode: 'local',
        port: this.port,
        bind: 'loopback',
        auth: { mode: 'token', token: this.token },
        ...(options.autoApproveLocal === false ? { nodes: { pairing: { autoApproveLocal: false } } } : {}),
      },
      logging: { file: path.join(this.dir, 'openclaw.log') },
      agents: {
        defaults: { model: { primary: `kiwi/${REAL_GATEWAY_MODEL}` } },
        entries,
      },
      models: {
        mode: 'replace',
        providers: {
          kiwi: {
            baseUrl: options.modelBaseUrl,
            apiKey: 'kiwi-test',
            api: 'openai-completions',
            models: [REAL_GATEWAY_MODEL, REAL_GATEWAY_ALT_MODEL].map((id) => ({ id, name: id, reasoning: false, input: ['text'], contextWindow: 32_000, maxTokens: 1024 })),
          },
        },
      },
      ...(options.execMode ? { tools: { exec: { mode: options.execMode } } } : {}),
    };
  }

  #env(): NodeJS.ProcessEnv {
    return {
      PATH: `${path.dirname(this.runtime.node)}${path.delimiter}${process.env.PATH ?? ''}`,
      HOME: path.join(this.dir, 'home'),
      TMPDIR: os.tmpdir(),
      OPENCLAW_STATE_DIR: this.dir,
      OPENCLAW_CONFIG_PATH: this.configPath,
      OPENCLAW_GATEWAY_TOKEN: this.token,
      OPENCLAW_NO_RESPAWN: '1',
      OPENCLAW_NO_AUTO_UPDATE: '1',
      OPENCLAW_DISABLE_BONJOUR: '1',
      OPENCLAW_SKIP_CHANNELS: '1',
      OPENCLAW_SKIP_CRON: '1',
      OPENCLAW_SKIP_GMAIL_WATCHER: '1',
      OPENCLAW_SKIP_CANVAS_HOST: '1',
      OPENCLAW_SKIP_BROWSER_CONTROL_SERVER: '1',
      NO_COLOR: '1',
    };
  }

  /** Start the gateway and wait for its "ready" line (it answers connects with UNAVAILABLE until then). */
  #spawn(): Promise<void> {
    const child = spawn(this.runtime.node, [this.runtime.openclaw, 'gateway', 'run', '--port', String(this.port)], { env: this.#env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const from = this.#log.length; // a restart waits for its own "ready", not the last run's
    return new Promise((resolve, reject) => {
      // 180 s was not enough beside two busy loops at load 13-16 (Node 24 starting a large gateway on 2 cores).
      const timer = setTimeout(() => reject(new Error(`the OpenClaw gateway did not get ready in 360 s:\n${this.#log.slice(-4000)}`)), 360_000);
      const onData = (data: Buffer) => {
        this.#log += data.toString();
        // eslint-disable-next-line no-control-regex
        if (/\[gateway\] ready\b/.test(this.#log.slice(from).replace(/\u001b\[[0-9;]*m/g, ''))) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the OpenClaw gateway exited (${code ?? signal}) before it was ready:\n${this.#log.slice(-4000)}`));
      });
    });
  }

  async #stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    // Its shutdown drains active runs; a test gateway has none worth waiting for long.
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(force);
  }
}
