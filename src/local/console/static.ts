/**
 * The console's page and its assets, built by `scripts/build.js` (esbuild bundles
 * `console/app/`) into `dist/local/console/static/` beside this module: nothing is built at
 * run time, and the page loads nothing from anywhere but this platform.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** Where the build puts the assets: beside the compiled module. */
export const CONSOLE_ASSETS_DIR = path.join(__dirname, 'static');

/** The console's path; its assets live under it. */
export const CONSOLE_PATH = '/__local/console';

/**
 * Sent with the page and its assets. The page's script and style are files of this origin
 * (no inline script or style, no eval), it talks only to this origin, no other site may frame
 * it (clickjacking a page that can invoke functions), and nothing sniffs a type.
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const ASSETS: Record<string, { file: string; type: string }> = {
  '': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
  '/icon.svg': { file: 'icon.svg', type: 'image/svg+xml' },
};

/** Serves the console's files, read once from `dir` and kept in memory (a few tens of KB). */
export class ConsoleAssets {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly dir = CONSOLE_ASSETS_DIR) {}

  /** Whether `pathname` is the console's: `/__local/console` or a path under it. */
  static owns(pathname: string): boolean {
    return pathname === CONSOLE_PATH || pathname.startsWith(`${CONSOLE_PATH}/`);
  }

  /** Whether `pathname` is one of the console's files (the rest of its paths are 404s). */
  static has(pathname: string): boolean {
    return Object.hasOwn(ASSETS, pathname.slice(CONSOLE_PATH.length));
  }

  serve(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void {
    const method = req.method ?? 'GET';
    const asset = ConsoleAssets.has(pathname) ? ASSETS[pathname.slice(CONSOLE_PATH.length)] : undefined;
    const send = (status: number, type: string, body: Buffer | string, extra: Record<string, string> = {}): void => {
      res.writeHead(status, {
        ...CONSOLE_SECURITY_HEADERS,
        'Content-Type': type,
        'Content-Length': Buffer.byteLength(body),
        // the page holds no data (that comes from the API, with the token), but a stale build would mix with a new API
        'Cache-Control': 'no-cache',
        ...extra,
      });
      res.end(method === 'HEAD' ? undefined : body);
    };
    if (method !== 'GET' && method !== 'HEAD') {
      send(405, 'text/plain; charset=utf-8', `${method} is not supported on ${pathname} (GET)\n`, { Allow: 'GET, HEAD' });
      return;
    }
    if (!asset) {
      send(404, 'text/plain; charset=utf-8', `no such console file: ${pathname}\n`);
      return;
    }
    const content = this.read(asset.file);
    if (content === undefined) {
      send(
        503,
        'text/plain; charset=utf-8',
        `The console's assets are not built here (${this.dir}). They ship in dist/ with the package; ` +
          'in a checkout, run `npm run build` and start spotinst-local from dist/.\n',
      );
      return;
    }
    send(200, asset.type, content);
  }

  private read(file: string): Buffer | undefined {
    let content = this.cache.get(file);
    if (content === undefined) {
      try {
        content = fs.readFileSync(path.join(this.dir, file));
      } catch {
        return undefined;
      }
      this.cache.set(file, content);
    }
    return content;
  }
}
