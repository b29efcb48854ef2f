/**
 * A decoded IDX array of unsigned bytes (the type MNIST and Fashion-MNIST use): its dimensions and its values
 * in row-major order.
 *
 * @example
 * ```ts
 * const { dims, data } = parseIdx(bytes, 'labels');
 * console.log(dims, data[0]);
 * ```
 */
export interface IdxArray {
  /** Size of each dimension, outermost first (e.g. `[60000, 28, 28]`). */
  readonly dims: readonly number[];
  /** The values, `dims.reduce((a, b) => a * b)` of them. */
  readonly data: Uint8Array;
}

/**
 * What a caller expects of an IDX file, checked by {@link parseIdx}: its rank and, optionally, dimension sizes
 * (`null` accepts any size).
 *
 * @example
 * ```ts
 * const images: IdxExpectation = { rank: 3, dims: [null, 28, 28] };
 * ```
 */
export interface IdxExpectation {
  readonly rank?: number;
  readonly dims?: readonly (number | null)[];
}

/** IDX type code of unsigned bytes, the only element type MNIST uses. */
const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  8: 'ubyte',
  9: 'byte',
  11: 'short',
  12: 'int',
  13: 'float',
  14: 'double',
};

/**
 * Decode an IDX file (the format of the MNIST files): a 4-byte magic number (two zero bytes, a type code, the
 * number of dimensions), one big-endian uint32 per dimension, then the values. Only unsigned bytes (type 0x08)
 * are supported. Checks the magic, the rank and dimensions against `expect`, and that the file holds exactly
 * as many values as its header says; every error names `name` and gives expected vs actual.
 *
 * @example
 * ```ts
 * const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);
 * parseIdx(bytes, 'tiny labels'); // { dims: [2], data: Uint8Array [7, 3] }
 * ```
 */
export function parseIdx(bytes: Uint8Array, name: string, expect: IdxExpectation = {}): IdxArray {
  if (bytes.length < 4) {
    throw new Error(
      `IDX file ${name}: truncated header, ${bytes.length} bytes (need at least 4 for the magic)`,
    );
  }
  const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gz = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (it looks gzip-compressed: name it *.gz)' : '';
    throw new Error(`IDX file ${name}: bad magic number ${magic}, expected 00 00 <type> <rank>${gz}`);
  }
  const type = bytes[2]!;
  if (type !== UBYTE) {
    const known = TYPE_NAMES[type] ? ` (${TYPE_NAMES[type]})` : '';
    throw new Error(
      `IDX file ${name}: element type 0x${type.toString(16).padStart(2, '0')}${known} is not supported, expected 0x08 (ubyte)`,
    );
  }
  const rank = bytes[3]!;
  if (rank === 0) throw new Error(`IDX file ${name}: rank 0 in the magic number ${magic}, expected >= 1`);
  if (expect.rank !== undefined && rank !== expect.rank) {
    throw new Error(`IDX file ${name}: expected ${expect.rank} dimensions, got ${rank}`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new Error(
      `IDX file ${name}: truncated header, ${bytes.length} bytes (need ${headerBytes} for ${rank} dimensions)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  if (expect.dims) {
    const ok = expect.dims.length === rank && expect.dims.every((d, i) => d === null || d === dims[i]);
    if (!ok) {
      const want = expect.dims.map((d) => (d === null ? '*' : String(d))).join(' x ');
      throw new Error(`IDX file ${name}: expected dimensions ${want}, got ${dims.join(' x ')}`);
    }
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const available = bytes.length - headerBytes;
  if (available < count) {
    throw new Error(
      `IDX file ${name}: truncated, header says ${dims.join(' x ')} = ${count} values but only ${available} bytes follow`,
    );
  }
  if (available > count) {
    throw new Error(
      `IDX file ${name}: ${available - count} unexpected trailing bytes after ${dims.join(' x ')} = ${count} values`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes, headerBytes + count) };
}
