import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { loadCatalog } from '../engine/models/catalog.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { modelsCommand } from './models.ts';

/**
 * `kiwi models download` beside a running server on the same models folder: the server is told,
 * and its stage waiting for the model (here the VAD: none installed) picks it up without a restart.
 * The catalog's Silero VAD is served by a loopback stand-in (nothing leaves the machine).
 */
describeWithModels('kiwi models download with a server running', (fixtures) => {
  let dir: string;
  let server: http.Server | undefined;
  let kiwi: TestKiwi | undefined;
  const saved = { ...process.env };

  afterEach(async () => {
    process.env = { ...saved };
    await kiwi?.cleanup();
    kiwi = undefined;
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('the server picks up the model the CLI installed, and the CLI says so', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-cli-download-'));
    const body = await fs.readFile(path.join(fixtures, 'silero-vad', 'silero_vad.onnx'));
    server = http.createServer((_req, res) => res.writeHead(200, { 'Content-Length': body.length }).end(body));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const shipped = (await loadCatalog()).models.find((m) => m.id === 'silero-vad')!;
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/silero_vad.onnx`;
    const vad = { ...shipped, files: [{ ...shipped.files[0]!, url }] };
    await fs.writeFile(path.join(dir, 'catalog.json'), JSON.stringify({ version: 1, models: [vad] }));
    const env = { KIWI_MODELS_DIR: path.join(dir, 'models'), KIWI_CATALOG: path.join(dir, 'catalog.json'), KIWI_WAKE_WORD_ENGINE: 'text' };
    kiwi = await startTestKiwi({ env });
    const runtime = kiwi.kiwi.runtime;
    expect(runtime.engine.parts.vad).toBeUndefined();
    const vadBack = new Promise<void>((resolve) => {
      const off = runtime.bus.on('ENGINE_READY', () => runtime.engine.parts.vad && (off(), resolve()));
    });

    Object.assign(process.env, env, { KIWI_DATA_DIR: path.join(dir, 'cli-data') });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const progress = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let code: number;
    let printed: string[];
    try {
      code = await modelsCommand.run(['download', 'silero-vad']);
    } finally {
      printed = log.mock.calls.map((c) => String(c[0]));
      progress.mockRestore();
      log.mockRestore();
    }
    expect(code).toBe(0);
    expect(printed).toContain(`silero-vad: the Kiwi server at ${kiwi.url} picks it up`);
    await vadBack;
    expect(runtime.engine.parts.vad?.name).toBe('silero');
  });
});
