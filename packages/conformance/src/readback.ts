/**
 * Readback: `await t.data()` and `await t.array()` on every backend; `dataSync()` / `arraySync()` exactly
 * where the backend declares `readSync`, and otherwise a clear error pointing to `await data()`; uploads
 * and reads copy, so callers never alias backend memory.
 *
 * @packageDocumentation
 */
import type { Handle } from '@neurona/core';
import * as nr from '@neurona/core';
import { expect } from 'vitest';
import type { Suite } from './harness.js';

/**
 * Register the `readback` group.
 *
 * @example
 * ```ts
 * registerReadback(suite);
 * ```
 */
export function registerReadback(suite: Suite): void {
  suite.group('readback', (test) => {
    test('data() gives the typed array of each dtype', [], async () => {
      const f = nr.tensor([1.5, -2]);
      const i = nr.tensor([7, -3], [2], 'int32');
      const b = nr.tensor([true, false, true]);
      try {
        const [fd, id, bd] = await Promise.all([f.data(), i.data(), b.data()]);
        expect(fd, 'float32 data').toBeInstanceOf(Float32Array);
        expect(Array.from(fd)).toEqual([1.5, -2]);
        expect(id, 'int32 data').toBeInstanceOf(Int32Array);
        expect(Array.from(id)).toEqual([7, -3]);
        expect(bd, 'bool data').toBeInstanceOf(Uint8Array);
        expect(Array.from(bd)).toEqual([1, 0, 1]);
      } finally {
        nr.dispose([f, i, b]);
      }
    });

    test('array() nests by shape; a scalar is a number; size 0 is empty', ['binary'], async () => {
      const m = nr.tidy(() =>
        nr.add(
          nr.tensor([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          0,
        ),
      );
      const s = nr.scalar(4.25);
      const e = nr.zeros([2, 0]);
      try {
        expect(await m.array()).toEqual([
          [1, 2, 3],
          [4, 5, 6],
        ]);
        expect(await s.array()).toBe(4.25);
        expect(await e.array()).toEqual([[], []]);
        expect((await e.data()).length).toBe(0);
      } finally {
        nr.dispose([m, s, e]);
      }
    });

    test('upload and read copy their data', [], async () => {
      const b = suite.backend;
      const host = new Float32Array([1, 2, 3]);
      const h: Handle = b.upload(host, { shape: [3], dtype: 'float32' });
      try {
        host[0] = 100;
        const first = await b.read(h);
        expect(Array.from(first), 'read after mutating the uploaded array').toEqual([1, 2, 3]);
        first[1] = 200;
        expect(Array.from(await b.read(h)), 'read after mutating a previous read').toEqual([1, 2, 3]);
      } finally {
        b.dispose(h);
      }
    });

    test('reading a disposed tensor fails clearly', [], async () => {
      const t = nr.tensor([1, 2]);
      t.dispose();
      await expect(t.data()).rejects.toThrow(/disposed/);
      await expect(t.array()).rejects.toThrow(/disposed/);
    });

    if (suite.settings.readSync !== undefined) {
      const want = suite.settings.readSync;
      test(`readSync is ${want ? '' : 'not '}declared`, [], () => {
        expect(
          typeof suite.backend.readSync === 'function',
          `backend '${suite.name}' declares readSync`,
        ).toBe(want);
      });
    }

    test('dataSync() works exactly where readSync is declared', ['unary'], async () => {
      const t = nr.tidy(() => nr.neg(nr.tensor([[1, -2]])));
      try {
        if (typeof suite.backend.readSync === 'function') {
          expect(Array.from(t.dataSync())).toEqual([-1, 2]);
          expect(t.arraySync()).toEqual([[-1, 2]]);
          const copy = t.dataSync();
          copy[0] = 50;
          expect(Array.from(t.dataSync()), 'dataSync returns a copy').toEqual([-1, 2]);
        } else {
          expect(() => t.dataSync()).toThrow(/await .*data\(\)/);
          expect(() => t.arraySync()).toThrow(/await .*data\(\)/);
        }
        expect(Array.from(await t.data())).toEqual([-1, 2]);
      } finally {
        t.dispose();
      }
    });
  });
}
