export { l1, l1l2, l2 } from './regularizers.js';
export type { Regularizer } from './regularizers.js';
