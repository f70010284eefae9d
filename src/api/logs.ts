import { HttpTransport } from './http';
import type { InvocationLog } from '../spec/wire';

export class LogsApi {
  constructor(private readonly http: HttpTransport) {}

  /** Invocations of a function that started in [fromMs, toMs], with their printed lines. */
  async list(functionId: string, fromMs: number, toMs: number): Promise<InvocationLog[]> {
    return this.http.request<InvocationLog>('GET', '/functions/function/log', {
      query: { functionId, from: Math.floor(fromMs), to: Math.floor(toMs) },
      resource: `logs of function ${functionId}`,
    });
  }
}
