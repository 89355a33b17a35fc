/* global AudioWorkletProcessor, registerProcessor, sampleRate */
/**
 * Kiwi's microphone tap: copies the first input channel into ~20 ms blocks and posts each block
 * to the page (which resamples it to 16 kHz and sends it to Kiwi). Served from the dashboard's
 * own origin, as the Content-Security-Policy requires.
 */
class KiwiCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.size = Math.round(sampleRate * 0.02);
    this.block = new Float32Array(this.size);
    this.filled = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      let offset = 0;
      while (offset < channel.length) {
        const n = Math.min(channel.length - offset, this.size - this.filled);
        this.block.set(channel.subarray(offset, offset + n), this.filled);
        this.filled += n;
        offset += n;
        if (this.filled === this.size) {
          this.port.postMessage(this.block, [this.block.buffer]);
          this.block = new Float32Array(this.size);
          this.filled = 0;
        }
      }
    }
    return true; // keep running while the page holds the node
  }
}

registerProcessor('kiwi-capture', KiwiCapture);
