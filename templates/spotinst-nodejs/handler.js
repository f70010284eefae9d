'use strict';

/**
 * The hello function. Event: {query, body, headers, method, path}; the body arrives
 * JSON-parsed when it is JSON. Answers {"message": "Hello <name>"}, the name taken from
 * the body ({"name": "..."}), else the query string (?name=...), else "world".
 * What it prints shows in `serverless logs -f hello`.
 */
module.exports.main = async (event, context) => {
  const body = event.body !== null && typeof event.body === 'object' ? event.body : {};
  const name = body.name || (event.query && event.query.name) || 'world';
  const greeting = process.env.GREETING || 'Hello';
  console.log(`hello: greeting ${name} (request ${context.requestId})`);
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: `${greeting} ${name}` }),
  };
};
