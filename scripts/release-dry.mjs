// A dry run of a release: build and pack every public workspace package (its `prepack` script makes a clean
// build first) into a folder, print each tarball's packed and unpacked size and file count, and write those
// sizes into the marked section of each package's README (between `<!-- package-size:start -->` and
// `<!-- package-size:end -->`), so the READMEs report what users download.
//
// Usage: npm run release:dry [-- --out <folder>] [-- --no-readme] [-- --json]
//   --out <folder>  where the tarballs go (default: release/ at the repository root)
//   --no-readme     leave the READMEs alone (the smoke test packs this way)
//   --json          print the result as JSON on stdout (the log goes to stderr)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, 'release') },
    'no-readme': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const out = resolve(values.out);
const log = values.json ? (s) => process.stderr.write(`${s}\n`) : (s) => process.stdout.write(`${s}\n`);

/** The public (non-private) packages under packages/, as { name, dir }. */
function publicPackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .map((d) => join(dir, d))
    .filter((d) => existsSync(join(d, 'package.json')))
    .map((d) => ({ dir: d, pkg: JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private)
    .map(({ dir, pkg }) => ({ name: pkg.name, version: pkg.version, dir }));
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

/** The README section that reports the sizes of `r`. */
function sizeSection(r) {
  return (
    `Measured by \`npm run release:dry\` on ${r.name}@${r.version}: the tarball is ${kB(r.size)}, ` +
    `${kB(r.unpackedSize)} once installed, ${r.entryCount} files (dependencies not included).`
  );
}

function writeReadme(dir, r) {
  const file = join(dir, 'README.md');
  const text = readFileSync(file, 'utf8');
  const re = /(<!-- package-size:start -->\n)[\s\S]*?(<!-- package-size:end -->)/;
  if (!re.test(text)) throw new Error(`${file}: no <!-- package-size:start/end --> section`);
  writeFileSync(file, text.replace(re, `$1${sizeSection(r)}\n$2`));
}

const packages = publicPackages();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
log(`packing ${packages.map((p) => p.name).join(', ')} into ${out}`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const args = ['pack', '--json', '--pack-destination', out, ...packages.flatMap((p) => ['-w', p.name])];
// npm prints the prepack builds' output on stderr when --json is given; stdout is the JSON.
const packed = JSON.parse(
  execFileSync(npm, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    shell: process.platform === 'win32',
  }),
);

const results = packed.map((p) => ({
  name: p.name,
  version: p.version,
  tarball: join(out, p.filename),
  size: p.size,
  unpackedSize: p.unpackedSize,
  entryCount: p.entryCount,
  files: p.files.map((f) => f.path),
}));

const rows = results.map((r) => [r.name, kB(r.size), kB(r.unpackedSize), String(r.entryCount)]);
const head = ['package', 'packed', 'unpacked', 'files'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
log(line(head));
for (const row of rows) log(line(row));

if (!values['no-readme']) {
  for (const r of results) writeReadme(packages.find((p) => p.name === r.name).dir, r);
  log('sizes written into each package README');
}
if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
