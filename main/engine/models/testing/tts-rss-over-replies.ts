/**
 * Child process for piper-tts.models.test: speaks the soak's kind of replies (the time, and the
 * date every 5th) through one TTS engine and prints the RSS after the first reply and after the
 * last, as `RSS <first MiB> <last MiB>`. Run it with Kiwi's malloc tuning in its environment, as
 * `kiwi serve` runs (bin/malloc-tuning.mjs).
 */
import { DEFAULT_CONFIG } from '../../../contract/config.ts';
import { TTS_ENGINES } from '../../stages/tts/index.ts';
import { loadCatalog } from '../catalog.ts';
import { resolveModel } from '../resolve.ts';

const [modelsDir, engine = 'onnx-piper', count = '40'] = process.argv.slice(2);
if (!modelsDir || !TTS_ENGINES[engine]) throw new Error('usage: tts-rss-over-replies.ts <models dir> [engine] [replies]');

const piper = await resolveModel('tts', 'tts-piper-en-us-joe-medium', 'en', { modelsDir, catalog: await loadCatalog(), engines: ['onnx-piper'] });
const tts = await TTS_ENGINES[engine]!({ ...piper, engine: engine as typeof piper.engine }, { config: DEFAULT_CONFIG, modelsDir });
const mib = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const options = { voice: DEFAULT_CONFIG.tts_voice, speed: 1, language: 'en' };
let first = 0;
for (let i = 0; i < Number(count); i++) {
  const at = new Date(2026, 11, 5, 0, (i * 23) % 1440);
  const reply = i % 5 === 4
    ? `Today is ${at.toLocaleDateString('en', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' })}.`
    : `It's ${at.toLocaleTimeString('en', { hour: 'numeric', minute: '2-digit' })}.`;
  await tts.synthesize(reply, options);
  if (i === 0) first = mib();
}
console.log(`RSS ${first} ${mib()}`);
tts.dispose();
