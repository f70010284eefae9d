import type { CronJobConfig, QueryParam } from '../../spec/wire';
import { badRequest } from '../envelope';
import type { Route } from '../router';
import { checkCronExpression } from '../../spec/cron';
import type { JobService } from '../services';
import { isObject, JsonObject, optionalBoolean, optionalObject, optionalString, requiredString, unwrap } from './body';

const KIND = 'spotinst:spectrum:events:job';

/** The expression to schedule: as sent, or normalised (`/1 * * * *` runs as `*\/1 * * * *`). */
function checkCron(expression: string): string {
  const checked = checkCronExpression(expression);
  if (checked.ok) return checked.expression;
  const instead = checked.reason.nearest === undefined ? '' : `; e.g. ${checked.reason.nearest}`;
  throw badRequest(`job.cronExpression "${expression}" ${checked.reason.problem}${instead}`, 'job.cronExpression');
}

function readAction(input: JsonObject, required: true): 'INVOKE_FUNCTION';
function readAction(input: JsonObject, required: false): 'INVOKE_FUNCTION' | undefined;
function readAction(input: JsonObject, required: boolean): 'INVOKE_FUNCTION' | undefined {
  const action = required ? requiredString(input, 'action', 'job.action', 64) : optionalString(input, 'action', 'job.action', 64);
  if (action !== undefined && action !== 'INVOKE_FUNCTION')
    throw badRequest(`job.action must be INVOKE_FUNCTION (got "${action}")`, 'job.action');
  return action;
}

function readConfig(input: JsonObject): CronJobConfig | undefined {
  const config = optionalObject(input, 'config', 'job.config');
  if (config === undefined) return undefined;
  const result: CronJobConfig = {};
  const body = config.body;
  if (body !== undefined && body !== null) {
    // the SDK sends the body as a string; an object is accepted and kept as its JSON text
    result.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const params = config.queryParams;
  if (params !== undefined && params !== null) {
    if (!Array.isArray(params)) throw badRequest('job.config.queryParams must be a list of {key, value}', 'job.config.queryParams');
    result.queryParams = params.map((param, index): QueryParam => {
      const field = `job.config.queryParams[${index}]`;
      if (!isObject(param) || typeof param.key !== 'string' || param.key === '')
        throw badRequest(`${field} must be {key, value} with a non-empty key`, field);
      const value = param.value;
      return {
        key: param.key,
        value: value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value),
      };
    });
  }
  return result;
}

export function jobRoutes(jobs: JobService): Route[] {
  return [
    {
      method: 'GET',
      template: '/spectrum/events/job',
      kind: KIND,
      handle: ({ query }) =>
        jobs.list({
          environmentId: query.get('environmentId') || undefined,
          resourceId: query.get('resourceId') || undefined,
          action: query.get('action') || undefined,
        }),
    },
    {
      method: 'POST',
      template: '/spectrum/events/job',
      kind: KIND,
      handle: async ({ body }) => {
        const input = unwrap(body, 'job');
        const environmentId = requiredString(input, 'environmentId', 'job.environmentId', 64);
        const action = readAction(input, true);
        const resourceId = requiredString(input, 'resourceId', 'job.resourceId', 64);
        const cronExpression = checkCron(requiredString(input, 'cronExpression', 'job.cronExpression', 256));
        const isEnabled = optionalBoolean(input, 'isEnabled', 'job.isEnabled');
        const config = readConfig(input);
        return [
          await jobs.create({
            environmentId,
            action,
            resourceId,
            cronExpression,
            ...(isEnabled === undefined ? {} : { isEnabled }),
            ...(config ? { config } : {}),
          }),
        ];
      },
    },
    {
      method: 'GET',
      template: '/spectrum/events/job/{id}',
      kind: KIND,
      handle: async ({ params }) => [await jobs.get(params[0])],
    },
    {
      method: 'PUT',
      template: '/spectrum/events/job/{id}',
      kind: KIND,
      handle: async ({ params, body }) => {
        const input = unwrap(body, 'job');
        const environmentId = optionalString(input, 'environmentId', 'job.environmentId', 64);
        readAction(input, false);
        const resourceId = optionalString(input, 'resourceId', 'job.resourceId', 64);
        const expression = optionalString(input, 'cronExpression', 'job.cronExpression', 256);
        const isEnabled = optionalBoolean(input, 'isEnabled', 'job.isEnabled');
        const config = readConfig(input);
        return [
          await jobs.update(params[0], {
            ...(environmentId === undefined ? {} : { environmentId }),
            ...(resourceId === undefined ? {} : { resourceId }),
            ...(expression === undefined ? {} : { cronExpression: checkCron(expression) }),
            ...(isEnabled === undefined ? {} : { isEnabled }),
            ...(config ? { config } : {}),
          }),
        ];
      },
    },
    {
      method: 'DELETE',
      template: '/spectrum/events/job/{id}',
      kind: KIND,
      handle: async ({ params }) => {
        await jobs.delete(params[0]);
        return [];
      },
    },
  ];
}
