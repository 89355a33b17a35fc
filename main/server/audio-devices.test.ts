import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../contract/routes.ts';
import { findMicrophone, SystemMicrophone } from '../engine/audio/system-input.ts';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { startPulseServer, type PulseServer } from '../testing/pulse-server.ts';
import { TestWsClient, wsUrl } from '../testing/ws-client.ts';

// GET /api/audio/devices and config audio.input / audio.output naming a device, through a real
// Kiwi: once on a machine without any sound stack, once beside a private PulseAudio server.

const devicesOf = async (k: TestKiwi) => {
  const res = await k.request('GET', '/api/audio/devices');
  expect(res.status, res.text).toBe(200);
  return routes.audioDevices.response.parse(res.json);
};

describe('audio devices without a sound server or card', () => {
  let k: TestKiwi;
  beforeAll(async () => (k = await startTestKiwi({ env: { KIWI_AUDIO_INPUT: '', KIWI_AUDIO_OUTPUT: '' }, config: { audio: { input: 'none', output: 'none' } } })));
  afterAll(async () => k?.cleanup());

  it('lists no devices: an empty, valid answer', async () => {
    expect(await devicesOf(k)).toEqual({ stack: null, inputs: [], outputs: [] });
  });

  it('refuses a device id that names nothing, and a value that is no device id', async () => {
    const unknown = await k.request('PATCH', '/api/config', { body: { audio: { input: 'pulse:usb_mic' } } });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({
      error: { code: 'invalid_request', message: expect.stringContaining("audio.input: no input device 'pulse:usb_mic' (no sound server or sound card was found)") },
    });
    const malformed = await k.request('PATCH', '/api/config', { body: { audio: { output: 'my speaker; rm -rf /' } } });
    expect(malformed.status).toBe(400);
    expect((malformed.json as { error: { message: string } }).error.message).toMatch(/audio\.output: .*device id/);
    expect((await k.request('PATCH', '/api/config', { body: { audio: { input: 'auto', output: 'system' } } })).status).toBe(200);
  });
});

describe('audio devices of a PulseAudio server', () => {
  let pulse: PulseServer;
  let k: TestKiwi;
  beforeAll(async () => {
    pulse = await startPulseServer({ sinks: { kiwi_desk: 'Desk-Speaker', kiwi_room: 'Room-Speaker' }, sources: { kiwi_mic: 'Null Input' } });
    await pulse.pactl('set-default-sink', 'kiwi_room');
    const env = { ...(pulse.env as Record<string, string>), KIWI_AUDIO_INPUT: '', KIWI_AUDIO_OUTPUT: '' };
    k = await startTestKiwi({ env, config: { audio: { input: 'none', output: 'none' } } });
  }, 30_000);
  afterAll(async () => {
    await k?.cleanup();
    await pulse?.stop();
  });

  it('lists what pactl sees, with ids the config takes', async () => {
    const devices = await devicesOf(k);
    expect(devices.stack).toBe('pulse');
    expect(devices.outputs).toEqual([
      { id: 'pulse:kiwi_desk', name: 'Desk-Speaker', default: false },
      { id: 'pulse:kiwi_room', name: 'Room-Speaker', default: true },
    ]);
    expect(devices.inputs.map((d) => d.id)).toContain('pulse:kiwi_mic');
    const unknown = await k.request('PATCH', '/api/config', { body: { audio: { output: 'pulse:kiwi_garage' } } });
    expect(unknown.status).toBe(400);
    expect((unknown.json as { error: { message: string } }).error.message).toContain("no output device 'pulse:kiwi_garage'");
  });

  it('speaks through the chosen output device and listens on the chosen microphone', async () => {
    const events = await TestWsClient.connect(wsUrl(k.url, '/api/events'));
    await events.waitForEvent('CONNECTED');
    try {
      let from = events.mark();
      const res = await k.request('PATCH', '/api/config', { body: { audio: { input: 'pulse:kiwi_mic', output: 'pulse:kiwi_desk' } } });
      expect(res.status, res.text).toBe(200);
      await events.waitForEvent('CONFIG_CHANGED', from);
      // The microphone is re-attached after the change: /api/status names its recorder.
      await expect.poll(async () => ((await k.request('GET', '/api/status')).json as { system_microphone: { recorder: string } | null }).system_microphone?.recorder, { timeout: 10_000 }).toBe('parec');
      // Listen to the desk speaker through its monitor while Kiwi says something.
      const recorder = await findMicrophone({ platform: 'linux', env: pulse.env, device: { stack: 'pulse', name: 'kiwi_desk.monitor' } });
      const frames: Float32Array[] = [];
      const monitor = new SystemMicrophone(recorder!, { onFrame: (f) => frames.push(f) });
      monitor.start();
      from = events.mark();
      expect((await k.request('POST', '/api/tts/test', { body: { text: 'Testing the desk speaker.' } })).status).toBe(200);
      await events.waitForEvent('TTS_FINISHED', from, 20_000);
      await monitor.stop();
      const peak = Math.max(0, ...frames.map((f) => Math.max(...f.map(Math.abs))));
      expect(peak).toBeGreaterThan(0.05); // Kiwi's voice came out of the chosen speaker
    } finally {
      await events.close();
    }
  }, 60_000);
});
