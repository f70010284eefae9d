/** functions.*.handler: the spec's handler rule per family, with the handler that was probably meant. */
import { checkHandler, exampleHandlerFile, type HandlerRefusal } from '../../spec/handlers';
import type { RuntimeFamily } from '../../spec/runtimes';
import { renderValue } from './text';
import type { Problems } from './problems';

const JAVA_EXAMPLE = 'com.serverless.Handler';
const FILE_FUNCTION_FIX = 'write file.function, e.g. handler: handler.main';

function fixFor(refusal: HandlerRefusal, handler: string, family: RuntimeFamily | undefined): string {
  const { nearest } = refusal;
  switch (refusal.kind) {
    case 'java-method':
    case 'java-file':
    case 'java-path':
    case 'java-class':
      return nearest ? `use ${nearest}` : `write the fully qualified class name, e.g. ${JAVA_EXAMPLE}`;
    case 'no-function':
      return nearest ? `use ${nearest} (if the function "${handler}" is in ${exampleHandlerFile(family)})` : FILE_FUNCTION_FIX;
    case 'file-only':
      return nearest ? `use ${nearest} (if the function is named "main")` : FILE_FUNCTION_FIX;
    default:
      return nearest ? `use ${nearest}` : FILE_FUNCTION_FIX;
  }
}

/** The handler as written (trimmed); refused handlers are reported and returned as they are. */
export function validateHandler(raw: unknown, path: string, family: RuntimeFamily | undefined, problems: Problems): string {
  const example = family === 'java' ? JAVA_EXAMPLE : 'handler.main';
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    problems.error(
      path,
      raw,
      'handler is required',
      family === 'java'
        ? `add the fully qualified class name, e.g. handler: ${example}`
        : `add file.function, e.g. handler: ${example} for the function "main" exported by ${family ? exampleHandlerFile(family) : 'handler'}`,
    );
    return '';
  }
  if (typeof raw !== 'string') {
    problems.error(path, raw, 'handler must be a string', `write handler: ${example}`);
    return renderValue(raw);
  }
  const handler = raw.trim();
  const refusal = checkHandler(family, handler);
  if (refusal)
    problems.error(path, raw, `a ${family === 'java' ? 'java ' : ''}handler ${refusal.problem}`, fixFor(refusal, handler, family));
  return handler;
}
