import { badRequest } from '../envelope';
import type { Route } from '../router';
import type { LogService } from '../services';

const KIND = 'spotinst:functions:log';

function readWindowBound(value: string | null, name: string): number | undefined {
  if (value === null || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) throw badRequest(`${name} must be epoch milliseconds`, name);
  return number;
}

/** Listed before the function routes: "log" in /functions/function/log is not a function id. */
export function logRoutes(logs: LogService): Route[] {
  return [
    {
      method: 'GET',
      template: '/functions/function/log',
      kind: KIND,
      handle: ({ query }) => {
        const functionId = query.get('functionId');
        if (!functionId) throw badRequest('functionId is required', 'functionId');
        const to = readWindowBound(query.get('to'), 'to');
        const from = readWindowBound(query.get('from'), 'from');
        return logs.window(functionId, from, to);
      },
    },
  ];
}
