/**
 * Looks for the components tests need before any test runs (a bad SPOTINST_TEST_WITHOUT is
 * reported here), and in CI (SPOTINST_TEST_STRICT=1) stops the run when one is missing.
 */
import { missingComponents, missingComponentsReport, strict } from './requirements';

export default function globalSetup(): void {
  const missing = missingComponents();
  if (strict() && missing.length > 0) {
    throw new Error(`SPOTINST_TEST_STRICT=1 turns every skip into a failure. ${missingComponentsReport()}`);
  }
}
