// Draws Kiwi's app and tray icons (a kiwi-fruit slice) as PNGs with no dependencies:
// shapes are sampled 4x4 per pixel for smooth edges, then written with zlib.
// Run: node resources/icons/make-icons.mjs   (the PNGs are committed; rerun after changing this file)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

const PALETTES = {
  app: { skin: [107, 79, 42], flesh: [124, 194, 66], fleshEdge: [92, 160, 45], core: [243, 240, 200], seed: [30, 24, 18] },
  idle: { skin: [88, 64, 34], flesh: [124, 194, 66], fleshEdge: [92, 160, 45], core: [243, 240, 200], seed: [30, 24, 18] },
  active: { skin: [255, 255, 255], flesh: [150, 230, 80], fleshEdge: [110, 200, 50], core: [255, 255, 230], seed: [20, 16, 12] },
  off: { skin: [90, 90, 90], flesh: [150, 150, 150], fleshEdge: [125, 125, 125], core: [215, 215, 215], seed: [60, 60, 60] },
};

/** Colour (RGBA) of the point (x, y) in [-1, 1]², or null outside the icon. */
function shade(x, y, p, seeds) {
  const r = Math.hypot(x, y);
  if (r > 0.94) return null;
  if (r > 0.84) return [...p.skin, 255];
  if (seeds) {
    for (let i = 0; i < 12; i++) {
      const a = (i / 12) * Math.PI * 2;
      const cx = Math.cos(a) * 0.42;
      const cy = Math.sin(a) * 0.42;
      // An ellipse pointing at the centre: long axis along the radius.
      const u = (x - cx) * Math.cos(a) + (y - cy) * Math.sin(a);
      const v = -(x - cx) * Math.sin(a) + (y - cy) * Math.cos(a);
      if ((u / 0.1) ** 2 + (v / 0.045) ** 2 <= 1) return [...p.seed, 255];
    }
  }
  if ((x / 0.22) ** 2 + (y / 0.16) ** 2 <= 1) return [...p.core, 255];
  const t = Math.min(1, r / 0.84);
  return [...p.flesh.map((c, i) => Math.round(c + (p.fleshEdge[i] - c) * t * t)), 255];
}

function render(size, palette, seeds) {
  const rgba = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = ((px + (sx + 0.5) / n) / size) * 2 - 1;
          const y = ((py + (sy + 0.5) / n) / size) * 2 - 1;
          const c = shade(x, y, palette, seeds);
          if (!c) continue;
          for (let i = 0; i < 3; i++) acc[i] += c[i] * c[3];
          acc[3] += c[3];
        }
      }
      const o = (py * size + px) * 4;
      const alpha = acc[3] / (n * n);
      for (let i = 0; i < 3; i++) rgba[o + i] = acc[3] ? Math.round(acc[i] / acc[3]) : 0;
      rgba[o + 3] = Math.round(alpha);
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const write = (name, size, palette, seeds) => fs.writeFileSync(path.join(here, name), png(size, render(size, palette, seeds)));
for (const size of [1024, 512, 256]) write(`icon-${size}.png`, size, PALETTES.app, true);
for (const state of ['idle', 'active', 'off']) {
  // Seeds vanish into noise at 16 px; the tray keeps them only in the @2x image.
  write(`tray-${state}.png`, 16, PALETTES[state], false);
  write(`tray-${state}@2x.png`, 32, PALETTES[state], true);
}
