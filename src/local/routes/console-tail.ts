import http from 'node:http';
import type { TailEvent } from '../console/api-types';
import type { InvocationNotice } from '../invocation/invoker';
import type { ConsoleService } from '../services';
import type { InvocationSummary } from '../records';

/** A comment line now and then keeps proxies and browsers from closing a quiet stream. */
const HEARTBEAT_MS = 15000;

/** Where invocations are told as they are logged (the invoker's onInvocation). */
export interface InvocationFeed {
  onInvocation(listener: (notice: InvocationNotice) => void): () => void;
}

function summaryOf({ entry }: InvocationNotice): InvocationSummary {
  return {
    invocationId: entry.invocationId,
    startedAt: entry.startedAt ?? 0,
    ...(typeof entry.version === 'number' ? { version: entry.version } : {}),
    ...(entry.status === undefined ? {} : { status: entry.status }),
    ...(entry.durationMs === undefined ? {} : { durationMs: entry.durationMs }),
    ...(entry.coldStart === undefined ? {} : { coldStart: entry.coldStart }),
  };
}

/**
 * `GET /__local/api/functions/{id}/tail`: the function's invocations as they are logged, as
 * Server-Sent Events (`event: invocation`, data: TailEvent). The page reads it with fetch(),
 * which can send the Authorization header (EventSource cannot, and a token in the URL would
 * reach logs and history). Streams end when the client goes or the platform closes.
 */
export class InvocationTail {
  private readonly streams = new Set<http.ServerResponse>();
  private ended = false;

  constructor(
    private readonly feed: InvocationFeed,
    private readonly consoleService: ConsoleService,
  ) {}

  /** Serves one stream; resolves when it ends. A function that does not exist is the service's 404, thrown before any byte is sent. */
  async serve(res: http.ServerResponse, functionId: string): Promise<void> {
    await this.consoleService.function(functionId);
    if (this.ended) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1', Connection: 'close' });
      res.end('spotinst-local is shutting down\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.write(`: invocations of ${functionId}\n\n`);
    this.streams.add(res);
    const unsubscribe = this.feed.onInvocation((notice) => {
      if (notice.functionId !== functionId) return;
      const event: TailEvent = { functionId, invocation: summaryOf(notice) };
      res.write(`event: invocation\nid: ${notice.entry.invocationId}\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    await new Promise<void>((resolve) => {
      res.once('close', () => {
        unsubscribe();
        clearInterval(heartbeat);
        this.streams.delete(res);
        resolve();
      });
    });
  }

  /** Ends every stream (the platform is closing: a tail would otherwise hold it open for ever). */
  endAll(): void {
    this.ended = true;
    for (const res of this.streams) res.end();
  }
}
