/** `serverless invoke`, and the event data and output helpers `invoke local` shares. */
export { invoke } from './invoke';
export type { FunctionCommandContext, CommandProvider } from '../provider/port';
