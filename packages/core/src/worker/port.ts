/**
 * One shape over the two kinds of message endpoints: the browser's (`Worker`, a worker's `self`: `postMessage`
 * and `addEventListener('message', e => e.data)`) and Node's (`worker_threads` `Worker`, `parentPort`:
 * `postMessage` and `on('message', data => ...)`). Nothing here imports Node: the endpoint is told apart by
 * its methods.
 *
 * @packageDocumentation
 */

/**
 * Something messages go to and come from: a browser `Worker` or worker global scope, a Node `worker_threads`
 * `Worker` or `parentPort`, or a `MessagePort`.
 *
 * @example
 * ```ts
 * const endpoint: nr.WorkerEndpoint = new Worker(new URL('./fit-worker.js', import.meta.url), { type: 'module' });
 * ```
 */
export interface WorkerEndpoint {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
}

/** A browser-style endpoint (events carry the message in `data`). */
interface DomEndpoint extends WorkerEndpoint {
  addEventListener(
    type: string,
    listener: (event: { data?: unknown; message?: string; error?: unknown }) => void,
  ): void;
  removeEventListener(type: string, listener: (event: never) => void): void;
}

/** A Node-style endpoint (an `EventEmitter`: listeners receive the message itself). */
interface NodeEndpoint extends WorkerEndpoint {
  on(type: string, listener: (value: unknown) => void): unknown;
  off(type: string, listener: (value: unknown) => void): unknown;
}

/** What went wrong with the endpoint itself (not a training error the worker reported). */
export interface EndpointFailure {
  readonly message: string;
  readonly stack?: string;
}

/** @internal A uniform view of an endpoint; `close` removes every listener this view added. */
export interface Port {
  post(message: unknown, transfer: ArrayBuffer[]): void;
  onMessage(fn: (message: unknown) => void): void;
  /** Errors thrown in the worker outside a request (loading its script, an uncaught throw), and its exit. */
  onFailure(fn: (failure: EndpointFailure) => void): void;
  close(): void;
}

const isNode = (e: WorkerEndpoint): e is NodeEndpoint =>
  typeof (e as Partial<NodeEndpoint>).on === 'function' &&
  typeof (e as Partial<NodeEndpoint>).off === 'function';
const isDom = (e: WorkerEndpoint): e is DomEndpoint =>
  typeof (e as Partial<DomEndpoint>).addEventListener === 'function';

/** @internal Wrap an endpoint; `what` names it in errors. */
export function portOf(endpoint: WorkerEndpoint, what: string): Port {
  if (endpoint === null || typeof endpoint !== 'object' || typeof endpoint.postMessage !== 'function') {
    throw new Error(
      `${what} must be a Worker (browser Worker, node:worker_threads Worker, or a MessagePort), got ${String(endpoint)}`,
    );
  }
  const removers: (() => void)[] = [];
  if (isNode(endpoint)) {
    const listen = (type: string, fn: (value: unknown) => void): void => {
      endpoint.on(type, fn);
      removers.push(() => endpoint.off(type, fn));
    };
    return {
      post: (m, transfer) => endpoint.postMessage(m, transfer),
      onMessage: (fn) => listen('message', fn),
      onFailure: (fn) => {
        listen('error', (e) => fn(failureOf(e)));
        listen('messageerror', (e) =>
          fn({ message: `a message could not be read: ${failureOf(e).message}` }),
        );
        listen('exit', (code) =>
          fn({ message: `the worker exited (code ${String(code)}) before answering` }),
        );
      },
      close: () => {
        for (const r of removers.splice(0)) r();
      },
    };
  }
  if (isDom(endpoint)) {
    const listen = (
      type: string,
      fn: (event: { data?: unknown; message?: string; error?: unknown }) => void,
    ): void => {
      endpoint.addEventListener(type, fn);
      removers.push(() => endpoint.removeEventListener(type, fn));
    };
    return {
      post: (m, transfer) => endpoint.postMessage(m, transfer),
      onMessage: (fn) => listen('message', (e) => fn(e.data)),
      onFailure: (fn) => {
        // An ErrorEvent: `error` is the thrown value where the browser gives it, `message` always.
        listen('error', (e) =>
          fn(
            e.error !== undefined && e.error !== null
              ? failureOf(e.error)
              : { message: e.message ?? NO_MESSAGE },
          ),
        );
        listen('messageerror', () => fn({ message: 'a message from the worker could not be deserialised' }));
      },
      close: () => {
        for (const r of removers.splice(0)) r();
      },
    };
  }
  throw new Error(
    `${what}: cannot listen to it (it has neither addEventListener nor on/off); pass a browser Worker, a node:worker_threads Worker or a MessagePort`,
  );
}

/** What a browser says when a worker script does not load: nothing; so say what usually causes it. */
const NO_MESSAGE =
  'its script did not start (no message from the browser: a 404, a wrong MIME type, a syntax error, or, in a cross-origin isolated page, a worker script served without Cross-Origin-Embedder-Policy)';

function failureOf(e: unknown): EndpointFailure {
  if (e instanceof Error) return { message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  if (e !== null && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') {
    const m = e as { message: string; stack?: unknown };
    return { message: m.message, ...(typeof m.stack === 'string' ? { stack: m.stack } : {}) };
  }
  return { message: String(e) };
}

/** Where `serveFitWorker` listens by default: the worker scope of a browser, or Node's `parentPort`. */
let defaultEndpoint: () => WorkerEndpoint | null = () => {
  const g = globalThis as unknown as Partial<DomEndpoint> & { document?: unknown };
  // A dedicated worker's global scope posts to its creator; a window's postMessage is something else.
  if (
    typeof g.postMessage === 'function' &&
    typeof g.addEventListener === 'function' &&
    g.document === undefined
  )
    return g as DomEndpoint;
  return null;
};

/** @internal The Node entry points `serveFitWorker` at `worker_threads`' `parentPort`. */
export function setDefaultWorkerEndpoint(find: () => WorkerEndpoint | null): void {
  defaultEndpoint = find;
}

/** @internal The endpoint a worker answers on when none is given. */
export function workerSelf(): WorkerEndpoint | null {
  return defaultEndpoint();
}
