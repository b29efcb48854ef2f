export type {
  ConfigDict,
  ConfigValue,
  Initializer,
  InitializerName,
  SerializedInitializer,
} from './initializers.js';
export {
  computeFans,
  constant,
  getInitializer,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  ones,
  orthogonal,
  randomNormalInit as randomNormal,
  randomUniformInit as randomUniform,
  serializeInitializer,
  varianceScaling,
  zeros,
} from './initializers.js';
