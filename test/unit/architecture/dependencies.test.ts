/**
 * What package.json declares is what the code uses and what docs/dependencies.md explains:
 * a runtime dependency nothing imports still ships to every user, and one imported but not
 * declared breaks the installed plugin.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|js)$/.test(entry.name) ? [full] : [];
  });
}

/** `lodash/isEqual` → `lodash`, `@scope/pkg/x` → `@scope/pkg`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const BARE_IMPORT = /(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)['"]([^'".][^'"]*)['"]/g;
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Development packages the source may load, and when. */
const DEVELOPMENT_ONLY: Record<string, string> = {
  typescript: 'transpiles the node bootstrap when the sources run under the test suite (dist/ has it compiled)',
};

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

function importedPackages(files: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    for (const match of withoutComments(fs.readFileSync(file, 'utf8')).matchAll(BARE_IMPORT)) {
      if (!builtins.has(match[1])) names.add(packageName(match[1]));
    }
  }
  return names;
}

describe('declared dependencies', () => {
  const imported = importedPackages(sourceFiles(path.join(ROOT, 'src')));
  const declared = Object.keys(manifest.dependencies);

  it('are each imported by the source', () => {
    expect(declared.filter((name) => !imported.has(name))).toEqual([]);
  });

  it('cover every package the source imports', () => {
    expect([...imported].filter((name) => !declared.includes(name) && !(name in DEVELOPMENT_ONLY))).toEqual([]);
  });

  it('are each explained in docs/dependencies.md, and nothing else is', () => {
    const page = fs.readFileSync(path.join(ROOT, 'docs', 'dependencies.md'), 'utf8');
    const documented = new Set([...page.matchAll(/^\| `([^`]+)`/gm)].map((match) => match[1]));
    const all = [...declared, ...Object.keys(manifest.devDependencies)];
    const mentioned = new Set([...page.matchAll(/`([^`\s]+)`/g)].map((match) => match[1]));
    expect(all.filter((name) => !mentioned.has(name))).toEqual([]);
    expect([...documented].filter((name) => !all.includes(name))).toEqual([]);
  });
});
