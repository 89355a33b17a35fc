/** Home Assistant's ways into Kiwi: MQTT discovery (mqtt/) and the Wyoming service (wyoming/). */
export { Integrations, type IntegrationsStatus } from './integrations.ts';
export { runtimeControl, runtimeStages } from './runtime-adapter.ts';
