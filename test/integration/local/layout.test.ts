/**
 * spotinst-local's own layering (src/local/README.md): request → route → service → store,
 * and invocation → pool → runner. Routes never touch the store; only services (and the
 * wiring in platform.ts) do; the invocation ladder knows nothing of routes, services or
 * stores; stores know nothing above them.
 */
import fs from 'node:fs';
import path from 'node:path';

const LOCAL = path.join(__dirname, '..', '..', '..', 'src', 'local');
const IMPORT = /(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The part of src/local a file is in: its first folder, or the file itself at the top. */
function partOf(file: string): string {
  const relative = path.relative(LOCAL, file);
  return relative.startsWith('..') ? 'outside' : relative.split(path.sep)[0];
}

/** Parts of src/local each part must not import. */
const FORBIDDEN: Record<string, string[]> = {
  routes: ['store'],
  services: ['routes', 'server.ts', 'platform.ts'],
  store: ['routes', 'services', 'invocation', 'server.ts', 'platform.ts'],
  invocation: ['routes', 'services', 'store', 'server.ts', 'platform.ts'],
};

test('routes never touch the store; services, stores and the invocation ladder import nothing above them', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(LOCAL)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const target = path.resolve(path.dirname(file), match[1]);
      const to = partOf(fs.existsSync(`${target}.ts`) ? `${target}.ts` : target);
      if (FORBIDDEN[partOf(file)]?.includes(to)) violations.push(`${path.relative(LOCAL, file)} imports ${match[1]}`);
    }
  }
  expect(violations).toEqual([]);
});

test('only the services and the wiring open or query a store', () => {
  const users = sourceFiles(LOCAL)
    .filter((file) => !['store', 'services'].includes(partOf(file)))
    .filter((file) => [...fs.readFileSync(file, 'utf8').matchAll(IMPORT)].some((match) => /(^|\/)store(\/|$)/.test(match[1])))
    .map((file) => path.relative(LOCAL, file));
  expect(users).toEqual(['platform.ts']);
});
