import { readFileSync } from 'node:fs';
import path from 'node:path';

// Read at load time from the package root: the same relative path holds for src/ (tests) and dist/.
const packageJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

export const PACKAGE_NAME = packageJson.name;
export const PACKAGE_VERSION = packageJson.version;

/** Sent with every request the plugin makes, to the API and to function URLs. */
export const USER_AGENT = `${PACKAGE_NAME}/${PACKAGE_VERSION}`;
