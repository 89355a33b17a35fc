import path from 'node:path';
import { OnnxGe2e } from '../../stages/speaker/onnx-ge2e.ts';
import { SherpaSpeakerEmbedder, sherpaSpeakerConfig } from '../../stages/speaker/sherpa-speaker.ts';
import type { SpeakerEmbedder } from '../../stages.ts';

/** The speaker fixture: Resemblyzer's real GE2E encoder (scripts/models-resemblyzer-to-onnx.py). */
export const GE2E = 'speaker-substitute-resemblyzer-ge2e';

/** Its weights on onnxruntime: Kiwi's onnx-ge2e stage. `dir`: the installed fixture. */
export function loadGe2eOnnx(dir: string): Promise<SpeakerEmbedder> {
  return OnnxGe2e.load(path.join(dir, 'ge2e.onnx'), GE2E, { threads: 1 });
}

/**
 * The same weights through sherpa-onnx's SpeakerEmbeddingExtractor (the sherpa-speaker adapter
 * the catalog's speaker models use): ge2e-sherpa.onnx takes sherpa's own fbank features.
 */
export function loadGe2eSherpa(dir: string): Promise<SherpaSpeakerEmbedder> {
  return SherpaSpeakerEmbedder.load(sherpaSpeakerConfig({ id: GE2E, dir, config: { model: 'ge2e-sherpa.onnx' } }), GE2E);
}
