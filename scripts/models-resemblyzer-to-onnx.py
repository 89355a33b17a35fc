"""Convert Resemblyzer's pretrained GE2E speaker encoder (PyPI resemblyzer 0.1.4, Apache-2.0)
into one ONNX model that takes 16 kHz audio and returns a 256-d L2-normalised voice embedding.

Kiwi's own conversion, for the model tests: no speaker-embedding model in sherpa-onnx's format
can be fetched on this machine, so the tests run this real pretrained encoder instead.

    python models-resemblyzer-to-onnx.py <pretrained.pt> <out.onnx> [<out-sherpa.onnx>]

With a third path it also writes the same encoder in sherpa-onnx's speaker-model layout (see
build_sherpa), so that Kiwi's sherpa-speaker adapter can be tested on real weights.

Needs numpy and onnx only (no torch): the legacy torch checkpoint format is a sequence of
pickles followed by the raw tensor storages, which this script reads itself.

The graph: centre-pad 200 → framing + windowed DFT as a strided Conv (n_fft 400, hop 160) →
power → 40 Slaney mel bands (as librosa computes them, the features the encoder was trained on)
→ 3-layer LSTM (256) → last hidden state → Linear → ReLU → L2 normalisation.
"""
import pickle
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SAMPLE_RATE, N_FFT, HOP, N_MELS, HIDDEN = 16000, 400, 160, 40, 256
SHERPA_FEATS = 80
PARTIAL_FRAMES = 160  # 1.6 s, the utterance length the encoder was trained on


class _Storage:
    def __init__(self, dtype, key):
        self.dtype, self.key, self.array = dtype, key, None


class _LegacyUnpickler(pickle.Unpickler):
    """Reads the object pickle of a legacy torch checkpoint, leaving storages as placeholders."""

    DTYPES = {'FloatStorage': np.float32, 'LongStorage': np.int64, 'IntStorage': np.int32}

    def __init__(self, f, storages):
        super().__init__(f)
        self.storages = storages

    def find_class(self, module, name):
        if module == 'torch._utils' and name == '_rebuild_tensor_v2':
            return lambda storage, offset, size, stride, *rest: ('tensor', storage, offset, tuple(size), tuple(stride))
        if module == 'torch' and name in self.DTYPES:
            return name
        if module == 'collections' and name == 'OrderedDict':
            import collections
            return collections.OrderedDict
        raise pickle.UnpicklingError(f'unexpected global {module}.{name} in the checkpoint')

    def persistent_load(self, pid):
        _, storage_type, key, _location, _size = pid[:5]
        if key not in self.storages:
            self.storages[key] = _Storage(self.DTYPES[storage_type], key)
        return self.storages[key]


def load_legacy_checkpoint(path):
    with open(path, 'rb') as f:
        magic = pickle.load(f)
        if magic != 0x1950A86A20F9469CFC6C:
            raise ValueError(f'{path} is not a legacy torch checkpoint')
        pickle.load(f)  # protocol version
        pickle.load(f)  # system info
        storages = {}
        obj = _LegacyUnpickler(f, storages).load()
        for key in pickle.load(f):
            (count,) = struct.unpack('<q', f.read(8))
            s = storages[key]
            s.array = np.frombuffer(f.read(count * np.dtype(s.dtype).itemsize), dtype=s.dtype)

    def materialise(value):
        if isinstance(value, tuple) and value and value[0] == 'tensor':
            _, storage, offset, size, stride = value
            itemsize = storage.array.itemsize
            return np.lib.stride_tricks.as_strided(
                storage.array[offset:], shape=size, strides=[s * itemsize for s in stride]).copy()
        if isinstance(value, dict):
            return {k: materialise(v) for k, v in value.items()}
        return value

    return materialise(obj)


def hz_to_mel(f):
    """Slaney mel scale (librosa's default, htk=False)."""
    f = np.asanyarray(f, dtype=np.float64)
    mels = f / (200.0 / 3)
    log_region = f >= 1000.0
    return np.where(log_region, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0), mels)


def mel_to_hz(m):
    m = np.asanyarray(m, dtype=np.float64)
    freqs = m * (200.0 / 3)
    return np.where(m >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)), freqs)


def mel_filters():
    """Triangular filters with Slaney area normalisation, shape (n_mels, 1 + n_fft/2)."""
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, 1 + N_FFT // 2)
    mel_points = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    fdiff = np.diff(mel_points)
    ramps = mel_points[:, None] - fft_freqs[None, :]
    weights = np.zeros((N_MELS, len(fft_freqs)))
    for i in range(N_MELS):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_points[2:N_MELS + 2] - mel_points[:N_MELS]))[:, None]
    return weights.astype(np.float32)


