/** Small vector maths for voice prints. Every stored voice print is unit length, so cosine = dot. */

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Cosine similarity in [-1, 1]; 0 for a zero vector or vectors of different sizes (not comparable). */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || a.length === 0) return 0;
  const n = Math.sqrt(dot(a, a) * dot(b, b));
  return n > 0 ? dot(a, b) / n : 0;
}

/** A unit-length copy; a zero (or non-finite) vector stays as it is and is caught by `isUsable`. */
export function normalize(v: Float32Array): Float32Array {
  const n = Math.sqrt(dot(v, v));
  if (!(n > 0) || !Number.isFinite(n)) return Float32Array.from(v);
  return v.map((x) => x / n);
}

/** A vector worth comparing: right size, finite, not all zeros. */
export function isUsable(v: Float32Array | null | undefined, dimension?: number): v is Float32Array {
  if (!v || v.length === 0 || (dimension !== undefined && v.length !== dimension)) return false;
  let sum = 0;
  for (const x of v) {
    if (!Number.isFinite(x)) return false;
    sum += x * x;
  }
  return sum > 0;
}

/** The voice print of several utterances: the mean of their unit embeddings, L2-normalised. */
export function meanOfUnits(vectors: Float32Array[]): Float32Array {
  if (vectors.length === 0) throw new Error('meanOfUnits needs at least one vector');
  const sum = new Float32Array(vectors[0]!.length);
  for (const v of vectors) {
    const unit = normalize(v);
    for (let i = 0; i < sum.length; i++) sum[i]! += unit[i]!;
  }
  return normalize(sum);
}

/**
 * Move `print` towards `sample` by `weight` (0..1) and renormalise:
 * normalize((1 - w) * print + w * unit(sample)).
 */
export function blend(print: Float32Array, sample: Float32Array, weight: number): Float32Array {
  const w = Math.min(1, Math.max(0, weight));
  const unit = normalize(sample);
  const out = new Float32Array(print.length);
  for (let i = 0; i < out.length; i++) out[i] = (1 - w) * print[i]! + w * unit[i]!;
  return normalize(out);
}
