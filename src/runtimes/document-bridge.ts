import type { ChildMessage, ParentMessage } from './types';

/** Reads a document of the function's environment; resolves undefined when the key does not exist. */
export type DocumentReader = (key: string) => Promise<unknown>;

type DocumentRequest = Extract<ChildMessage, { type: 'getDoc' }>;

/**
 * Answers a worker's `context.getDoc(key)`: the function waits for this reply, so every
 * request gets one, also when there is no document store (not found) or reading fails (the
 * error's message, which the worker raises in the function).
 */
export async function answerDocumentRequest(
  request: DocumentRequest,
  read: DocumentReader | undefined,
  reply: (message: ParentMessage) => void,
): Promise<void> {
  const answer = (fields: { found: boolean; value?: unknown; error?: string }): void =>
    reply({ type: 'doc', id: request.id, ref: request.ref, ...fields });
  if (!read) {
    answer({ found: false });
    return;
  }
  try {
    const value = await read(request.key);
    answer(value === undefined ? { found: false } : { found: true, value });
  } catch (error) {
    answer({ found: false, error: (error as Error).message });
  }
}
