// Streaming imzML index parser: reads the XML through a ByteSource in chunks (never as one string) with our byte
// scanner (xml-scan.ts; saxes was 5-10x slower), never expands entities, and keeps the per-spectrum index in
// typed arrays.
import { XmlScanner, XmlSyntaxError } from './xml-scan.ts';
import type { XmlAttrs } from './xml-scan.ts';
import type { ByteSource } from '../types.ts';
import { ACC, DATA_TYPE_BY_ACCESSION, DATA_TYPE_BY_NAME, BYTES_PER, ImzmlError, normaliseUuid } from './format.ts';
import type { Compression, DataType } from './format.ts';

export interface ImzmlIndex {
  /** Name of the imzML source. */
  name: string;
  nSpectra: number;
  /** Decided from the offsets (all m/z arrays at one offset = continuous); `storageModeLabel` is what the file says. */
  storageMode: 'continuous' | 'processed';
  storageModeLabel: 'continuous' | 'processed' | null;
  mzDataType: DataType;
  intensityDataType: DataType;
  mzCompression: Compression;
  intensityCompression: Compression;
  polarity: 'positive' | 'negative' | null;
  spectrumType: 'centroid' | 'profile' | null;
  pixelSizeX: number | null;
  pixelSizeY: number | null;
  /** IMS:1000042/43 as written (may be absent). */
  maxCountX: number | null;
  maxCountY: number | null;
  instrument: string | null;
  /** IMS:1000080 as written, and normalised to 32 lower-case hex digits (null when not a valid UUID). */
  uuidText: string | null;
  uuid: string | null;
  md5: string | null;
  sha1: string | null;
  warnings: string[];
  /** Per spectrum, in file order. x/y are the 1-based file coordinates. */
  x: Int32Array;
  y: Int32Array;
  mzOffset: Float64Array;
  mzLength: Float64Array;
  mzEncodedLength: Float64Array;
  intensityOffset: Float64Array;
  intensityLength: Float64Array;
  intensityEncodedLength: Float64Array;
}

export interface ParseOptions {
  signal?: AbortSignal;
  onProgress?(bytes: number): void;
  /** Bytes per read; default 4 MiB. */
  chunkBytes?: number;
}

type Param = { acc: string; name: string; value: string };

interface ArrayState {
  refs: string[];
  /** Own cvParams other than offset/length/encoded length (usually none). */
  params: Param[];
  offset: number;
  length: number;
  enc: number;
}

/** What a binaryDataArray's non-numeric params say; cached per referenced group list (they repeat per spectrum). */
interface ArrayKind {
  kind: 'mz' | 'int' | null;
  type: DataType | null;
  comp: Compression;
  typeLike: string[];
  badCompression: Param | null;
  offset: number;
  length: number;
  enc: number;
}

const SPECTRUM_ACCESSIONS = new Set<string>([ACC.positive, ACC.negative, ACC.centroid, ACC.profile]);

