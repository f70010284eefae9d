import { badRequest } from '../envelope';
import type { Route } from '../router';
import type { DocumentService } from '../services';
import { requiredString, unwrap, type JsonObject } from './body';

const KIND = 'spotinst:functions:userDocument';
/** A document value is one stored record: keep it to a sane size. */
const MAX_VALUE_BYTES = 256 * 1024;

function readValue(input: JsonObject): unknown {
  if (!('value' in input)) throw badRequest('userDocument.value is required', 'userDocument.value');
  if (Buffer.byteLength(JSON.stringify(input.value)) > MAX_VALUE_BYTES) {
    throw badRequest(`userDocument.value is larger than ${MAX_VALUE_BYTES / 1024} KB`, 'userDocument.value');
  }
  return input.value;
}

/** The environment's key/value store, read by functions through context.getDoc(). */
export function documentRoutes(documents: DocumentService): Route[] {
  return [
    {
      method: 'GET',
      template: '/functions/environment/{id}/userDocument',
      kind: KIND,
      handle: ({ params }) => documents.list(params[0]),
    },
    {
      method: 'POST',
      template: '/functions/environment/{id}/userDocument',
      kind: KIND,
      handle: async ({ params, body }) => {
        const input = unwrap(body, 'userDocument');
        const key = requiredString(input, 'key', 'userDocument.key', 256);
        return [await documents.create(params[0], key, readValue(input))];
      },
    },
    {
      method: 'GET',
      template: '/functions/environment/{id}/userDocument/{id}',
      kind: KIND,
      handle: async ({ params }) => [await documents.get(params[0], params[1])],
    },
    {
      method: 'PUT',
      template: '/functions/environment/{id}/userDocument/{id}',
      kind: KIND,
      handle: async ({ params, body }) => {
        const [environmentId, key] = params;
        const input = unwrap(body, 'userDocument');
        if (input.key !== undefined && input.key !== key)
          throw badRequest('userDocument.key cannot change (it is the path)', 'userDocument.key');
        return [await documents.update(environmentId, key, readValue(input))];
      },
    },
    {
      method: 'DELETE',
      template: '/functions/environment/{id}/userDocument/{id}',
      kind: KIND,
      handle: async ({ params }) => {
        const [environmentId, key] = params;
        await documents.delete(environmentId, key);
        return [];
      },
    },
  ];
}
