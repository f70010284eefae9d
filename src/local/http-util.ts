import http from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the request body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a request body up to `limit` bytes. Past the limit it stops reading and rejects;
 * the caller answers 413 and closes the connection (the rest of the body is never read).
 * A request whose client went away before its body was read rejects too: such a request
 * never ends, and would otherwise count as in flight forever, so that close() never returns
 * (callers read the body after a lookup, which on PostgreSQL leaves time for the client to go).
 */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const clientGone = (): void => {
      if (failed || req.readableEnded) return;
      failed = true;
      reject(new Error('the client closed the connection before its request was read'));
    };
    if (req.destroyed) {
      clientGone();
      return;
    }
    req.on('close', clientGone);
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        req.pause();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (!failed) {
        failed = true;
        reject(error);
      }
    });
  });
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(req: http.IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1].trim() : undefined;
}

/** Compares secrets in constant time (hashing first makes the lengths equal). */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** `localhost`, `::1` (bracketed or not) or any 127.x.x.x: this machine only. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** The host name of a Host header, lower case, without the port. */
export function hostName(req: http.IncomingMessage): string {
  const host = (req.headers.host ?? '').toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}

/** Ends a connection after the reply when the request body was not (fully) read. */
export function closeAfterReply(res: http.ServerResponse): void {
  res.setHeader('Connection', 'close');
  res.on('finish', () => res.socket?.destroySoon?.());
}
