/**
 * What the platform assumes when a request leaves a setting out; the plugin sends the same
 * values so that "not written" and "written as the default" plan the same way.
 */
import type { ActiveVersion, CorsConfig } from './wire';

/** The Spotinst cloud; `provider.spotinst.apiUrl` or SPOTINST_API_URL point elsewhere. */
export const DEFAULT_API_URL = 'https://api.spotinst.io';

/** All traffic to the newest version. */
export const DEFAULT_ACTIVE_VERSIONS: readonly ActiveVersion[] = Object.freeze([Object.freeze({ version: '$LATEST', percentage: 100 })]);

export const DEFAULT_CORS: Readonly<CorsConfig> = Object.freeze({ enabled: false });
