export { Trace } from './result.js';
export type { TraceArgs } from './trace.js';
export { trace } from './trace.js';
export type {
  TraceArray,
  TraceFilter,
  TraceKind,
  TraceLayer,
  TraceLoss,
  TraceMarkdownOptions,
  TraceParam,
  TraceStep,
} from './types.js';
