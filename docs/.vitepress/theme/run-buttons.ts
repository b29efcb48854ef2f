// "Run" buttons under the guides' code blocks: `docs/scripts/run-examples.mjs` bundles every example a
// browser can run into /run/<guide>-<n>.js (index in /run/index.json); here each such block gets a button
// that imports the module (fresh each time) and shows what it logs.
import { onContentUpdated, withBase } from 'vitepress';
import { onMounted } from 'vue';

let index: Promise<Record<string, string>> | null = null;
let runs = 0;
let busy = false;

function loadIndex(): Promise<Record<string, string>> {
  index ??= fetch(withBase('/run/index.json'))
    .then((r) => (r.ok ? (r.json() as Promise<Record<string, string>>) : {}))
    .catch(() => ({}));
  return index;
}

/** Typed arrays as plain lists, numbers to 6 significant digits, so logged tensors read well. */
function show(value: unknown): string {
  if (typeof value === 'string') return value;
  const replacer = (_k: string, v: unknown): unknown => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView))
      return Array.from(v as unknown as ArrayLike<number>, (n) => Number(n.toPrecision(6)));
    if (typeof v === 'number') return Number(v.toPrecision(6));
    return v;
  };
  if (typeof value === 'number' || (ArrayBuffer.isView(value) && !(value instanceof DataView)))
    return JSON.stringify(replacer('', value));
  try {
    return JSON.stringify(value, replacer) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Run the example module `file`, its console output written into `out`. */
async function run(file: string, out: HTMLElement, button: HTMLButtonElement): Promise<void> {
  if (busy) return;
  busy = true;
  button.disabled = true;
  out.hidden = false;
  out.textContent = '';
  const kinds = ['log', 'info', 'warn'] as const;
  const original = kinds.map((k) => console[k]);
  kinds.forEach((k, i) => {
    console[k] = (...args: unknown[]) => {
      out.textContent += `${args.map(show).join(' ')}\n`;
      original[i]!.apply(console, args);
    };
  });
  const t0 = performance.now();
  try {
    await import(/* @vite-ignore */ `${withBase(`/run/${file}`)}?run=${++runs}`);
    out.textContent += `(done in ${((performance.now() - t0) / 1000).toFixed(2)} s)`;
    out.dataset.state = 'done';
  } catch (e) {
    out.textContent += `Error: ${(e as Error).message}`;
    out.dataset.state = 'error';
  } finally {
    kinds.forEach((k, i) => {
      console[k] = original[i]!;
    });
    button.disabled = false;
    busy = false;
  }
}

/** Add the buttons to the code blocks of the guide on screen that have a bundled example. */
async function addButtons(): Promise<void> {
  const guide = /\/guide\/([^/.]+)(\.html)?$/.exec(location.pathname)?.[1];
  if (!guide) return;
  const files = await loadIndex();
  const blocks = document.querySelectorAll<HTMLElement>('.vp-doc div[class*="language-ts"]');
  blocks.forEach((block, i) => {
    const file = files[`${guide}-${i + 1}`];
    if (!file || block.nextElementSibling?.classList.contains('nr-run')) return;
    const bar = document.createElement('div');
    bar.className = 'nr-run';
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Run';
    button.title = 'Run this example in the page (CPU backend)';
    const out = document.createElement('pre');
    out.className = 'nr-run-output';
    out.hidden = true;
    button.addEventListener('click', () => void run(file, out, button));
    bar.append(button, out);
    block.after(bar);
  });
}

/** Wire the buttons to every page render (first load and client-side navigation). */
export function useRunButtons(): void {
  onMounted(() => void addButtons());
  onContentUpdated(() => void addButtons());
}
