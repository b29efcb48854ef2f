/**
 * What the browser stores record about each saved model, as `nr.io.listModels()` reports it.
 *
 * @packageDocumentation
 */
import type { ModelArtifacts } from '../types.js';

/**
 * What a browser store knows about one saved model (TensorFlow.js's `ModelArtifactsInfo`).
 *
 * @example
 * ```ts
 * const info: nr.io.ModelArtifactsInfo = (await nr.io.listModels())['indexeddb://my-model']!;
 * console.log(info.dateSaved, info.weightDataBytes);
 * ```
 */
export interface ModelArtifactsInfo {
  /** When the model was saved. */
  dateSaved: Date;
  /** How the topology is stored (always `'JSON'`). */
  modelTopologyType: 'JSON';
  /** Bytes of the topology as JSON. */
  modelTopologyBytes: number;
  /** Bytes of the weight specs as JSON. */
  weightSpecsBytes: number;
  /** Bytes of the weight data. */
  weightDataBytes: number;
}

const utf8Length = (s: string): number => new TextEncoder().encode(s).byteLength;

/** @internal The info record of artifacts saved now. */
export function artifactsInfo(a: ModelArtifacts): ModelArtifactsInfo {
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: utf8Length(JSON.stringify(a.modelTopology)),
    weightSpecsBytes: utf8Length(JSON.stringify(a.weightSpecs)),
    weightDataBytes: a.weightData.byteLength,
  };
}

/** @internal A model name of a browser-store URL, checked (`what` names the caller in errors). */
export function checkName(name: string, scheme: string, what: string): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new Error(`${what}: '${scheme}://' needs a model name, got ${JSON.stringify(name)}`);
  }
  return name;
}
