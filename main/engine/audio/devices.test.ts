import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPulseServer, type PulseServer } from '../../testing/pulse-server.ts';
import { listAudioDevices, parseAlsaList, parseDeviceId, parsePulseDevices } from './devices.ts';
import { findMicrophone, SystemMicrophone } from './system-input.ts';
import { findSpeaker, SystemSpeakerSink } from './system-output.ts';

const fixture = (name: string) => fsp.readFile(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const never = () => new AbortController().signal;
const tone = (seconds: number, rate = 16000) => ({
  samples: Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate)),
  sampleRate: rate,
});
/** The loudest frame's RMS: the recorders may start a little before or after the sound. */
const loudest = (frames: Float32Array[]) => Math.max(0, ...frames.map((f) => Math.sqrt(f.reduce((sum, s) => sum + s * s, 0) / f.length)));

describe('sound device listings (parsers on real output)', () => {
  it("reads pactl's JSON (PulseAudio 16.1): descriptions, defaults, monitors after microphones", async () => {
    const [info, sources, sinks] = await Promise.all(['info', 'sources', 'sinks'].map(async (n) => JSON.parse(await fixture(`pactl-16.1-${n}.json`)) as unknown));
    expect(parsePulseDevices(info, sources, sinks)).toEqual({
      inputs: [
        { id: 'pulse:kiwi_mic', name: 'Null Input', default: true },
        { id: 'pulse:kiwi_test.monitor', name: 'Monitor of Kiwi-Test-Speaker', default: false },
      ],
      outputs: [{ id: 'pulse:kiwi_test', name: 'Kiwi-Test-Speaker', default: true }],
    });
  });

  it('reads arecord -L: default and each card as plughw, nothing from a machine without a card', async () => {
    expect(parseAlsaList(await fixture('arecord-L-no-card.txt'))).toEqual([]);
    expect(parseAlsaList(await fixture('arecord-L-laptop.txt'))).toEqual([
      { id: 'alsa:default', name: 'Playback/recording through the PulseAudio sound server', default: true },
      { id: 'alsa:plughw:CARD=PCH,DEV=0', name: 'HDA Intel PCH, ALC3246 Analog', default: false },
      { id: 'alsa:plughw:CARD=Microphone,DEV=0', name: 'Yeti Stereo Microphone, USB Audio', default: false },
    ]);
  });

  it('parses device ids and leaves the modes alone', () => {
    expect(parseDeviceId('pulse:alsa_input.usb-Blue_Yeti-00.analog-stereo')).toEqual({ stack: 'pulse', name: 'alsa_input.usb-Blue_Yeti-00.analog-stereo' });
    expect(parseDeviceId('alsa:plughw:CARD=PCH,DEV=0')).toEqual({ stack: 'alsa', name: 'plughw:CARD=PCH,DEV=0' });
    for (const value of ['auto', 'system', 'none', 'pulse:', 'pulse:a b', 'jack:x', 'pulse:$(reboot)']) expect(parseDeviceId(value)).toBeNull();
  });

  it('lists nothing, without failing, where there is no sound server or card', async () => {
    expect(await listAudioDevices({ platform: 'linux', env: { PATH: process.env.PATH }, alsaPcmFile: '/nonexistent' })).toEqual({ stack: null, inputs: [], outputs: [] });
    expect(await listAudioDevices({ platform: 'darwin' })).toEqual({ stack: null, inputs: [], outputs: [] });
  });
});

describe('a real PulseAudio server with two speakers and a microphone', () => {
  let pulse: PulseServer;
  beforeAll(async () => {
    pulse = await startPulseServer({ sinks: { kiwi_desk: 'Desk-Speaker', kiwi_room: 'Room-Speaker' }, sources: { kiwi_mic: 'Null Input' } });
    await pulse.pactl('set-default-sink', 'kiwi_room');
    await pulse.pactl('set-default-source', 'kiwi_mic');
  }, 30_000);
  afterAll(async () => pulse?.stop());

  it('lists its devices with pactl, the defaults marked', async () => {
    const devices = await listAudioDevices({ platform: 'linux', env: pulse.env });
    expect(devices.stack).toBe('pulse');
    expect(devices.outputs).toEqual([
      { id: 'pulse:kiwi_desk', name: 'Desk-Speaker', default: false },
      { id: 'pulse:kiwi_room', name: 'Room-Speaker', default: true },
    ]);
    expect(devices.inputs[0]).toEqual({ id: 'pulse:kiwi_mic', name: 'Null Input', default: true });
    expect(devices.inputs.slice(1).map((d) => d.id).sort()).toEqual(['pulse:kiwi_desk.monitor', 'pulse:kiwi_room.monitor']);
  });

  it('plays on the chosen speaker and records from the chosen microphone (not the defaults)', async () => {
    const player = await findSpeaker({ platform: 'linux', env: pulse.env, device: { stack: 'pulse', name: 'kiwi_desk' } });
    expect(player?.name).toBe('paplay');
    const record = async (source: string) => {
      const recorder = await findMicrophone({ platform: 'linux', env: pulse.env, device: { stack: 'pulse', name: source } });
      expect(recorder?.name).toBe('parec');
      const frames: Float32Array[] = [];
      const mic = new SystemMicrophone(recorder!, { onFrame: (f) => frames.push(f) });
      mic.start();
      return { frames, mic };
    };
    const desk = await record('kiwi_desk.monitor');
    const room = await record('kiwi_room.monitor'); // the default sink's monitor: must stay silent
    await new SystemSpeakerSink(player!).play(tone(1.5), never());
    await Promise.all([desk.mic.stop(), room.mic.stop()]);
    expect(loudest(desk.frames)).toBeGreaterThan(0.25); // the tone's RMS is 0.35
    expect(room.frames.length).toBeGreaterThan(0); // it recorded, and heard nothing
    expect(loudest(room.frames)).toBeLessThan(0.001);
  }, 30_000);
});
