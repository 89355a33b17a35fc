import path from 'node:path';
import type { EventBus } from '../../engine/events/event-bus.ts';
import type { Llm } from '../../engine/stages.ts';
import type { Logger } from '../../platform/logger.ts';
import { describeError } from '../../platform/errors.ts';
import { discoverGatewayToken } from './gateway-token.ts';
import { OpenClawLlm, type OpenClawOptions } from './openclaw-llm.ts';
import type { OpenClawPairing } from './pairing.ts';

/**
 * How the runtime links every OpenClaw client it builds to this Kiwi: the device identity in
 * <data>/openclaw, the gateway token from OpenClaw's own places when llm.api_key is empty, pairing
 * changes as OPENCLAW_PAIRING events (the dashboard says "approve Kiwi in OpenClaw").
 */
export function openClawLink(deps: { dataDir: string; bus: EventBus; logger: Logger; env?: NodeJS.ProcessEnv }): OpenClawOptions {
  return {
    identityDir: path.join(deps.dataDir, 'openclaw'),
    discoverToken: () => {
      try {
        return discoverGatewayToken(deps.env ?? process.env);
      } catch (err) {
        deps.logger.warn(`openclaw: ${describeError(err)}`);
        return '';
      }
    },
    onPairing: (pairing) => {
      const { state, gateway, device_id, request_id, message } = pairing;
      deps.bus.emit('OPENCLAW_PAIRING', { state, gateway, device_id, request_id, message }, 'llm');
      if (state === 'pairing_required') deps.logger.warn(`openclaw: approve Kiwi's device ${device_id} on the gateway (openclaw devices approve ${request_id ?? '--latest'})`);
    },
    onNotice: (message) => deps.logger.warn(`openclaw: ${message}`),
  };
}

/** /api/status's `openclaw`: the pairing state when the LLM is an OpenClaw gateway, else null. */
export function openClawPairing(llm: Llm | undefined): OpenClawPairing | null {
  return llm instanceof OpenClawLlm ? llm.pairing : null;
}
