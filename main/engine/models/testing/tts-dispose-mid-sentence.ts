/**
 * Child process for tts.models.test: unloads the Piper voice while a sentence is still running on
 * sherpa's native thread and collects garbage until that sentence returns. Run with --expose-gc.
 * Prints "SURVIVED <samples>" and exits 0; a native model freed under the running sentence
 * crashes the process instead (SIGSEGV, exit 139).
 */
import { DEFAULT_CONFIG } from '../../../contract/config.ts';
import { sherpa } from '../../sherpa/sherpa-module.ts';
import { TTS_ENGINES } from '../../stages/tts/index.ts';
import { loadCatalog } from '../catalog.ts';
import { resolveModel } from '../resolve.ts';

const modelsDir = process.argv[2];
const gc = (globalThis as { gc?: () => void }).gc;
if (!modelsDir || !gc) throw new Error('usage: node --expose-gc --import tsx tts-dispose-mid-sentence.ts <models dir>');

// The Piper voice's own files through sherpa's VITS engine (Kiwi runs Piper on onnxruntime-node).
const piper = await resolveModel('tts', 'tts-piper-en-us-joe-medium', 'en', { modelsDir, catalog: await loadCatalog(), engines: ['onnx-piper'] });
const tts = await TTS_ENGINES['sherpa-tts-vits']!({ ...piper, engine: 'sherpa-tts-vits' }, { config: DEFAULT_CONFIG, modelsDir });
// Unload only once the sentence is inside the model (synthesize queues it first).
const { OfflineTts } = sherpa<{ OfflineTts: { prototype: { generateAsync: (...args: unknown[]) => Promise<unknown> } } }>();
const generate = OfflineTts.prototype.generateAsync;
let started = false;
OfflineTts.prototype.generateAsync = function (this: unknown, ...args: unknown[]) {
  started = true;
  return generate.apply(this, args);
};
let settled = false;
const sentence = tts.synthesize('The quick brown fox jumps over the lazy dog while the kiwi sings about the sea.', { voice: DEFAULT_CONFIG.tts_voice, speed: 1, language: 'en' });
void sentence.finally(() => (settled = true));
while (!started) await new Promise((r) => setTimeout(r, 1));
tts.dispose();
while (!settled) {
  gc();
  await new Promise((r) => setTimeout(r, 5));
}
console.log(`SURVIVED ${(await sentence).samples.length}`);
