import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../main/engine/models/catalog.ts';
import { formatBytes } from '../main/engine/models/progress.ts';
import { closedPort } from '../main/llm/testing/collect.ts';
import { LlmStandin } from '../main/testing/llm-standins.ts';
import { TestWsClient, wsUrl } from '../main/testing/ws-client.ts';
import { screenshot, type OpenedPage } from './support/browser.ts';
import { startCatalogMirror, type CatalogMirror } from './support/catalog-mirror.ts';
import { openKiwiDashboard, type KiwiDashboard } from './support/kiwi-dashboard.ts';
import { type KiwiServer, TEST_MODELS_DIR } from './support/kiwi-server.ts';
import { pacedSpeakerEnv } from './support/paced-speaker.ts';

/**
 * A new user's first run, followed on the Overview only, against a real `kiwi serve` with no models:
 * the capabilities it lacks, one download of the language's recommended set from a local catalog
 * mirror (real model files on a loopback server), the LLM found on this computer (a stand-in for
 * Ollama speaking its real /api/tags and OpenAI-compatible chat, on a free port), then the
 * controls: say this, Stop (a long answer and a ringing timer), Reset conversation, Restart.
 * Speech goes to a stand-in sound card that plays at real-time pace (see paced-speaker.ts).
 */
const MODELS = ['llama3.2:latest', 'qwen2.5:7b'];

type Status = { state: string; is_speaking: boolean; missing: string[] };
type Config = { llm: { provider: string; base_url: string; model: string } };

