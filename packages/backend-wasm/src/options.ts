/**
 * The options of the WASM backend, in a file of their own that imports nothing from tfjs, so the package's
 * public declarations do not pull tfjs's typings into a user's project.
 *
 * @packageDocumentation
 */

/**
 * Options of {@link wasm}; they take effect on the first call in a process (the WebAssembly module is
 * loaded once and shared).
 *
 * @example
 * ```ts
 * const options: WasmOptions = { wasmPaths: 'https://cdn.jsdelivr.net/npm/@tensorflow/tfjs-backend-wasm@4.22.0/dist/' };
 * ```
 */
export interface WasmOptions {
  /**
   * Where the `.wasm` binaries are served from, for bundled browser apps: a URL prefix (directory ending
   * in `/`) or a map from each of `tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm` and
   * `tfjs-backend-wasm-threaded-simd.wasm` to its URL. In Node the files are found in the installed
   * `@tensorflow/tfjs-backend-wasm` package and nothing needs to be set.
   */
  readonly wasmPaths?: string | Readonly<Record<string, string>>;
  /**
   * Use the multi-threaded binary where the environment allows it (a cross-origin-isolated browser page;
   * never in Node, where tfjs-wasm cannot start its threads). Default `true`; `false` forces one thread.
   */
  readonly threads?: boolean;
}
