import { z } from 'zod';
import { LanguageCode } from './languages.ts';

/** The config's groups for the systems Kiwi talks to: the LLM, Home Assistant, Telegram, MQTT and Wyoming. */

const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL');

/** An MQTT topic prefix: no wildcards, no empty levels. */
const mqttTopic = z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'letters, digits, _ and - in levels separated by /').max(128);

/** OpenClaw only: the agent and session Kiwi talks to; an nsfw soul's conversations go to their own (empty: the same). */
const OpenClawName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _');
export const OpenClawTarget = z
  .object({
    agent: OpenClawName,
    session: OpenClawName.describe('session key prefix: agent:<agent>:<session>-<speaker>'),
    nsfw_agent: z.union([OpenClawName, z.literal('')]),
    nsfw_session: z.union([OpenClawName, z.literal('')]),
  })
  .strict();

/** Where the dashboard looks for LLM servers on this computer (127.0.0.1 only): each one's usual port. */
export const LocalLlmPorts = z
  .object({
    ollama: z.number().int().min(1).max(65535),
    lmstudio: z.number().int().min(1).max(65535),
    llamacpp: z.number().int().min(1).max(65535),
  })
  .strict()
  .describe('ports on 127.0.0.1 where GET /api/llm/local looks for Ollama, LM Studio and llama.cpp');

export const LlmSettings = z
  .object({
    provider: z.enum(['none', 'openai', 'anthropic', 'openclaw']),
    base_url: z.union([httpUrl, z.literal('')]),
    model: z.string().max(128),
    api_key: z.string().max(512),
    timeout_s: z.number().min(1).max(600),
    openclaw: OpenClawTarget,
    local_ports: LocalLlmPorts,
  })
  .strict();

export const HomeAssistantSettings = z
  .object({
    enabled: z.boolean(),
    url: z.union([httpUrl, z.literal('')]),
    token: z.string().max(1024),
    language: z.union([LanguageCode, z.literal('')]),
  })
  .strict();

/** Approvals through a Telegram bot: only the owner's Telegram account, in the configured chat, can answer. */
export const TelegramSettings = z
  .object({
    enabled: z.boolean(),
    bot_token: z.string().max(256),
    chat_id: z.union([z.string().regex(/^-?[0-9]{1,20}$/, 'a Telegram chat id is a number'), z.literal('')]).describe('the chat approval requests are sent to'),
    owner_user_id: z.union([z.string().regex(/^[0-9]{1,20}$/, 'a Telegram user id is a number'), z.literal('')]).describe("the owner's Telegram user id: only their button presses count"),
    api_base_url: httpUrl.describe('Telegram Bot API server (https://api.telegram.org, or a self-hosted one)'),
  })
  .strict();

/** Home Assistant sees and controls Kiwi through MQTT discovery (main/integrations/mqtt). */
export const MqttSettings = z
  .object({
    enabled: z.boolean(),
    url: z
      .union([
        z
          .string()
          .regex(/^(mqtts?|wss?):\/\/[^\s]+$/, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')
          // What the regex lets through but no client can connect to: a broken host, a port past 65535.
          .refine((url) => URL.canParse(url), 'is not a URL Kiwi can connect to (check the host, and a port from 1 to 65535)'),
        z.literal(''),
      ])
      .describe('the broker, e.g. mqtt://homeassistant.local:1883'),
    username: z.string().max(256),
    password: z.string().max(1024),
    discovery_prefix: mqttTopic.describe("Home Assistant's discovery prefix (homeassistant unless changed in HA)"),
    base_topic: mqttTopic.describe("Kiwi's own state and command topics start with this"),
  })
  .strict();

/** Kiwi's STT, voices and wake words as a Wyoming service for Home Assistant's voice pipeline (main/integrations/wyoming). */
export const WyomingSettings = z
  .object({
    enabled: z.boolean(),
    host: z.string().min(1).max(255),
    port: z.number().int().min(0).max(65535),
    allowed_clients: z
      .array(z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]))
      .max(32)
      .describe('addresses or subnets (192.168.1.0/24) besides loopback that may connect; Wyoming has no credentials, so binding beyond loopback needs this list'),
  })
  .strict();
