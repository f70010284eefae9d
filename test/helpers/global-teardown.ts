/**
 * After the run (below jest's summary, where it is seen): the one line that says which tests
 * were skipped for a missing component, and how to install it.
 */
import { missingComponentsReport } from './requirements';

export default function globalTeardown(): void {
  const report = missingComponentsReport();
  if (report) process.stdout.write(`\n${report}\n`);
}
