// A spectrum's binaryDataArray: its cvParams (own and from referenced groups) classified (m/z or intensity, data
// type, compression) and checked into the offset/length/encoded length the spectrum reader needs.
import { ACC, DATA_TYPE_BY_ACCESSION, DATA_TYPE_BY_NAME, BYTES_PER } from './format.ts';
import type { Compression, DataType } from './format.ts';

export type Param = { acc: string; name: string; value: string };

export interface ArrayState {
  refs: string[];
  /** Own cvParams other than offset/length/encoded length (usually none). */
  params: Param[];
  offset: number;
  length: number;
  enc: number;
}

/** What a binaryDataArray's non-numeric params say; cached per referenced group list (they repeat per spectrum). */
export interface ArrayKind {
  kind: 'mz' | 'int' | null;
  type: DataType | null;
  comp: Compression;
  typeLike: string[];
  badCompression: Param | null;
  offset: number;
  length: number;
  enc: number;
}

/** One array as the spectrum reader needs it. */
export interface ArrayLayout {
  type: DataType;
  comp: Compression;
  offset: number;
  length: number;
  enc: number;
}

const MAX_ARRAY_LENGTH = 2 ** 31 / 8; // elements; larger is a corrupt file for anything we can hold

export function classifyArray(ps: Param[]): ArrayKind {
  const k: ArrayKind = { kind: null, type: null, comp: 'none', typeLike: [], badCompression: null, offset: NaN, length: NaN, enc: NaN };
  for (const p of ps) {
    if (p.acc === ACC.offset) { k.offset = Number(p.value); continue; }
    if (p.acc === ACC.arrayLength) { k.length = Number(p.value); continue; }
    if (p.acc === ACC.encodedLength) { k.enc = Number(p.value); continue; }
    if (p.acc === ACC.mzArray || p.name === 'm/z array') k.kind = 'mz';
    else if (p.acc === ACC.intensityArray || p.name === 'intensity array') k.kind = 'int';
    const dt = DATA_TYPE_BY_ACCESSION[p.acc] ?? DATA_TYPE_BY_NAME[p.name];
    if (dt) k.type = dt;
    else if (/\bbit\b|-bit/.test(p.name) || /^MS:100052\d$|^MS:100051[89]$/.test(p.acc)) k.typeLike.push(`${p.acc} '${p.name}'`);
    if (p.acc === ACC.zlib || p.name === 'zlib compression') k.comp = 'zlib';
    else if (/compression|numpress/i.test(p.name) && p.acc !== ACC.noCompression && p.name !== 'no compression') k.badCompression = p;
  }
  return k;
}

/**
 * Checks one array (kind from its params, numbers from the array element, else from its groups; `defaultLen` is the
 * spectrum's defaultArrayLength or -1) and returns its layout; `fail` throws the file's error.
 */
export function describeArray(k: ArrayKind, a: ArrayState, label: string, where: string, defaultLen: number, fail: (msg: string) => never): ArrayLayout {
  const type = k.type;
  const comp = k.comp;
  const typeLike = k.typeLike;
  if (k.badCompression) {
    const p = k.badCompression;
    fail(`${where}: ${label} array uses ${p.acc} '${p.name}', which imzlens cannot decode (only none and zlib). Convert the file without compression.`);
  }
  const offset = Number.isNaN(a.offset) ? k.offset : a.offset;
  let length = Number.isNaN(a.length) ? k.length : a.length;
  let enc = Number.isNaN(a.enc) ? k.enc : a.enc;
  if (!type) {
    fail(`${where}: the ${label} array has no known binary data type${typeLike.length ? ` (found ${typeLike.join(', ')})` : ''}; imzlens reads 32/64-bit float (MS:1000521/MS:1000523) and 32/64-bit integer (MS:1000519/MS:1000522). Convert the file to one of these.`);
  }
  if (Number.isNaN(length) && defaultLen >= 0) length = defaultLen;
  if (!Number.isFinite(offset)) fail(`${where}: the ${label} array has no valid external offset (IMS:1000102). The file is incomplete or malformed; re-export it.`);
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_ARRAY_LENGTH) {
    fail(`${where}: the ${label} array length (IMS:1000103) is ${Number.isNaN(length) ? 'missing' : length}, which is not a plausible array length (0..${MAX_ARRAY_LENGTH}). The file is corrupt; re-export it.`);
  }
  if (Number.isNaN(enc)) {
    if (comp !== 'none') fail(`${where}: the compressed ${label} array has no external encoded length (IMS:1000104); it cannot be read. Re-export the file.`);
    enc = length * BYTES_PER[type!];
  } else if (!Number.isSafeInteger(enc) || enc < 0 || (comp === 'none' && enc !== length * BYTES_PER[type!])) {
    fail(`${where}: the ${label} array's encoded length (IMS:1000104) is ${enc} bytes but ${length} values of ${type} need ${length * BYTES_PER[type!]}. The file is corrupt; re-export it.`);
  }
  return { type: type!, comp, offset, length, enc };
}
