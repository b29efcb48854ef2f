// The link checker itself, on a three-page site made here: it must find exactly the broken references.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSiteLinks } from './links.js';

const dir = mkdtempSync(join(tmpdir(), 'neurona-links-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkSiteLinks', () => {
  it('reports missing files and anchors, accepts good and external references', () => {
    mkdirSync(join(dir, 'guide'));
    writeFileSync(join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(
      join(dir, 'index.html'),
      '<a href="/guide/">guides</a> <a href="guide/a.html#part&amp;two">ok</a> <img src="/logo.svg">' +
        ' <a href="https://example.org/x">external</a> <a href="mailto:a@b.c">mail</a> <a href="#top">self</a><h1 id="top">t</h1>',
    );
    writeFileSync(
      join(dir, 'guide', 'index.html'),
      '<a href="a.html#nowhere">bad anchor</a> <img src="../missing.svg">',
    );
    writeFileSync(
      join(dir, 'guide', 'a.html'),
      '<h2 id="part&amp;two">x</h2><a href="../nope.html">gone</a>',
    );
    const { broken, checked, pages } = checkSiteLinks(dir);
    expect(pages).toBe(3);
    expect(checked).toBe(7);
    expect(broken).toEqual(
      expect.arrayContaining([
        { page: '/guide/index.html', ref: 'a.html#nowhere', problem: 'missing anchor' },
        { page: '/guide/index.html', ref: '../missing.svg', problem: 'missing file' },
        { page: '/guide/a.html', ref: '../nope.html', problem: 'missing file' },
      ]),
    );
    expect(broken).toHaveLength(3);
  });
});