function classifyArray(ps: Param[]): ArrayKind {
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

// Contexts whose cvParams we collect.
const enum Ctx { None, Group, FileContent, ScanSettings, Instrument, Spectrum, Scan, Array }

const MAX_ARRAY_LENGTH = 2 ** 31 / 8; // elements; larger is a corrupt file for anything we can hold

export async function parseImzml(source: ByteSource, options: ParseOptions = {}): Promise<ImzmlIndex> {
  const file = source.name;
  const warnings: string[] = [];
  const groups = new Map<string, Param[]>();
  const fileParams: Param[] = [];
  const settingsParams: Param[] = [];
  const instrumentParams: Param[] = [];
  const instrumentUserNames: string[] = [];
  const missingGroups = new Set<string>();
  const kindCache = new Map<string, ArrayKind>();

  // per-spectrum growable columns
  let cap = 1024;
  let x = new Int32Array(cap), y = new Int32Array(cap);
  let mzOff = new Float64Array(cap), mzLen = new Float64Array(cap), mzEnc = new Float64Array(cap);
  let inOff = new Float64Array(cap), inLen = new Float64Array(cap), inEnc = new Float64Array(cap);
  let n = 0;
  const grow = (want: number) => {
    if (want <= cap) return;
    let c = cap;
    while (c < want) c *= 2;
    const gi = (a: Int32Array) => { const b = new Int32Array(c); b.set(a); return b; };
    const gf = (a: Float64Array) => { const b = new Float64Array(c); b.set(a); return b; };
    x = gi(x); y = gi(y);
    mzOff = gf(mzOff); mzLen = gf(mzLen); mzEnc = gf(mzEnc);
    inOff = gf(inOff); inLen = gf(inLen); inEnc = gf(inEnc);
    cap = c;
  };

  let mzType: DataType | null = null, inType: DataType | null = null;
  let mzComp: Compression | null = null, inComp: Compression | null = null;
  const polarities = new Set<string>();
  const spectrumTypes = new Set<string>();
  let typeNameClash = false;

  // parser state
  const stack: Ctx[] = [];
  let ctx: Ctx = Ctx.None;
  let groupId = '';
  let spParams: Param[] = [];
  let spDefaultLen = -1;
  let spX: number | null = null, spY: number | null = null;
  let arrays: ArrayState[] = [];
  let arr: ArrayState | null = null;
  let inSpectrumList = false;
  let sawSpectrumListEnd = false;
  let declaredCount = -1;

  const fail = (msg: string): never => {
    throw new ImzmlError(`${file}: ${msg}`);
  };

  const addParamTo = (c: Ctx, p: Param) => {
    switch (c) {
      case Ctx.Group: groups.get(groupId)!.push(p); break;
      case Ctx.FileContent: fileParams.push(p); break;
      case Ctx.ScanSettings: settingsParams.push(p); break;
      case Ctx.Instrument: instrumentParams.push(p); break;
      case Ctx.Spectrum:
      case Ctx.Scan:
        if (p.acc === ACC.posX) spX = Number(p.value);
        else if (p.acc === ACC.posY) spY = Number(p.value);
        else if (SPECTRUM_ACCESSIONS.has(p.acc)) spParams.push(p);
        break;
      case Ctx.Array:
        if (p.acc === ACC.offset) arr!.offset = Number(p.value);
        else if (p.acc === ACC.arrayLength) arr!.length = Number(p.value);
        else if (p.acc === ACC.encodedLength) arr!.enc = Number(p.value);
        else arr!.params.push(p);
        break;
      default: break;
    }
  };

  const finishSpectrum = () => {
    const i = n;
    const where = `spectrum ${i} (index in file order)`;
    if (spX === null || spY === null || !Number.isInteger(spX) || !Number.isInteger(spY)) {
      fail(`${where} has no valid position x/y (IMS:1000050/IMS:1000051); every spectrum needs integer coordinates. Re-export the file.`);
    }
    // spectrum-level params, including referenced groups
    for (const p of spParams) {
      if (p.acc === ACC.positive || p.acc === ACC.negative) polarities.add(p.acc);
      else if (p.acc === ACC.centroid || p.acc === ACC.profile) {
        spectrumTypes.add(p.acc);
        if ((p.acc === ACC.centroid && /profile/i.test(p.name)) || (p.acc === ACC.profile && /centroid/i.test(p.name))) typeNameClash = true;
      }
    }
    let mz: ArrayKind | null = null, inten: ArrayKind | null = null;
    let mzA: ArrayState | null = null, inA: ArrayState | null = null;
    for (const a of arrays) {
      const key = a.refs.join('\u0000');
      let k = a.params.length === 0 ? kindCache.get(key) : undefined;
      if (!k) {
        const all: Param[] = [];
        for (const r of a.refs) {
          const g = groups.get(r);
          if (!g) fail(`${where}: binaryDataArray refers to referenceableParamGroup '${r}', which is not defined. The file is malformed; re-export it.`);
          for (const p of g!) all.push(p);
        }
        for (const p of a.params) all.push(p);
        k = classifyArray(all);
        if (a.params.length === 0) kindCache.set(key, k);
      }
      if (k.kind === 'mz') { mz = k; mzA = a; }
      else if (k.kind === 'int') { inten = k; inA = a; }
    }
    if (!mz) fail(`${where} has no m/z array (MS:1000514) among its ${arrays.length} binaryDataArray elements. The file cannot be read; re-export it with m/z arrays.`);
    if (!inten) fail(`${where} has no intensity array (MS:1000515) among its ${arrays.length} binaryDataArray elements. The file cannot be read; re-export it.`);
    grow(i + 1);
    const m = describeArray(mz!, mzA!, 'm/z', where, spDefaultLen);
    const t = describeArray(inten!, inA!, 'intensity', where, spDefaultLen);
    if (mzType === null) { mzType = m.type; mzComp = m.comp; inType = t.type; inComp = t.comp; }
    else if (m.type !== mzType || t.type !== inType || m.comp !== mzComp || t.comp !== inComp) {
      fail(`${where} stores its arrays as ${m.type}/${t.type} (${m.comp}/${t.comp}) but spectrum 0 uses ${mzType}/${inType} (${mzComp}/${inComp}); mixed array encodings are not supported. Convert the file to one encoding.`);
    }
    x[i] = spX!; y[i] = spY!;
    mzOff[i] = m.offset; mzLen[i] = m.length; mzEnc[i] = m.enc;
    inOff[i] = t.offset; inLen[i] = t.length; inEnc[i] = t.enc;
    n++;
  };

  const describeArray = (k: ArrayKind, a: ArrayState, label: string, where: string, defaultLen: number) => {
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
  };

  const onOpen = (name: string, attrs: XmlAttrs, selfClosing: boolean) => {
    let next = ctx;
    switch (name) {
      case 'cvParam':
        if (ctx === Ctx.None) break;
        {
          // Hot path: per-spectrum numbers are read straight from the bytes; other params are built in full.
          const acc = attrs.get('accession') ?? '';
          if (ctx === Ctx.Array) {
            if (acc === ACC.offset) { arr!.offset = attrs.number('value'); break; }
            if (acc === ACC.arrayLength) { arr!.length = attrs.number('value'); break; }
            if (acc === ACC.encodedLength) { arr!.enc = attrs.number('value'); break; }
          } else if (ctx === Ctx.Spectrum || ctx === Ctx.Scan) {
            if (acc === ACC.posX) { spX = attrs.number('value'); break; }
            if (acc === ACC.posY) { spY = attrs.number('value'); break; }
            if (!SPECTRUM_ACCESSIONS.has(acc)) break;
          }
          addParamTo(ctx, { acc, name: attrs.get('name') ?? '', value: attrs.get('value') ?? '' });
        }
        break;
      case 'userParam':
        if (ctx === Ctx.Instrument) {
          const un = attrs.get('name'), uv = attrs.get('value');
          if (un) instrumentUserNames.push(uv ? `${un}: ${uv}` : un);
        }
        break;
      case 'referenceableParamGroupRef': {
        const ref = attrs.get('ref') ?? '';
        if (ctx === Ctx.Array) arr!.refs.push(ref);
        else if (ctx !== Ctx.None) {
          const g = groups.get(ref);
          if (g) for (const p of g) addParamTo(ctx, p);
          else if (!missingGroups.has(ref)) {
            missingGroups.add(ref);
            warnings.push(`a referenceableParamGroupRef names '${ref}', which is not defined; its parameters were ignored.`);
          }
        }
        break;
      }
      case 'referenceableParamGroup':
        groupId = attrs.get('id') ?? '';
        groups.set(groupId, []);
        next = Ctx.Group;
        break;
      case 'fileContent': next = Ctx.FileContent; break;
      case 'scanSettings': next = Ctx.ScanSettings; break;
      case 'instrumentConfiguration': next = Ctx.Instrument; break;
      case 'source': case 'analyzer': case 'detector': case 'software': case 'processingMethod': case 'sourceFile': case 'contact':
        next = Ctx.None;
        break;
      case 'spectrumList': {
        inSpectrumList = true;
        const c = Number(attrs.get('count'));
        if (Number.isSafeInteger(c) && c >= 0) {
          declaredCount = c;
          grow(Math.min(Math.max(c, 16), 1 << 22));
        }
        next = Ctx.None;
        break;
      }
      case 'spectrum': {
        if (!inSpectrumList) break;
        spParams = [];
        spX = spY = null;
        arrays = [];
        const dal = attrs.get('defaultArrayLength');
        spDefaultLen = dal !== undefined ? Number(dal) : -1;
        next = Ctx.Spectrum;
        break;
      }
      case 'scan':
        if (ctx === Ctx.Spectrum) next = Ctx.Scan;
        break;
      case 'binaryDataArray':
        if (ctx === Ctx.Spectrum) {
          arr = { refs: [], params: [], offset: NaN, length: NaN, enc: NaN };
          arrays.push(arr);
          next = Ctx.Array;
        } else next = Ctx.None;
        break;
      default:
        break;
    }
    if (!selfClosing) {
      stack.push(ctx);
      ctx = next;
    }
  };
  const onClose = (name: string) => {
    if (name === 'spectrum' && ctx === Ctx.Spectrum) finishSpectrum();
    else if (name === 'spectrumList') { inSpectrumList = false; sawSpectrumListEnd = true; }
    else if (name === 'binaryDataArray') arr = null;
    ctx = stack.pop() ?? Ctx.None;
  };
  const onDoctype = (d: string) => {
    if (/\[|ENTITY/i.test(d)) {
      fail(`the XML declares a DTD with entities (<!DOCTYPE ... [ ... ]>); imzML files never need one and expanding it could exhaust memory (entity-expansion attack). Refusing to read it.`);
    }
  };

  // Read and feed the XML in chunks.
  const chunk = options.chunkBytes ?? 4 << 20;
  let scanner: XmlScanner | null = null;
  let pos = 0;
  const wrap = (e: unknown): never => {
    if (e instanceof ImzmlError) throw e;
    const msg = (e as Error).message ?? String(e);
    const at = e instanceof XmlSyntaxError ? e.offset : pos;
    throw new ImzmlError(`${file}: the XML is not well-formed near byte ${at} (${msg}). The file may be cut short or damaged; re-copy or re-export it.`);
  };
  try {
    let want = chunk;
    while (pos < source.size) {
      if (options.signal?.aborted) throw options.signal.reason ?? new DOMException('Aborted', 'AbortError');
      const len = Math.min(want, source.size - pos);
      const bytes = await source.read(pos, len);
      if (!scanner) scanner = new XmlScanner({ open: onOpen, close: onClose, doctype: onDoctype }, detectEncoding(bytes));
      const used = scanner.feed(bytes, pos);
      if (pos + len >= source.size) { pos = source.size; break; } // the scanner keeps an incomplete tail for end()
      // The next read starts at the first unfinished construct; one longer than the chunk doubles the read.
      if (used === 0) want *= 2;
      else { pos += used; want = chunk; }
      options.onProgress?.(pos);
    }
    options.onProgress?.(pos);
    if (!sawSpectrumListEnd) {
      throw new ImzmlError(`${file}: the XML ends at byte ${source.size} before </spectrumList> (after ${n} complete spectra). The file was cut short; re-copy it completely.`);
    }
    scanner!.end();
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    wrap(e);
  }

  if (n === 0) throw new ImzmlError(`${file}: the imzML contains zero spectra; there is nothing to read. Check that you picked the right file.`);
  if (declaredCount >= 0 && declaredCount !== n) warnings.push(`spectrumList count says ${declaredCount} spectra but the file holds ${n}; using the ${n} found.`);

  const cut = <T extends Int32Array | Float64Array>(a: T): T => a.slice(0, n) as T;
  const index: ImzmlIndex = {
    name: file,
    nSpectra: n,
    storageMode: 'processed',
    storageModeLabel: null,
    mzDataType: mzType!,
    intensityDataType: inType!,
    mzCompression: mzComp!,
    intensityCompression: inComp!,
    polarity: null,
    spectrumType: null,
    pixelSizeX: null,
    pixelSizeY: null,
    maxCountX: null,
    maxCountY: null,
    instrument: null,
    uuidText: null,
    uuid: null,
    md5: null,
    sha1: null,
    warnings,
    x: cut(x), y: cut(y),
    mzOffset: cut(mzOff), mzLength: cut(mzLen), mzEncodedLength: cut(mzEnc),
    intensityOffset: cut(inOff), intensityLength: cut(inLen), intensityEncodedLength: cut(inEnc),
  };

  // Header facts.
  for (const p of fileParams) {
    if (p.acc === ACC.continuous || p.name === 'continuous') index.storageModeLabel = 'continuous';
    else if (p.acc === ACC.processed || p.name === 'processed') index.storageModeLabel = 'processed';
    else if (p.acc === ACC.uuid) index.uuidText = p.value;
    else if (p.acc === ACC.md5) index.md5 = p.value.toLowerCase();
    else if (p.acc === ACC.sha1) index.sha1 = p.value.toLowerCase();
    else if (p.acc === ACC.centroid || p.acc === ACC.profile) spectrumTypes.add(p.acc);
  }
  index.uuid = normaliseUuid(index.uuidText);
  if (index.uuidText !== null && index.uuid === null) warnings.push(`the UUID '${index.uuidText}' (IMS:1000080) is not 32 hex digits; it cannot be checked against the ibd.`);
  for (const p of settingsParams) {
    const v = Number(p.value);
    if (p.acc === ACC.maxCountX) index.maxCountX = v;
    else if (p.acc === ACC.maxCountY) index.maxCountY = v;
    else if (p.acc === ACC.pixelSizeX || /^pixel size( \(?x\)?)?$/.test(p.name)) index.pixelSizeX = Number.isFinite(v) ? v : null;
    else if (p.acc === ACC.pixelSizeY || p.name === 'pixel size y') index.pixelSizeY = Number.isFinite(v) ? v : null;
  }
  if (index.pixelSizeX !== null && index.pixelSizeY === null) index.pixelSizeY = index.pixelSizeX;
  // The model is either MS:1000031 with a value, or a specific model term (e.g. 'LTQ FT Ultra'); a bare
  // MS:1000031 without value says nothing.
  const named = instrumentParams.filter((p) => !(p.acc === ACC.instrumentModel && !p.value));
  const model = named.find((p) => p.acc === ACC.instrumentModel) ?? named[0];
  index.instrument = model ? model.value || model.name || null : instrumentUserNames[0] ?? null;

  if (polarities.size === 1) index.polarity = polarities.has(ACC.positive) ? 'positive' : 'negative';
  else if (polarities.size > 1) warnings.push('spectra have both positive and negative polarity; polarity left unset.');
  if (spectrumTypes.size === 1) index.spectrumType = spectrumTypes.has(ACC.centroid) ? 'centroid' : 'profile';
  else if (spectrumTypes.size > 1) warnings.push('the file marks spectra as both centroid and profile; spectrum type left unset.');
  if (typeNameClash) warnings.push(`a spectrum-type cvParam's accession and name disagree (e.g. MS:1000127 named 'profile spectrum'); the accession was trusted.`);

  repairWrappedOffsets(index.mzOffset, 'm/z', warnings);
  repairWrappedOffsets(index.intensityOffset, 'intensity', warnings);

  // Storage mode from the offsets: continuous files share one m/z array.
  let shared = true;
  for (let i = 1; i < n && shared; i++) if (index.mzOffset[i] !== index.mzOffset[0]) shared = false;
  index.storageMode = n > 1 ? (shared ? 'continuous' : 'processed') : index.storageModeLabel ?? 'processed';
  if (index.storageModeLabel === null) warnings.push(`the file does not state continuous/processed (IMS:1000030/IMS:1000031); its offsets say ${index.storageMode}.`);
  else if (index.storageModeLabel !== index.storageMode) {
    warnings.push(`the file says '${index.storageModeLabel}' but its m/z offsets say '${index.storageMode}'; the offsets were trusted.`);
  }
  return index;
}

/** Offsets written by signed 32-bit writers go negative past 2 GiB: add 2^32 at each wrap into the negatives. */
function repairWrappedOffsets(off: Float64Array, label: string, warnings: string[]): void {
  let neg = false;
  for (let i = 0; i < off.length; i++) if (off[i] < 0) { neg = true; break; }
  if (!neg) return;
  let delta = 0;
  let prev = NaN;
  for (let i = 0; i < off.length; i++) {
    const v = off[i];
    if (v < 0 && !(prev < 0)) delta += 2 ** 32;
    off[i] = v + delta;
    prev = v;
  }
  warnings.push(`${label} offsets had wrapped past 2^31 (a 32-bit writer); they were repaired by adding 2^32 per wrap.`);
}

function detectEncoding(bytes: Uint8Array): 'utf-8' | 'latin1' {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const m = /encoding\s*=\s*["']([A-Za-z0-9_\-]+)["']/.exec(head);
  const enc = m ? m[1].toLowerCase() : 'utf-8';
  if (enc === 'iso-8859-1' || enc === 'latin1' || enc === 'latin-1' || enc === 'windows-1252' || enc === 'us-ascii' || enc === 'ascii') return 'latin1';
  return 'utf-8';
}
