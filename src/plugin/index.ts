export { SpotinstPlugin } from './plugin';
