import { createRequire } from 'node:module';

/** The few sherpa-onnx-node calls the model tests make (the package ships no type declarations). */
export interface SherpaVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  front(enableExternalBuffer?: boolean): { start: number; samples: Float32Array };
  pop(): void;
  flush(): void;
}

export interface SherpaTts {
  sampleRate: number;
  numSpeakers: number;
  generate(request: { text: string; sid: number; speed: number; enableExternalBuffer?: boolean }): {
    samples: Float32Array;
    sampleRate: number;
  };
}

interface SherpaModule {
  Vad: new (config: unknown, bufferSizeInSeconds: number) => SherpaVad;
  OfflineTts: new (config: unknown) => SherpaTts;
}

const require = createRequire(import.meta.url);

/** sherpa-onnx-node is CommonJS with a native addon: load it on demand, in the tests that need it. */
export const loadSherpa = (): SherpaModule => require('sherpa-onnx-node') as SherpaModule;