describe('first run and the Overview controls', () => {
  let dir: string;
  let mirror: CatalogMirror;
  let ollama: LlmStandin;
  let dashboard: KiwiDashboard;
  let kiwi: KiwiServer;
  let events: TestWsClient;
  let ui: OpenedPage;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-e2e-first-run-'));
    const { files: _files, size_bytes: _size, ...vad } = (await loadCatalog()).models.find((m) => m.id === 'silero-vad')!;
    mirror = await startCatalogMirror(dir, [
      { ...vad, from: path.join(TEST_MODELS_DIR, 'silero-vad') },
      {
        id: 'whisper-tiny-en',
        name: 'Whisper tiny.en',
        task: 'stt',
        engine: 'onnx-whisper',
        languages: ['en'],
        license: 'MIT',
        commercial_use: true,
        description: 'English speech recognition (the test fixture)',
        default_for: ['en'],
        config: {},
        from: path.join(TEST_MODELS_DIR, 'stt-substitute-whisper-tiny-en'),
      },
      {
        id: 'speaker-ge2e',
        name: 'GE2E speaker encoder',
        task: 'speaker',
        engine: 'onnx-ge2e',
        languages: ['multi'],
        license: 'Apache-2.0',
        commercial_use: true,
        description: 'Speaker embeddings (the test fixture)',
        default_for: ['*'],
        config: {},
        from: path.join(TEST_MODELS_DIR, 'speaker-substitute-resemblyzer-ge2e'),
      },
    ]);
    ollama = await LlmStandin.start('ollama', { models: MODELS });
    // Its models folder and catalog are the mirror's (in `dir`, beside the paced speaker's files), not the helper's own.
    dashboard = await openKiwiDashboard({
      name: 'first-run',
      config: {
        audio: { input: 'none', output: 'auto' },
        wake_word_engine: 'text',
        tts_provider: 'system',
        llm: { local_ports: { ollama: ollama.port, lmstudio: await closedPort(), llamacpp: await closedPort() } },
      },
      env: { KIWI_MODELS_DIR: path.join(dir, 'models'), KIWI_CATALOG: mirror.catalogFile, ...(await pacedSpeakerEnv(dir)) },
    });
    ({ kiwi, ui } = dashboard);
    events = await TestWsClient.connect(wsUrl(kiwi.url, '/api/events'));
  });
  afterAll(async () => {
    await events?.close();
    await dashboard?.close();
    await ollama?.close();
    await mirror?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  type Envelope = { event: string; data: Record<string, unknown> };
  /** The first event `name` at or after `from` for which `match` holds. */
  const waitEvent = (name: string, from: number, timeoutMs: number, match: (e: Envelope) => boolean = () => true) =>
    events.waitFor<Envelope>((m) => m.event === name && match(m as unknown as Envelope), { from, timeoutMs, what: `event ${name}` });
  const since = (from: number) => events.messages.slice(from).flatMap((m) => (m.kind === 'json' ? [m.value as Envelope] : []));
  const status = async () => (await kiwi.api<Status>('GET', '/api/status')).json;
  const capability = (id: string) => ui.page.getByTestId('capabilities').locator(`li[data-capability=${id}]`);

  it('says plainly what Kiwi cannot do yet, and downloads the recommended set with one button', async () => {
    const { page } = ui;
    await page.getByTestId('panel-first-run').waitFor();
    await capability('hear').filter({ hasText: "Kiwi can't hear you yet: no speech detector." }).waitFor();
    expect(await capability('understand').textContent()).toContain("Kiwi can't understand speech yet: no speech recogniser.");
    expect(await capability('recognise').textContent()).toContain("Kiwi can't tell voices apart yet: no speaker recogniser.");
    expect(await capability('answer').getAttribute('data-ok')).toBe('false');
    expect(await capability('speak').textContent()).toContain('Kiwi speaks with the system voice.');
    await page.getByTestId('status-listening').filter({ hasText: 'off (no speech detector yet)' }).waitFor();
    const button = page.getByTestId('download-recommended');
    // The sizes the catalog gives for the three models, added up.
    const catalog = JSON.parse(await fs.readFile(mirror.catalogFile, 'utf8')) as { models: Array<{ size_bytes: number; files: Array<{ url: string }> }> };
    const total = catalog.models.reduce((sum, m) => sum + m.size_bytes, 0);
    expect(total).toBeGreaterThan(60_000_000); // real model files (~75 MB with tiny.en's 8-bit token table), not placeholders
    await button.filter({ hasText: `Download all 3 (${formatBytes(total)})` }).waitFor();
    expect(await page.getByTestId('setup-stt').textContent()).toMatch(/speech recogniser.*Whisper tiny\.en/);
    await screenshot(page, 'first-run');

    const from = events.mark();
    // By keyboard: the button keeps the focus while it downloads (it says so, and ignores more presses).
    await button.focus();
    await page.keyboard.press('Enter');
    await button.filter({ hasText: 'Downloading…' }).waitFor();
    expect(await page.evaluate(`document.activeElement?.dataset.testid`)).toBe('download-recommended');
    expect(await button.getAttribute('aria-disabled')).toBe('true');
    for (const id of ['silero-vad', 'whisper-tiny-en', 'speaker-ge2e']) {
      await waitEvent('MODEL_DOWNLOAD_COMPLETED', from, 60_000, (e) => e.data.id === id);
    }
    // The engine is rebuilt with them: every capability the models bring is a yes.
    for (const id of ['hear', 'understand', 'recognise']) await capability(id).and(page.locator('[data-ok=true]')).waitFor({ timeout: 90_000 });
    await page.getByTestId('step-download').and(page.locator('[data-done=true]')).waitFor();
    // The button went with the downloads: the focus is on the line saying all is installed, not on the page.
    await expect.poll(() => page.evaluate(`document.activeElement?.dataset.testid`)).toBe('download-done');
    await page.getByTestId('status-listening').filter({ hasText: /^on$/ }).waitFor();
    expect((await status()).missing.filter((l) => !l.startsWith('llm:'))).toEqual([]);
    // Each of the catalog's files came once from the mirror, and nothing else was asked for.
    const fetched = mirror.server.requests.map((r) => r.path);
    const listed = catalog.models.flatMap((m) => m.files.map((f) => new URL(f.url).pathname));
    expect(fetched.toSorted()).toEqual(listed.toSorted());
  });

  it('finds Ollama on this computer and uses it: Kiwi then answers through it', async () => {
    const { page } = ui;
    const row = page.getByTestId('local-llm-ollama');
    await row.filter({ hasText: `127.0.0.1:${ollama.port}` }).waitFor();
    await row.getByRole('combobox').selectOption('qwen2.5:7b');
    await row.getByRole('button', { name: 'Use Ollama' }).click();
    await capability('answer').filter({ hasText: 'Kiwi answers questions with qwen2.5:7b.' }).waitFor();
    expect((await kiwi.api<Config>('GET', '/api/config')).json.llm).toMatchObject({ provider: 'openai', base_url: ollama.baseUrl, model: 'qwen2.5:7b' });
    // The next steps: the owner's voice (nobody is enrolled), then the first question.
    expect(await page.getByTestId('step-voice').textContent()).toContain('Kiwi, remember my voice, my name is …');
    expect(await page.getByTestId('step-voice').getByRole('link', { name: 'Speakers' }).getAttribute('href')).toBe('#/speakers');

    ollama.reply({ kind: 'stream', tokens: ['Paris is the capital of France.'] });
    const asked = ollama.requests.length;
    const res = await kiwi.api<{ reply: string }>('POST', '/api/chat', { text: 'What is the capital of France?', speak: false });
    expect(res.json.reply).toBe('Paris is the capital of France.');
    expect(ollama.requests[asked]).toMatchObject({ path: '/v1/chat/completions', body: { model: 'qwen2.5:7b', stream: true } });
    await screenshot(page, 'overview');
  });

  it('"say this" speaks the text', async () => {
    const { page } = ui;
    const from = events.mark();
    await page.getByLabel('Say this').fill('Hello from the Overview.');
    await page.getByRole('button', { name: 'Speak', exact: true }).click();
    const started = await waitEvent('TTS_STARTED', from, 30_000);
    expect(started.data.text).toBe('Hello from the Overview.');
    await page.getByTestId('controls-done').filter({ hasText: 'Speaking: “Hello from the Overview.”' }).waitFor();
    await waitEvent('TTS_FINISHED', from, 30_000, (e) => e.data.turn_id === started.data.turn_id);
  });

  it('Stop ends a long sentence being spoken and the timer ringing beside it', async () => {
    const { page } = ui;
    const from = events.mark();
    const long = Array.from({ length: 20 }, (_, i) => `This is part ${i + 1} of a long sentence that Kiwi reads out loud`).join(', ') + '.';
    await page.getByLabel('Say this').fill(long);
    await page.getByRole('button', { name: 'Speak', exact: true }).click();
    const spoken = await waitEvent('TTS_STARTED', from, 30_000, (e) => e.data.text === long);
    const timer = await kiwi.api<{ id: string }>('POST', '/api/timers', { kind: 'timer', duration_s: 1, label: 'tea' });
    expect(timer.status).toBe(201);
    await waitEvent('TIMER_RINGING', from, 30_000);
    // Both at once: the sentence is still being spoken (no TTS_FINISHED for it yet) while the timer rings.
    expect(since(from).some((e) => e.event === 'TTS_FINISHED' && e.data.turn_id === spoken.data.turn_id)).toBe(false);
    await page.getByTestId('stop-all').click();
    const finished = await waitEvent('TTS_FINISHED', from, 15_000, (e) => e.data.turn_id === spoken.data.turn_id);
    expect(finished.data.interrupted).toBe(true);
    await waitEvent('TIMER_STOPPED', from, 15_000);
    // Stop cut the sentence, not the timer's spoken line: nothing else was spoken meanwhile.
    expect(since(from).filter((e) => e.event === 'TTS_STARTED').map((e) => e.data.turn_id)).toEqual([spoken.data.turn_id]);
    expect((await kiwi.api<{ ringing: string[] }>('GET', '/api/timers')).json.ringing).toEqual([]);
    await expect.poll(async () => (await status()).is_speaking).toBe(false);
    await page.getByTestId('controls-done').filter({ hasText: 'Stopped.' }).waitFor();
  });

  it('Stop ends an answer the LLM is still writing (the request to it is closed)', async () => {
    const { page } = ui;
    const from = events.mark();
    const tokens = Array.from({ length: 200 }, (_, i) => `Sentence ${i + 1} of a long story. `);
    ollama.reply({ kind: 'stream', tokens, chunkBytes: [180], delayMs: 100 });
    const index = ollama.requests.length;
    let closed = false;
    const request = ollama.whenClosed(index).then((r) => ((closed = true), r));
    const answer = kiwi.api('POST', '/api/chat', { text: 'Tell me a long story.', speak: true });
    await waitEvent('TTS_STARTED', from, 30_000);
    expect(closed).toBe(false); // the first sentences are spoken while the LLM is still writing the rest
    await page.getByTestId('stop-all').click();
    expect((await request).closedEarly).toBe(true);
    expect((await answer).status).toBe(200);
    await expect.poll(async () => (await status()).state).not.toMatch(/SPEAKING|THINKING|PROCESSING/);
  });

  it('Reset conversation: the next question goes to the LLM without the earlier ones', async () => {
    const { page } = ui;
    const messages = async (text: string) => {
      const index = ollama.requests.length;
      await kiwi.api('POST', '/api/chat', { text, speak: false });
      return (ollama.requests[index]!.body as { messages: Array<{ role: string; content: string }> }).messages.map((m) => m.content);
    };
    await messages('My favourite colour is green.');
    expect(await messages('What did I just say?')).toContain('My favourite colour is green.');
    await page.getByRole('button', { name: 'Reset conversation' }).click();
    await page.getByTestId('controls-done').filter({ hasText: 'Conversation cleared.' }).waitFor();
    expect(await messages('What did I just say?')).not.toContain('My favourite colour is green.');
  });

  it('Restart rebuilds the engine while the page stays connected', async () => {
    const { page } = ui;
    const from = events.mark();
    await page.getByRole('button', { name: 'Restart' }).click();
    await waitEvent('SERVICE_RESTART', from, 15_000);
    await waitEvent('ENGINE_READY', from, 90_000);
    await page.getByTestId('controls-done').filter({ hasText: 'Restarting the engine…' }).waitFor();
    await capability('hear').and(page.locator('[data-ok=true]')).waitFor({ timeout: 30_000 });
  });

  it('logged no errors or CSP violations', () => {
    expect(ui.problems).toEqual([]);
  });
});
