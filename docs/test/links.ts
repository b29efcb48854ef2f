/**
 * A link checker over the built site: every `href` and `src` of every HTML page of `docs/site/` that points inside
 * the site must name a file that exists, and a `#fragment` must name an element id of the target page. The pages
 * are VitePress's generated HTML (quoted attributes), so attributes are read with a regular expression: a DOM parse
 * of the ~400 pages, each with the whole API sidebar, takes minutes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One broken reference: the page it is on, the attribute value, and what is wrong. */
export interface BrokenLink {
  /** The page, as a site path (`/guide/cnn.html`). */
  readonly page: string;
  /** The `href` or `src` as written. */
  readonly ref: string;
  /** `missing file` or `missing anchor`. */
  readonly problem: string;
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return htmlFiles(p);
    return name.endsWith('.html') ? [p] : [];
  });
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&quot;': '"',
  '&#39;': "'",
  '&lt;': '<',
  '&gt;': '>',
};

/** Every value of attribute `name` in the page (double-quoted, as VitePress writes them), entities decoded. */
function attributes(html: string, name: string): string[] {
  const re = new RegExp(`\\s${name}="([^"]*)"`, 'g');
  return [...html.matchAll(re)].map((m) => m[1]!.replace(/&(amp|quot|#39|lt|gt);/g, (e) => ENTITIES[e]!));
}

/** The file a site path names (`/dir/` is `/dir/index.html`), or null. */
function fileOf(siteDir: string, path: string): string | null {
  const p = join(siteDir, decodeURIComponent(path));
  try {
    const s = statSync(p);
    if (s.isFile()) return p;
    if (s.isDirectory()) return statSync(join(p, 'index.html')).isFile() ? join(p, 'index.html') : null;
  } catch {
    return null;
  }
  return null;
}

/** Check every internal link and image of the site; returns the broken ones and how many were checked. */
export function checkSiteLinks(siteDir: string): { broken: BrokenLink[]; checked: number; pages: number } {
  const pages = htmlFiles(siteDir);
  const ids = new Map<string, Set<string>>();
  const idsOf = (file: string) => {
    let set = ids.get(file);
    if (!set) {
      set = new Set(attributes(readFileSync(file, 'utf8'), 'id'));
      ids.set(file, set);
    }
    return set;
  };
  const broken: BrokenLink[] = [];
  let checked = 0;
  for (const file of pages) {
    const page = `/${relative(siteDir, file).split('\\').join('/')}`;
    const html = readFileSync(file, 'utf8');
    const refs = [...attributes(html, 'href'), ...attributes(html, 'src')];
    for (const ref of refs) {
      if (ref === '' || /^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//')) continue; // external, mailto:
      checked++;
      const url = new URL(ref, `http://site${page}`);
      const target = url.pathname === page ? file : fileOf(siteDir, url.pathname);
      if (!target) {
        broken.push({ page, ref, problem: 'missing file' });
        continue;
      }
      const anchor = decodeURIComponent(url.hash.slice(1));
      if (anchor && target.endsWith('.html') && !idsOf(target).has(anchor))
        broken.push({ page, ref, problem: 'missing anchor' });
    }
  }
  return { broken, checked, pages: pages.length };
}
