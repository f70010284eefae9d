/**
 * The layering of src/ (docs/architecture.md): imports point down only, commands do not
 * import each other, the local platform uses only what is below it, no file imports
 * itself through others, and no source file outgrows what one reader can hold.
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '..', '..', '..', 'src');
const MAX_LINES = 500;

/** Each folder's floor: a file may import from lower floors and from its own folder. */
const FLOORS: Record<string, number> = {
  util: 0,
  spec: 1,
  framework: 2,
  api: 3,
  runtimes: 3,
  provider: 4,
  remote: 5,
  package: 5,
  local: 5,
  deploy: 6,
  invoke: 6,
  'invoke-local': 6,
  logs: 6,
  dev: 6,
  plugin: 7,
  'index.ts': 8,
};

/** The local platform serves the API; it needs nothing of the plugin's side. */
const LOCAL_MAY_USE = new Set(['util', 'spec', 'runtimes', 'local']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function folderOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0];
}

const IMPORT = /(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function resolveImport(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const target = resolveImport(file, match[1]);
    if (target) found.push(target);
  }
  return found;
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const rel = (file: string): string => path.relative(SRC, file);

/** Files that import one another in a loop (Tarjan's strongly connected components). */
function circles(): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indexOf.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indexOf.get(next)!));
      }
    }
    if (low.get(node) === indexOf.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(rel(member));
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const file of files) if (!indexOf.has(file)) visit(file);
  return found;
}

describe('the layering of src/', () => {
  it('gives every folder a floor', () => {
    const unknown = [...new Set(files.map(folderOf))].filter((folder) => FLOORS[folder] === undefined);
    expect(unknown).toEqual([]);
  });

  it('has no import that points up, or across to a sibling folder of the same floor', () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      for (const target of targets) {
        const to = folderOf(target);
        if (to === from) continue;
        if (FLOORS[to] >= FLOORS[from]) violations.push(`${rel(file)} -> ${rel(target)} (floor ${FLOORS[from]} -> ${FLOORS[to]})`);
        else if (from === 'local' && !LOCAL_MAY_USE.has(to))
          violations.push(`${rel(file)} -> ${rel(target)} (the platform uses only ${[...LOCAL_MAY_USE].join(', ')})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('has no circle of imports', () => {
    expect(circles()).toEqual([]);
  });

  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = files
      .map((file) => ({ file: rel(file), lines: fs.readFileSync(file, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });
});
