/** Says once, before the tests, which components this machine lacks and what that skips. */
import { missingComponentsReport, strict } from './requirements';

export default function globalSetup(): void {
  const missing = missingComponentsReport();
  if (missing.length === 0) return;
  if (strict()) {
    throw new Error(`SPOTINST_TEST_STRICT=1 and this machine lacks what tests need:\n${missing.map((line) => `  - ${line}`).join('\n')}`);
  }
  process.stdout.write(`\n${missing.map((line) => `SKIPPED: ${line}`).join('\n')}\n\n`);
}
