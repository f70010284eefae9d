/**
 * Counters behind `GET /__local/stats`, in exactly the shape SPEC §7 gives (other tools
 * read it): management API requests by `METHOD /route/{id}` template, request body bytes,
 * decoded code bytes uploaded, function invocations and worker cold starts.
 */
export interface LocalStats {
  requests: Record<string, number>;
  requestBytes: number;
  codeBytesUploaded: number;
  invocations: number;
  coldStarts: number;
}

export class StatsCounter {
  private current: LocalStats = StatsCounter.empty();

  static empty(): LocalStats {
    return { requests: {}, requestBytes: 0, codeBytesUploaded: 0, invocations: 0, coldStarts: 0 };
  }

  countRequest(routeKey: string): void {
    this.current.requests[routeKey] = (this.current.requests[routeKey] ?? 0) + 1;
  }

  addRequestBytes(bytes: number): void {
    this.current.requestBytes += bytes;
  }

  addCodeBytes(bytes: number): void {
    this.current.codeBytesUploaded += bytes;
  }

  countInvocation(coldStart: boolean): void {
    this.current.invocations += 1;
    if (coldStart) this.current.coldStarts += 1;
  }

  snapshot(): LocalStats {
    return {
      requests: { ...this.current.requests },
      requestBytes: this.current.requestBytes,
      codeBytesUploaded: this.current.codeBytesUploaded,
      invocations: this.current.invocations,
      coldStarts: this.current.coldStarts,
    };
  }

  reset(): void {
    this.current = StatsCounter.empty();
  }
}
