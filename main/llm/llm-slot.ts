import { createLlm, type CreateLlmOptions } from './factory.ts';
import type { Llm, LlmConfigSource } from './types.ts';

const NO_LLM = "llm.provider is 'none': only built-in commands and Home Assistant answer";

/**
 * The LLM client of a running Kiwi, beside the engine (the engine never calls it; the router
 * does). base_url, model, api_key and timeout_s are read per request; only a provider change
 * makes a new client, and that never touches the audio models.
 */
export class LlmSlot {
  #client: Llm | undefined;

  constructor(
    private readonly config: LlmConfigSource,
    private readonly options: CreateLlmOptions = {},
  ) {
    this.#client = createLlm(config, options);
  }

  get client(): Llm | undefined {
    return this.#client;
  }

  /** Why there is no client (the `llm:` line of GET /api/status `missing`), or null. */
  get missing(): string | null {
    return this.#client ? null : NO_LLM;
  }

  /** A new client for the configured provider; the old one is closed (OpenClaw keeps a gateway connection). */
  rebuild(): void {
    this.dispose();
    this.#client = createLlm(this.config, this.options);
  }

  dispose(): void {
    (this.#client as { dispose?: () => void } | undefined)?.dispose?.();
    this.#client = undefined;
  }
}
