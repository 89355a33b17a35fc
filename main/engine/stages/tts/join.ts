/** Sentences synthesized one by one, joined with `gap` samples of silence between them. */
export function concatWithGaps(parts: readonly Float32Array[], gap: number): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const total = parts.reduce((n, p) => n + p.length, 0) + Math.max(0, parts.length - 1) * gap;
  const out = new Float32Array(total);
  let offset = 0;
  parts.forEach((p, i) => {
    if (i > 0) offset += gap;
    out.set(p, offset);
    offset += p.length;
  });
  return out;
}