def dft_kernels():
    """Periodic Hann window times cos/sin bases, as Conv weights (2 * bins, 1, n_fft)."""
    n = np.arange(N_FFT)
    window = 0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)
    k = np.arange(1 + N_FFT // 2)[:, None]
    angle = 2 * np.pi * k * n[None, :] / N_FFT
    return np.concatenate([np.cos(angle) * window, -np.sin(angle) * window]).astype(np.float32)[:, None, :]


def lstm_weights(state, layer):
    """PyTorch gate order (i, f, g, o) → ONNX (i, o, f, c)."""
    def reorder(w):
        i, f, g, o = np.split(w, 4)
        return np.concatenate([i, o, f, g])
    w = reorder(state[f'lstm.weight_ih_l{layer}'])[None]
    r = reorder(state[f'lstm.weight_hh_l{layer}'])[None]
    b = np.concatenate([reorder(state[f'lstm.bias_ih_l{layer}']), reorder(state[f'lstm.bias_hh_l{layer}'])])[None]
    return w, r, b


def build(state):
    init = [
        numpy_helper.from_array(np.array([0, 0, N_FFT // 2, 0, 0, N_FFT // 2], dtype=np.int64), 'pads'),
        numpy_helper.from_array(dft_kernels(), 'dft'),
        numpy_helper.from_array(np.array([1], dtype=np.int64), 'axis1'),
        numpy_helper.from_array(np.array([-1, HIDDEN], dtype=np.int64), 'flat'),
        numpy_helper.from_array(state['linear.weight'].T.astype(np.float32), 'linear_w'),
        numpy_helper.from_array(state['linear.bias'].astype(np.float32), 'linear_b'),
    ]
    nodes = [
        helper.make_node('Unsqueeze', ['audio', 'axis1'], ['audio3']),                  # (1, 1, N)
        helper.make_node('Pad', ['audio3', 'pads'], ['padded'], mode='constant'),
        helper.make_node('Conv', ['padded', 'dft'], ['spec'], strides=[HOP]),           # (1, 2*bins, T)
        helper.make_node('Mul', ['spec', 'spec'], ['spec2']),                             # re², im²
        helper.make_node('Transpose', ['spec2'], ['spec2t'], perm=[0, 2, 1]),            # (1, T, 2*bins)
        helper.make_node('Reshape', ['spec2t', 'pair_shape'], ['pairs']),                # (1, T, 2, bins)
        helper.make_node('ReduceSum', ['pairs', 'pair_axis'], ['power'], keepdims=0),     # (1, T, bins)
        helper.make_node('MatMul', ['power', 'mel_t'], ['mels']),                        # (1, T, 40)
        helper.make_node('Transpose', ['mels'], ['x0'], perm=[1, 0, 2]),                 # (T, 1, 40)
    ]
    init += [
        numpy_helper.from_array(np.array([1, -1, 2, 1 + N_FFT // 2], dtype=np.int64), 'pair_shape'),
        numpy_helper.from_array(np.array([2], dtype=np.int64), 'pair_axis'),
        numpy_helper.from_array(mel_filters().T.copy(), 'mel_t'),
    ]
    x = 'x0'
    for layer in range(3):
        w, r, b = lstm_weights(state, layer)
        init += [numpy_helper.from_array(w, f'W{layer}'), numpy_helper.from_array(r, f'R{layer}'), numpy_helper.from_array(b, f'B{layer}')]
        nodes.append(helper.make_node('LSTM', [x, f'W{layer}', f'R{layer}', f'B{layer}'], [f'Y{layer}', f'H{layer}'], hidden_size=HIDDEN))
        nodes.append(helper.make_node('Squeeze', [f'Y{layer}', 'axis1'], [f'x{layer + 1}']))  # (T, 1, H)
        x = f'x{layer + 1}'
    nodes += [
        helper.make_node('Reshape', ['H2', 'flat'], ['hidden']),                         # (1, H)
        helper.make_node('MatMul', ['hidden', 'linear_w'], ['lin']),
        helper.make_node('Add', ['lin', 'linear_b'], ['lin_b']),
        helper.make_node('Relu', ['lin_b'], ['raw']),
        helper.make_node('ReduceL2', ['raw', 'axis1'], ['norm'], keepdims=1),
        helper.make_node('Div', ['raw', 'norm'], ['embedding']),
    ]
    graph = helper.make_graph(
        nodes, 'resemblyzer_ge2e',
        [helper.make_tensor_value_info('audio', TensorProto.FLOAT, [1, 'samples'])],
        [helper.make_tensor_value_info('embedding', TensorProto.FLOAT, [1, HIDDEN])],
        init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 18)], producer_name='kiwi')
    model.ir_version = 8
    for key, value in {'framework': 'resemblyzer-ge2e', 'sample_rate': str(SAMPLE_RATE), 'output_dim': str(HIDDEN),
                       'comment': 'converted by Kiwi scripts/models-resemblyzer-to-onnx.py'}.items():
        model.metadata_props.add(key=key, value=value)
    onnx.checker.check_model(model)
    return model


def kaldi_mel_filters():
    """sherpa-onnx's fbank filters (kaldi: 80 HTK-mel triangles, 20-7600 Hz, 512-point FFT), (80, 256)."""
    mel = lambda f: 1127.0 * np.log(1.0 + np.asarray(f, dtype=np.float64) / 700.0)
    edges = np.linspace(mel(20.0), mel(SAMPLE_RATE / 2 - 400.0), SHERPA_FEATS + 2)
    bins = mel(np.arange(256) * SAMPLE_RATE / 512)
    left, centre, right = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    return np.maximum(0, np.minimum((bins - left) / (centre - left), (right - bins) / (right - centre)))


def fbank_to_mel_matrix():
    """
    A linear map from sherpa's fbank energies to the 40 Slaney mel bands the encoder was trained
    on, (80, 40), all weights >= 0. Each fbank band's energy is read as a flat power density over
    its triangle; the triangles (which sum to one between bands) interpolate that density over
    the spectrum, flat beyond the first and last; kaldi's pre-emphasis (0.97) is divided out and
    its Povey window's power gain traded for librosa's Hann window's; then the Slaney filters.
    """
    n = np.arange(N_FFT)
    hann = 0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)
    povey = (0.5 - 0.5 * np.cos(2 * np.pi * n / (N_FFT - 1))) ** 0.85
    filters = kaldi_mel_filters()
    freqs = np.linspace(0, SAMPLE_RATE / 2, 1 + N_FFT // 2)
    # Each fbank triangle evaluated at librosa's bins (linear interpolation of the 512-point ones).
    kaldi_bins = np.arange(256) * SAMPLE_RATE / 512
    spread = np.stack([np.interp(freqs, kaldi_bins, f) for f in filters])              # (80, 201)
    spread[0, freqs < 20.0] = 1.0
    spread[-1, freqs > SAMPLE_RATE / 2 - 400.0] = 1.0
    density = spread / filters.sum(axis=1, keepdims=True)                                # energy → density
    emphasis = np.abs(1 - 0.97 * np.exp(-2j * np.pi * freqs / SAMPLE_RATE)) ** 2
    density = density / emphasis * (np.sum(hann ** 2) / np.sum(povey ** 2))
    return (density @ mel_filters().T.astype(np.float64)).astype(np.float32)


def build_sherpa(state):
    """
    The encoder in sherpa-onnx's speaker-model layout: `feats` [1, frames, 80] (the log fbank
    energies sherpa computes, samples in [-1, 1]) → `embedding` [1, 256]. The fbank energies are
    mapped to the encoder's 40 mel bands (fbank_to_mel_matrix); then the frames are cut into
    partials as Kiwi's GE2E stage cuts audio (ge2e-encoder.ts): 160 frames overlapping by half,
    the last one zero-filled up to half a step; fewer frames than one partial are looped from four
    starting points. The partials go through the LSTM as one batch; their unit embeddings are
    averaged and normalised.
    """
    consts = {
        'mel_map': fbank_to_mel_matrix(),
        'flat40': np.array([-1, N_MELS], dtype=np.int64),
        'partial': np.array(PARTIAL_FRAMES, dtype=np.int64),
        'half': np.array(PARTIAL_FRAMES // 2, dtype=np.int64),
        'last_reach': np.array(PARTIAL_FRAMES - PARTIAL_FRAMES // 4, dtype=np.int64),
        'loops': np.array(4, dtype=np.int64),
        'window': np.arange(PARTIAL_FRAMES, dtype=np.int64)[None, :],
        'zero': np.array(0, dtype=np.int64),
        'one': np.array(1, dtype=np.int64),
        'axis0': np.array([0], dtype=np.int64),
        'axis1': np.array([1], dtype=np.int64),
        'axis2': np.array([2], dtype=np.int64),
        'flat': np.array([-1, HIDDEN], dtype=np.int64),
        'tiny': np.array(1e-12, dtype=np.float32),
        'linear_w': state['linear.weight'].T.astype(np.float32),
        'linear_b': state['linear.bias'].astype(np.float32),
    }
    node = helper.make_node
    nodes = [
        node('Exp', ['feats'], ['energies']),                                               # (1, T, 80)
        node('MatMul', ['energies', 'mel_map'], ['mapped']),
        node('Relu', ['mapped'], ['mels3']),                                                # (1, T, 40)
        node('Reshape', ['mels3', 'flat40'], ['mels']),                                     # (T, 40)
        node('Shape', ['mels'], ['shape']),
        node('Gather', ['shape', 'zero'], ['frames']),                                      # T
        node('Less', ['frames', 'partial'], ['short']),
        # Long: partials start every 80 frames while the last reaches at most 40 past the end.
        node('Sub', ['frames', 'last_reach'], ['reach']),
        node('Div', ['reach', 'half'], ['more']),
        node('Add', ['more', 'one'], ['long_count']),
        node('Where', ['short', 'loops', 'long_count'], ['count']),
        node('Range', ['zero', 'count', 'one'], ['k']),                                     # (n,)
        node('Mul', ['k', 'frames'], ['k_frames']),
        node('Div', ['k_frames', 'loops'], ['loop_starts']),                                # k * T / 4
        node('Mul', ['k', 'half'], ['partial_starts']),                                     # k * 80
        node('Where', ['short', 'loop_starts', 'partial_starts'], ['starts']),
        node('Unsqueeze', ['starts', 'axis1'], ['starts_col']),                             # (n, 1)
        node('Add', ['starts_col', 'window'], ['positions']),                               # (n, 160)
        node('Mod', ['positions', 'frames'], ['looped']),
        node('Less', ['positions', 'frames'], ['inside']),
        node('Or', ['inside', 'short'], ['kept']),                                          # past the end: zero, unless looping
        node('Cast', ['kept'], ['keep'], to=TensorProto.FLOAT),
        node('Unsqueeze', ['keep', 'axis2'], ['keep3']),                                    # (n, 160, 1)
        node('Gather', ['mels', 'looped'], ['gathered'], axis=0),                           # (n, 160, 40)
        node('Mul', ['gathered', 'keep3'], ['batch']),
        node('Transpose', ['batch'], ['x0'], perm=[1, 0, 2]),                               # (160, n, 40)
    ]
    init = [numpy_helper.from_array(v, k) for k, v in consts.items()]
    x = 'x0'
    for layer in range(3):
        w, r, b = lstm_weights(state, layer)
        init += [numpy_helper.from_array(w, f'W{layer}'), numpy_helper.from_array(r, f'R{layer}'), numpy_helper.from_array(b, f'B{layer}')]
        nodes.append(node('LSTM', [x, f'W{layer}', f'R{layer}', f'B{layer}'], [f'Y{layer}', f'H{layer}'], hidden_size=HIDDEN))
        nodes.append(node('Squeeze', [f'Y{layer}', 'axis1'], [f'x{layer + 1}']))             # (160, n, H)
        x = f'x{layer + 1}'
    nodes += [
        node('Reshape', ['H2', 'flat'], ['hidden']),                                        # (n, H)
        node('MatMul', ['hidden', 'linear_w'], ['lin']),
        node('Add', ['lin', 'linear_b'], ['lin_b']),
        node('Relu', ['lin_b'], ['raw']),
        node('ReduceL2', ['raw', 'axis1'], ['norms'], keepdims=1),
        node('Max', ['norms', 'tiny'], ['safe_norms']),
        node('Div', ['raw', 'safe_norms'], ['units']),
        node('ReduceSum', ['units', 'axis0'], ['sum'], keepdims=1),                        # (1, H)
        node('ReduceL2', ['sum', 'axis1'], ['norm'], keepdims=1),
        node('Max', ['norm', 'tiny'], ['safe_norm']),
        node('Div', ['sum', 'safe_norm'], ['embedding']),
    ]
    graph = helper.make_graph(
        nodes, 'resemblyzer_ge2e_sherpa',
        [helper.make_tensor_value_info('feats', TensorProto.FLOAT, [1, 'frames', SHERPA_FEATS])],
        [helper.make_tensor_value_info('embedding', TensorProto.FLOAT, [1, HIDDEN])],
        init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 18)], producer_name='kiwi')
    model.ir_version = 8
    # sherpa-onnx reads these (framework must be one it knows; 3d-speaker's layout is fbank in,
    # embedding out); no feature normalisation: the encoder needs the energies as they are.
    for key, value in {'framework': '3d-speaker', 'sample_rate': str(SAMPLE_RATE), 'output_dim': str(HIDDEN),
                       'normalize_samples': '1', 'language': 'multi',
                       'comment': 'Resemblyzer GE2E (fbank in), converted by Kiwi scripts/models-resemblyzer-to-onnx.py'}.items():
        model.metadata_props.add(key=key, value=value)
    onnx.checker.check_model(model)
    return model


def main():
    src, dst = sys.argv[1], sys.argv[2]
    checkpoint = load_legacy_checkpoint(src)
    state = checkpoint['model_state']
    onnx.save(build(state), dst)
    if len(sys.argv) > 3:
        onnx.save(build_sherpa(state), sys.argv[3])


if __name__ == '__main__':
    main()
