import fs from 'node:fs/promises';
import path from 'node:path';
import type Koa from 'koa';
import { KiwiError } from '../platform/errors.ts';
import { CONTENT_TYPES } from '../platform/content-types.ts';

/** The dashboard may load only its own files and talk only to this server. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(): Koa.Middleware {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cache-Control', 'no-store');
    await next();
  };
}

/**
 * The built dashboard (dist/renderer) for GET requests outside /api. Paths are resolved inside
 * the folder and anything that escapes it is refused; unknown paths get index.html (client routing).
 */
export function serveDashboard(root: string): Koa.Middleware {
  const base = path.resolve(root);
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.path.startsWith('/api')) return next();
    const file = resolveInside(base, ctx.path);
    const target = (await isFile(file)) ? file : path.join(base, 'index.html');
    if (!(await isFile(target))) {
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = 'The dashboard is not built. Run `npm run build:renderer` (npm run serve does it for you).\n';
      return;
    }
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.type = CONTENT_TYPES[path.extname(target)] ?? 'application/octet-stream';
    ctx.body = await fs.readFile(target);
  };
}

/** The file a URL path names inside `base`; a path that cannot name one there is a client error. */
function resolveInside(base: string, urlPath: string): string {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath);
  } catch {
    throw new KiwiError('bad_path', `The path ${urlPath} is not valid percent-encoding`, 400);
  }
  if (relative.includes('\0')) throw new KiwiError('bad_path', 'A path may not contain a NUL byte', 400);
  const file = path.resolve(base, `.${relative}`);
  if (file !== base && !file.startsWith(base + path.sep)) {
    throw new KiwiError('not_found', `No dashboard file at ${urlPath}`, 404);
  }
  return file;
}

async function isFile(file: string): Promise<boolean> {
  const stat = await fs.stat(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
  return stat?.isFile() ?? false;
}
