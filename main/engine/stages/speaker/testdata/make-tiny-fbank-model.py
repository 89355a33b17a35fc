"""Build tiny-fbank-mean.onnx: a synthetic graph in the layout of sherpa-onnx's WeSpeaker models,
for testing Kiwi's sherpa-speaker adapter where no real sherpa speaker model can be downloaded.

It is NOT a speaker model: it averages the 80 fbank features sherpa computes over time and projects
them with a fixed pseudo-random 80x16 matrix. It exercises the real sherpa SpeakerEmbeddingExtractor
path (metadata, feature extraction, ONNX run) end to end.

    python make-tiny-fbank-model.py tiny-fbank-mean.onnx      (needs numpy and onnx)
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FEATS, DIM = 80, 16

weights = np.random.default_rng(20251125).standard_normal((FEATS, DIM)).astype(np.float32)
graph = helper.make_graph(
    [
        helper.make_node('ReduceMean', ['feats'], ['pooled'], axes=[1], keepdims=0),
        helper.make_node('MatMul', ['pooled', 'projection'], ['embedding']),
    ],
    'tiny_fbank_mean',
    [helper.make_tensor_value_info('feats', TensorProto.FLOAT, [1, 'T', FEATS])],
    [helper.make_tensor_value_info('embedding', TensorProto.FLOAT, [1, DIM])],
    [numpy_helper.from_array(weights, 'projection')],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='kiwi-test')
model.ir_version = 8
for key, value in {
    'framework': 'wespeaker',
    'output_dim': str(DIM),
    'sample_rate': '16000',
    'normalize_samples': '0',
    'language': 'English',
    'comment': 'synthetic test graph (fbank mean x fixed projection), not a speaker model',
}.items():
    entry = model.metadata_props.add()
    entry.key, entry.value = key, value
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
