/**
 * spotinst-local's bin as JavaScript, for tests that run it: src/ transpiled the way the
 * build compiles it (without type checks, which `tsc` covers) into a temp directory, with
 * the runtime assets and package.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { tempDir } from './platform';

const ROOT = path.join(__dirname, '..', '..');

function transpileSources(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    // the console's browser code is bundled by the build, never required by node
    if (entry.isDirectory()) {
      if (source !== path.join(ROOT, 'src', 'local', 'console', 'app')) transpileSources(source, path.join(to, entry.name));
    } else if (entry.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      const output = ts.transpileModule(fs.readFileSync(source, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      }).outputText;
      fs.writeFileSync(path.join(to, entry.name.replace(/\.ts$/, '.js')), output);
    } else if (/\.(py|rb|java)$/.test(entry.name)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, path.join(to, entry.name));
    }
  }
}

export interface TranspiledBin {
  /** dist/local/cli.js of the temp build */
  cli: string;
  /** what to run it with: node_modules of this checkout, no faults from the test's environment */
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export function transpiledBin(): TranspiledBin {
  const dir = tempDir('spotinst-local-bin-');
  transpileSources(path.join(ROOT, 'src'), path.join(dir, 'dist'));
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  return {
    cli: path.join(dir, 'dist', 'local', 'cli.js'),
    env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), SPOTINST_LOCAL_FAULTS: '' },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
