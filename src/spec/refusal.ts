/**
 * How a platform rule says no. Each rule of src/spec returns a Refusal (or nothing) instead
 * of throwing, and phrases it without naming where the value was written, so that its two
 * callers can each put their own name in front of the same sentence:
 *
 * - the plugin's validator (src/provider/validate): `${key} ${problem}`, under the
 *   serverless.yml key path, followed by its own "Fix:" line built from `nearest`;
 * - spotinst-local: `badRequest(`${field} ${problem} (got ${value})`, field)` where `field`
 *   is the API field, e.g. `function.limits.memory`.
 */
export interface Refusal<Kind extends string = string> {
  /** which rule refused, for callers that word their fix per case */
  kind: Kind;
  /** reads after the name of the field: "must be a whole number of MB, a multiple of 64 between 128 and 2496" */
  problem: string;
  /** the accepted value nearest to the one given, when one can be named */
  nearest?: string | number;
}
