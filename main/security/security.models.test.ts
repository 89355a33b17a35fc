import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KiwiRuntime } from '../app/runtime.ts';
import type { TurnResult } from '../engine/listening/turn.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { concat, silence, speak, speechToolsMissing } from '../engine/models/testing/speech.ts';
import { createLogger } from '../platform/logger.ts';
import { FakeHomeAssistant } from '../testing/fake-home-assistant.ts';
import { LlmStandin } from '../testing/llm-standins.ts';

/**
 * The gate on real speech: espeak-ng says the command, Silero VAD and Whisper tiny.en turn it into
 * a transcript, the speaker stage finds no known voice, and the classifier reads what Whisper
 * wrote (its spelling, its punctuation), not a hand-typed string. Home Assistant and the LLM are
 * wire-protocol stand-ins, so "never reached" is counted on the wire.
 */
describeWithModels('voice security on spoken commands (real models)', (modelsDir) => {
  const haToken = 'ha-token-security-models';
  let ha: FakeHomeAssistant;
  let llm: LlmStandin;
  let runtime: KiwiRuntime;
  let dir: string;

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    ha = new FakeHomeAssistant(haToken);
    await ha.start();
    llm = await LlmStandin.start('openai');
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-security-'));
    await fs.writeFile(
      path.join(dir, 'config.yaml'),
      YAML.stringify({
        llm: { provider: 'openai', base_url: llm.baseUrl, model: 'standin-model' },
        homeassistant: { enabled: true, url: ha.url, token: haToken },
      }),
    );
    runtime = await KiwiRuntime.create({
      env: { KIWI_DATA_DIR: dir, KIWI_MODELS_DIR: modelsDir, KIWI_WAKE_WORD_ENGINE: 'text', KIWI_TTS_PROVIDER: 'piper', KIWI_AUTO_DOWNLOAD_MODELS: 'false' },
      logger: createLogger({ KIWI_LOG_LEVEL: 'silent' }),
    });
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
    await ha?.stop();
    await llm?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  async function say(text: string): Promise<TurnResult[]> {
    const results: TurnResult[] = [];
    const off = runtime.engine.onResult((r) => results.push(r));
    const audio = concat(silence(0.5), speak(text), silence(1.5));
    const session = runtime.engine.listen('mic', { awaitTurns: true });
    for (let at = 0; at < audio.length; at += 1600) await session.push(audio.subarray(at, at + 1600));
    await runtime.engine.endSource('mic');
    off();
    return results;
  }
  const reached = () => ha.requests.filter((r) => r.path === '/api/conversation/process').length + llm.requests.length;

  it('refuses an unknown voice asking to unlock the front door, and nothing reaches Home Assistant or the LLM', async () => {
    const before = reached();
    const results = await say('Kiwi, unlock the front door.');
    const turn = results.find((r) => r.wake);
    expect(turn, JSON.stringify(results)).toMatchObject({ speaker: null, command: 'refused', reply: "Sorry, I can't do that for you." });
    expect(reached()).toBe(before);
    expect(runtime.store.audit.list({ limit: 1 })[0]).toMatchObject({ outcome: 'refuse', role: 'unknown', severity: 'critical', rule: 'unlock_door' });
  }, 60_000);

  it('lets the same unknown voice ask something safe, which Home Assistant answers', async () => {
    ha.understands = true;
    const before = ha.requests.length;
    const results = await say('Kiwi, turn on the bedroom lights.');
    expect(results.find((r) => r.wake), JSON.stringify(results)).toMatchObject({ command: 'homeassistant', reply: 'Done, bedroom lights are on.' });
    expect(ha.requests.length).toBeGreaterThan(before);
    expect(runtime.store.audit.list({ limit: 1 })[0]).toMatchObject({ outcome: 'allow', role: 'unknown', severity: 'safe' });
  }, 60_000);
});
