import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // One bundle with React and the zod contract (~550 kB, ~165 kB gzipped), served from the same machine: splitting would buy nothing.
    chunkSizeWarningLimit: 1024,
    // Two pages: the browser dashboard, and the desktop windows' entry (talks over the preload API).
    rolldownOptions: {
      input: { index: fileURLToPath(new URL('index.html', import.meta.url)), desktop: fileURLToPath(new URL('desktop.html', import.meta.url)) },
    },
  },
});
