/**
 * Child process for piper-tts.models.test: speaks the soak's kind of replies (the time, and the
 * date every 5th) through one TTS engine and prints `RSS <first MiB> <last MiB>`, then every
 * reply's RSS. Run it with Kiwi's malloc tuning in its environment, as `kiwi serve` runs
 * (bin/malloc-tuning.mjs), and with --expose-gc.
 *
 * Each reading follows a full collection; "first" is after the first reply, "last" the lowest of
 * the last five. What stays (a leak, or a peak an engine keeps) shows; garbage JavaScript had yet
 * to collect on a busy machine does not (CI once read +28 MiB where a quiet run reads +0 to +7).
 */
import { DEFAULT_CONFIG } from '../../../contract/config.ts';
import { TTS_ENGINES } from '../../stages/tts/index.ts';
import { loadCatalog } from '../catalog.ts';
import { resolveModel } from '../resolve.ts';

const [modelsDir, engine = 'onnx-piper', count = '40'] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!modelsDir || !TTS_ENGINES[engine] || !gc) throw new Error('usage: node --expose-gc --import tsx tts-rss-over-replies.ts <models dir> [engine] [replies]');

const piper = await resolveModel('tts', 'tts-piper-en-us-joe-medium', 'en', { modelsDir, catalog: await loadCatalog(), engines: ['onnx-piper'] });
const tts = await TTS_ENGINES[engine]!({ ...piper, engine: engine as typeof piper.engine }, { config: DEFAULT_CONFIG, modelsDir });
const mib = () => {
  gc();
  return Math.round(process.memoryUsage().rss / 2 ** 20);
};
const options = { voice: DEFAULT_CONFIG.tts_voice, speed: 1, language: 'en' };
const readings: number[] = [];
for (let i = 0; i < Number(count); i++) {
  const at = new Date(2026, 11, 5, 0, (i * 23) % 1440);
  const reply = i % 5 === 4
    ? `Today is ${at.toLocaleDateString('en', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' })}.`
    : `It's ${at.toLocaleTimeString('en', { hour: 'numeric', minute: '2-digit' })}.`;
  await tts.synthesize(reply, options);
  readings.push(mib());
}
console.log(`RSS ${readings[0]} ${Math.min(...readings.slice(-5))}`);
console.log(readings.join(' '));
tts.dispose();
