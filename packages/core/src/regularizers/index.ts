export type { Regularizer } from './regularizers.js';
export { l1, l1l2, l2 } from './regularizers.js';
