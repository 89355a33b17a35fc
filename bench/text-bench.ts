import { LANGUAGES } from '../main/contract/languages.ts';
import { classify } from '../main/security/classifier.ts';
import { grammarFor } from '../main/timers/language/grammar.ts';

/**
 * Per-turn text work that runs on the event loop for every command: the security classifier and
 * the timer grammar, on ordinary commands and on odd, long input (the worst case a user or a
 * script can send). The unit tests check what they answer; this measures how long it takes.
 */
const ORDINARY = 'Kiwi, what is the weather like in Berlin tomorrow afternoon?';
const ODD = [
  `remind me to ${'seven '.repeat(30)}x`,
  `set a timer for ${'one '.repeat(40)}minutes`,
  'set a timer for '.repeat(20),
  'x'.repeat(5000),
];

function timePerCall(run: () => void, calls: number): { per_call_us: number; calls: number } {
  run(); // first call compiles the patterns
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) run();
  return { per_call_us: Math.round(((performance.now() - t0) / calls) * 1000 * 10) / 10, calls };
}

export async function runTextBench(): Promise<object> {
  const classifier = Object.fromEntries(LANGUAGES.map((language) => [language, timePerCall(() => classify(ORDINARY, language), 200)]));
  const en = grammarFor('en');
  const zh = grammarFor('zh');
  const grammar = {
    ordinary: timePerCall(() => en.match('set a timer for five minutes'), 200),
    odd_input_worst_ms: Math.max(
      ...[...ODD.map((text) => () => en.match(text)), () => zh.match(`提醒我${'一'.repeat(60)}`)].map((run) => timePerCall(run, 5).per_call_us / 1000),
    ),
  };
  return { classifier_per_call_us: classifier, timer_grammar: grammar, goal: 'classifier < 5 ms per call; odd timer input < 500 ms' };
}
