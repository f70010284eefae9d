/**
 * `--database postgres://user[:password]@host[:port]/db`: checked before anything connects,
 * and shown everywhere (banner, errors, logs) without its password.
 */

export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUrlError';
  }
}

const PROTOCOLS = new Set(['postgres:', 'postgresql:']);
const SECRET_PARAMS = ['password', 'sslpassword', 'sslkey'];

/**
 * The URL with any password replaced by `***` (in the user part and in query parameters).
 * Text that is not a URL is not echoed at all: it may be a password pasted in the wrong place.
 */
export function redactDatabaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return '<a database URL that could not be parsed>';
  }
  if (url.password !== '') url.password = '***';
  for (const name of SECRET_PARAMS) if (url.searchParams.has(name)) url.searchParams.set(name, '***');
  return url.toString();
}

/** Refuses what is not a PostgreSQL URL, naming the option, the (redacted) value and the fix. */
export function checkDatabaseUrl(text: string, option = '--database'): string {
  const example = 'postgres://user:password@host:5432/database';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DatabaseUrlError(`${option} must be a PostgreSQL URL such as ${example}; the value given is not a URL`);
  }
  if (!PROTOCOLS.has(url.protocol)) {
    throw new DatabaseUrlError(
      `${option} must be a PostgreSQL URL (postgres:// or postgresql://), not ${redactDatabaseUrl(text)}; for example ${example}. ` +
        'Without it spotinst-local keeps everything in SQLite in --data-dir.',
    );
  }
  if (url.hostname === '')
    throw new DatabaseUrlError(`${option} must name the database's host: ${redactDatabaseUrl(text)} has none (e.g. ${example})`);
  if (url.pathname.replace(/^\//, '') === '') {
    throw new DatabaseUrlError(`${option} must name the database after the host: ${redactDatabaseUrl(text)} has none (e.g. ${example})`);
  }
  return text;
}
