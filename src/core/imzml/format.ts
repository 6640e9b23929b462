// imzML vocabulary shared by the parser, the ingest and the writer: accessions, data types, errors.

export type DataType = 'f32' | 'f64' | 'i32' | 'i64';
export type Compression = 'none' | 'zlib';

export const BYTES_PER: Record<DataType, number> = { f32: 4, f64: 8, i32: 4, i64: 8 };

/** Binary data type accessions (PSI-MS, plus the imzML ontology's integer terms). */
export const DATA_TYPE_BY_ACCESSION: Record<string, DataType> = {
  'MS:1000521': 'f32',
  'MS:1000523': 'f64',
  'MS:1000519': 'i32',
  'MS:1000522': 'i64',
  'IMS:1000141': 'i32',
  'IMS:1000142': 'i64',
};
export const DATA_TYPE_BY_NAME: Record<string, DataType> = {
  '32-bit float': 'f32',
  '64-bit float': 'f64',
  '32-bit integer': 'i32',
  '64-bit integer': 'i64',
};

export const ACC = {
  mzArray: 'MS:1000514',
  intensityArray: 'MS:1000515',
  noCompression: 'MS:1000576',
  zlib: 'MS:1000574',
  continuous: 'IMS:1000030',
  processed: 'IMS:1000031',
  uuid: 'IMS:1000080',
  md5: 'IMS:1000090',
  sha1: 'IMS:1000091',
  maxCountX: 'IMS:1000042',
  maxCountY: 'IMS:1000043',
  pixelSizeX: 'IMS:1000046',
  pixelSizeY: 'IMS:1000047',
  posX: 'IMS:1000050',
  posY: 'IMS:1000051',
  offset: 'IMS:1000102',
  arrayLength: 'IMS:1000103',
  encodedLength: 'IMS:1000104',
  centroid: 'MS:1000127',
  profile: 'MS:1000128',
  negative: 'MS:1000129',
  positive: 'MS:1000130',
  instrumentModel: 'MS:1000031',
} as const;

/** A problem with an imzML/ibd pair; the message names the file, the place and what to do. */
export class ImzmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImzmlError';
  }
}

/** Normalises an imzML UUID ("{8-4-4-4-12}", dashed or 32 plain hex digits) to 32 lower-case hex digits, or null. */
export function normaliseUuid(text: string | null): string | null {
  if (!text) return null;
  const hex = text.replace(/[{}\-\s]/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? hex : null;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
