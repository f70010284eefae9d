import { SpotinstPlugin } from './plugin';

// `export =` makes `require('serverless-spotinst-functions')` return the plugin class itself,
// which is what serverless 3 and osls expect of a plugin module.
export = SpotinstPlugin;
