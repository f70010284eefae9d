import { checkHandler, handlerCandidates, HANDLER_FILE_EXTENSIONS } from '../../../src/spec/handlers';

describe('handler files', () => {
  it.each([
    ['nodejs8.3', 'handler.main', ['handler.js', 'handler.cjs', 'handler.mjs']],
    ['nodejs83', './lib/handler.main', ['lib/handler.js', 'lib/handler.cjs', 'lib/handler.mjs']],
    ['python2.7', 'src/app.main', ['src/app.py']],
    ['ruby2.4.1', 'handler.main', ['handler.rb']],
    ['java8', 'com.serverless.Handler', ['com/serverless/Handler.class']],
  ])('%s %s may live in %j', (runtime, handler, files) => {
    expect(handlerCandidates(runtime, handler)).toEqual(files);
  });

  it('node has one list, the one every caller reads', () => {
    expect(HANDLER_FILE_EXTENSIONS.nodejs).toEqual(['.js', '.cjs', '.mjs']);
  });
});

describe('handler shape', () => {
  it.each([
    ['nodejs', 'handler.main'],
    ['nodejs', 'lib/api/users.$get'],
    ['nodejs', './handler.main'],
    ['python', 'src/app.get_user'],
    ['ruby', 'handler.main'],
    ['java', 'com.serverless.Handler'],
    ['java', 'Handler'],
    [undefined, 'handler.main'],
  ] as const)('%s %s is accepted', (family, handler) => {
    expect(checkHandler(family, handler)).toBeUndefined();
  });

  it.each([
    ['nodejs', 'handler', 'no-function', 'handler.handler'],
    ['nodejs', 'handler.js', 'file-only', 'handler.main'],
    ['nodejs', 'handler.ts', 'file-only', 'handler.main'],
    ['nodejs', 'handler:main', 'colon', 'handler.main'],
    ['nodejs', 'handler.main()', 'parentheses', 'handler.main'],
    ['nodejs', 'handler. main', 'spaces', 'handler.main'],
    ['nodejs', '../shared/handler.main', 'outside', undefined],
    ['nodejs', '/srv/handler.main', 'outside', undefined],
    ['python', 'handler.$main', 'not-an-identifier', undefined],
    ['java', 'com.serverless.Handler::handleRequest', 'java-method', 'com.serverless.Handler'],
    ['java', 'com/serverless/Handler.java', 'java-file', 'com.serverless.Handler'],
    ['java', 'src/main/java/com/serverless/Handler', 'java-path', 'com.serverless.Handler'],
    ['java', 'com.serverless.1Handler', 'java-class', undefined],
  ] as const)('%s %s is refused (%s)', (family, handler, kind, nearest) => {
    const refusal = checkHandler(family, handler);
    expect(refusal?.kind).toBe(kind);
    expect(refusal?.nearest).toBe(nearest);
    expect(refusal?.problem).toMatch(/^must be /);
  });
});
