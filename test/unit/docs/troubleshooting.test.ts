/**
 * docs/troubleshooting.md promises every error code the plugin raises, with its fix. This
 * reads the codes out of the source and fails when one is missing from the page.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Variables and prefixes that look like codes but are not raised as one. */
const NOT_CODES = new Set([
  'SPOTINST_TOKEN',
  'SPOTINST_ACCOUNT',
  'SPOTINST_PROFILE',
  'SPOTINST_API_URL',
  'SPOTINST_CREDENTIALS_FILE',
  'SPOTINST_LOCAL_FAULTS',
  'SPOTINST_FUNCTION_ID',
  'SPOTINST_ENVIRONMENT_ID',
  'SPOTINST_FUNCTION_VERSION',
  'SPOTINST_INVOKE',
  'SPOTINST_INVOKE_LOCAL',
  'SPOTINST_LOGS',
]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'local' ? [] : sourceFiles(full); // spotinst-local's codes are API codes
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('docs/troubleshooting.md', () => {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'troubleshooting.md'), 'utf8');
  const source = sourceFiles(path.join(ROOT, 'src'))
    .map((file) => fs.readFileSync(file, 'utf8'))
    .join('\n');

  it('lists every literal error code of the source', () => {
    const codes = new Set([...source.matchAll(/'(SPOTINST_[A-Z0-9_]+)'/g)].map((match) => match[1]).filter((code) => !NOT_CODES.has(code)));
    expect(codes.size).toBeGreaterThan(40);
    expect([...codes].filter((code) => !page.includes(`\`${code}\``))).toEqual([]);
  });

  it('lists every code the invoke and logs commands build from their prefix', () => {
    const suffixes = new Set([...source.matchAll(/`\$\{prefix\}(_[A-Z0-9_]+)`/g)].map((match) => match[1]));
    expect(suffixes.size).toBeGreaterThan(3);
    expect([...suffixes].filter((suffix) => !page.includes(`\`…${suffix}\``))).toEqual([]);
  });
});
