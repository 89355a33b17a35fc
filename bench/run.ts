import fs from 'node:fs';
import path from 'node:path';
import { runApiBench } from './api-bench.ts';
import { runConversationBench } from './conversation-bench.ts';
import { runTextBench } from './text-bench.ts';
import { runSpeakerBench } from './speaker-bench.ts';
import { runTurnsBench } from './turns-bench.ts';
import { runSoak } from './soak.ts';
import { fixturesDir, runVoiceBench } from './voice-bench.ts';
import { runSttLanguagesBench } from './stt-languages-bench.ts';
import { runSttWindowBench } from './stt-window-bench.ts';
import { machine } from './kiwi-process.ts';

/** `npm run bench`: runs every suite and writes bench/results/<suite>.json (committed with the code). */
/** The soak runs KIWI_SOAK_MINUTES (default 30) of three real-time microphones, commands and API traffic. */
const soak = () => runSoak({ minutes: Number(process.env.KIWI_SOAK_MINUTES ?? 30), modelsDir: fixturesDir() });
const suites: Record<string, () => Promise<object>> = {
  api: runApiBench,
  voice: runVoiceBench,
  conversation: runConversationBench,
  text: runTextBench,
  speaker: runSpeakerBench,
  turns: runTurnsBench,
  soak,
  'stt-languages': runSttLanguagesBench,
  'stt-window': runSttWindowBench,
};

const only = process.argv.slice(2);
for (const [name, run] of Object.entries(suites)) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`bench ${name}…`);
  const result = { suite: name, date: new Date().toISOString(), machine: machine(), results: await run() };
  const file = path.join('bench', 'results', `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result.results, null, 2));
}
