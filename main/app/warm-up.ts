import type { ReplyPreview } from '../engine/listening/turn.ts';
import type { LlmPhraseBook } from '../llm/phrases.ts';
import { classify } from '../security/index.ts';
import { grammarFor } from '../timers/language/grammar.ts';

/** A step of the command path that costs most the first time it runs for a language. */
export type WarmStep = (language: string) => unknown;

/** Words that are no command in any language: every matcher reads them through and finds nothing. */
const NOTHING = 'tell me something about penguins';

/**
 * The steps a spoken command passes before the LLM is asked, each without side effects: the
 * built-in commands (their preview only matches), the timers grammar, the security rules and the
 * LLM's phrases. Measured in a process of their own, first call / second / third: security
 * 100 / 18 / under 1 ms (every language's rules load, and V8 compiles each regex when it first
 * runs it), timers grammar 80–90 / under 1 ms.
 */
export function commandPathSteps(deps: { preview: ReplyPreview; phrases: LlmPhraseBook }): WarmStep[] {
  return [
    (language) => deps.preview({ text: NOTHING, language, speaker: null, source: 'warm-up', signal: new AbortController().signal }),
    (language) => grammarFor(language).match(NOTHING),
    (language) => classify(NOTHING, language),
    (language) => deps.phrases.get(language),
  ];
}

/**
 * Run each step a few times for `language`, yielding to the event loop between runs, so the
 * first-call costs are paid when Kiwi starts (or its language changes), not in the first command
 * someone speaks: the turns bench's first LLM-routed turn spent ~195 ms in its command stage,
 * later ones 5–40. A step that fails is reported and the others still run.
 */
export async function warmUp(language: string, steps: readonly WarmStep[], report: (err: unknown) => void, runs = 3): Promise<void> {
  for (let run = 0; run < runs; run += 1) {
    for (const step of steps) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        await step(language);
      } catch (err) {
        report(err);
      }
    }
  }
}

/** Warms the command path once per language: at the first engine's start and on each change of language. */
export class CommandPathWarmer {
  #warmedFor: string | null = null;

  constructor(
    private readonly steps: readonly WarmStep[],
    private readonly report: (err: unknown) => void,
  ) {}

  /** Resolves once the warm-up for `language` is done (at once when it already ran or is running). */
  warm(language: string): Promise<void> {
    if (this.#warmedFor === language) return Promise.resolve();
    this.#warmedFor = language;
    return warmUp(language, this.steps, this.report);
  }
}
