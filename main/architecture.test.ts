import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, importsOf } from './testing/import-graph.ts';

const MAIN = path.resolve(import.meta.dirname);
const rel = (file: string) => path.relative(MAIN, file);

describe('the shape of main/', () => {
  it('has no import cycle (type-only imports count)', () => {
    const cycles = importCycles(importGraph(MAIN)).map((loop) => loop.map(rel).join(' → '));
    expect(cycles).toEqual([]);
  });

  it('the cycle check sees every kind of import, and finds a loop when there is one', () => {
    const file = path.join(MAIN, 'x', 'a.ts');
    const source = [
      "import { b } from './b.ts';",
      "import type { C } from '../c.ts';",
      "export { d } from './d.ts';",
      "export type { E } from './e.ts';",
      "const f = await import('./f.ts');",
      "import './g.ts';",
      "import { z } from 'zod';",
    ].join('\n');
    expect(importsOf(file, source).map(rel)).toEqual(['x/b.ts', 'c.ts', 'x/d.ts', 'x/e.ts', 'x/f.ts', 'x/g.ts']);
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(importCycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
  });
});
