import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerAppRequest, resolveAppAsset } from './app-protocol.ts';
import { DESKTOP_CSP } from './window-options.ts';

describe('app:// protocol', () => {
  let root: string;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-app-'));
    await fs.mkdir(path.join(root, 'assets'));
    await fs.writeFile(path.join(root, 'desktop.html'), '<!doctype html><title>Kiwi</title>');
    await fs.writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    await fs.writeFile(path.join(root, 'secret.txt'), 'no');
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  it('maps URLs to files inside the renderer folder with their types', () => {
    expect(resolveAppAsset('app://kiwi/desktop.html?window=dashboard#/souls', root)).toEqual({ ok: true, file: path.join(root, 'desktop.html'), contentType: 'text/html; charset=utf-8' });
    expect(resolveAppAsset('app://kiwi/', root)).toMatchObject({ ok: true, file: path.join(root, 'desktop.html') });
    expect(resolveAppAsset('app://kiwi/assets/app.js', root)).toMatchObject({ ok: true, contentType: 'text/javascript; charset=utf-8' });
    expect(resolveAppAsset('app://kiwi/capture-worklet.js', root)).toMatchObject({ ok: true, file: path.join(root, 'capture-worklet.js') });
  });

  it('never names a file outside the folder, another host, or an unexpected kind of file', () => {
    const refused = [
      'app://kiwi/assets/..%2f..%2f..%2fetc%2fhosts.js',
      'app://kiwi/a%5c..%5c..%5cx.js',
      'app://kiwi/x%00.js',
      'app://kiwi/%E0%A4%A',
      'app://other/desktop.html',
      'file:///etc/passwd',
      'app://kiwi/secret.txt',
      'app://kiwi/assets',
      'garbage',
    ];
    for (const url of refused) {
      const found = resolveAppAsset(url, root);
      expect(found.ok, url).toBe(false);
      if (found.ok) continue;
      expect([400, 404]).toContain(found.status);
    }
  });

  it('a literal or %2e-encoded ../ is normalised away by the URL parser and stays inside the folder', () => {
    expect(resolveAppAsset('app://kiwi/../../secret.html', root)).toMatchObject({ ok: true, file: path.join(root, 'secret.html') });
    expect(resolveAppAsset('app://kiwi/%2e%2e/%2e%2e/etc/passwd.js', root)).toMatchObject({ ok: true, file: path.join(root, 'etc', 'passwd.js') });
  });

  it('serves a file with the strict CSP and no-sniff, and answers 404 for a missing one', async () => {
    const read = (file: string) => fs.readFile(file);
    const page = await answerAppRequest('app://kiwi/desktop.html', root, read);
    expect(page.status).toBe(200);
    expect(Buffer.from(page.body).toString()).toContain('<title>Kiwi</title>');
    expect(page.headers).toMatchObject({ 'Content-Security-Policy': DESKTOP_CSP, 'X-Content-Type-Options': 'nosniff', 'Content-Type': 'text/html; charset=utf-8' });
    const missing = await answerAppRequest('app://kiwi/nope.js', root, read);
    expect(missing.status).toBe(404);
    expect(missing.headers['Content-Security-Policy']).toBe(DESKTOP_CSP);
    expect((await answerAppRequest('app://kiwi/../../etc/passwd.html', root, read)).status).toBe(404);
  });
});
