// Streaming imzML index parser: reads the XML through a ByteSource in chunks (never as one string) with our byte
// scanner (xml-scan.ts; saxes was 5-10x slower), never expands entities, and keeps the per-spectrum index in
// typed arrays. Steps: scan the XML into an index reader (index-reader.ts), check the spectrum count, build the
// index, then derive the header facts (header-facts.ts).
import { XmlScanner, XmlSyntaxError } from './xml-scan.ts';
import type { ByteSource } from '../types.ts';
import { ImzmlError } from './format.ts';
import type { ImzmlIndex, ParseOptions } from './index-types.ts';
import { ImzmlIndexReader } from './index-reader.ts';
import { notImzmlMessage, sniffImzml, SNIFF_BYTES, type FileKind } from './sniff.ts';
import { applyFileContent, applyInstrument, applyScanSettings, applySpectrumKinds, decideStorageMode, repairWrappedOffsets } from './header-facts.ts';

export type { ImzmlIndex, ParseOptions };

/** Kinds of file refused from their first bytes alone (no XML scan). */
const REFUSED = new Set<FileKind>(['empty', 'archive', 'binary', 'html', 'text', 'other-xml']);

export async function parseImzml(source: ByteSource, options: ParseOptions = {}): Promise<ImzmlIndex> {
  const reader = new ImzmlIndexReader(source.name);
  // What the file looks like, from its first bytes: a file that is plainly not imzML is refused before the scan
  // with that said first; an mzML without the imaging vocabulary gets it said when the scan or the index fails.
  const sniffed = sniffImzml(await source.read(0, Math.min(SNIFF_BYTES, source.size)), source.size);
  if (REFUSED.has(sniffed.kind)) throw new ImzmlError(notImzmlMessage(source.name, sniffed));
  let index: ImzmlIndex;
  try {
    await scanXml(source, reader, options);
    index = indexFrom(reader);
  } catch (e) {
    if (sniffed.kind !== 'mzml' || !(e instanceof ImzmlError)) throw e;
    // the reader's first sentence, without the file name (named once) and its own advice
    const detail = (e.message.startsWith(`${source.name}: `) ? e.message.slice(source.name.length + 2) : e.message).split(/(?<=\.)\s/)[0];
    throw new ImzmlError(notImzmlMessage(source.name, sniffed, `(Detail: ${detail.replace(/\.$/, '')}.)`));
  }
  applyFileContent(index, reader);
  applyScanSettings(index, reader);
  applyInstrument(index, reader);
  applySpectrumKinds(index, reader);
  repairWrappedOffsets(index.mzOffset, 'm/z', index.warnings);
  repairWrappedOffsets(index.intensityOffset, 'intensity', index.warnings);
  decideStorageMode(index);
  return index;
}

/** Reads and feeds the XML in chunks; any scanner error becomes an ImzmlError naming the byte where it happened. */
async function scanXml(source: ByteSource, reader: ImzmlIndexReader, options: ParseOptions): Promise<void> {
  const file = source.name;
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
      if (!scanner) scanner = new XmlScanner({ open: reader.open, close: reader.close, doctype: reader.doctype }, detectEncoding(bytes));
      const used = scanner.feed(bytes, pos);
      if (pos + len >= source.size) { pos = source.size; break; } // the scanner keeps an incomplete tail for end()
      // The next read starts at the first unfinished construct; one longer than the chunk doubles the read.
      if (used === 0) want *= 2;
      else { pos += used; want = chunk; }
      options.onProgress?.(pos);
    }
    options.onProgress?.(pos);
    if (!reader.sawSpectrumListEnd) {
      throw new ImzmlError(`${file}: the XML ends at byte ${source.size} before </spectrumList> (after ${reader.columns.n} complete spectra). The file was cut short; re-copy it completely.`);
    }
    scanner!.end();
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    wrap(e);
  }
}

/** The index with its spectrum columns and encodings; header facts still unset. */
function indexFrom(reader: ImzmlIndexReader): ImzmlIndex {
  const { file, columns: c, warnings } = reader;
  const n = c.n;
  if (n === 0) throw new ImzmlError(`${file}: the imzML contains zero spectra; there is nothing to read. Check that you picked the right file.`);
  if (reader.declaredCount >= 0 && reader.declaredCount !== n) warnings.push(`spectrumList count says ${reader.declaredCount} spectra but the file holds ${n}; using the ${n} found.`);
  const cut = <T extends Int32Array | Float64Array>(a: T): T => a.slice(0, n) as T;
  return {
    name: file,
    nSpectra: n,
    storageMode: 'processed',
    storageModeLabel: null,
    mzDataType: reader.mzType!,
    intensityDataType: reader.inType!,
    mzCompression: reader.mzComp!,
    intensityCompression: reader.inComp!,
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
    x: cut(c.x), y: cut(c.y),
    mzOffset: cut(c.mzOff), mzLength: cut(c.mzLen), mzEncodedLength: cut(c.mzEnc),
    intensityOffset: cut(c.inOff), intensityLength: cut(c.inLen), intensityEncodedLength: cut(c.inEnc),
  };
}

function detectEncoding(bytes: Uint8Array): 'utf-8' | 'latin1' {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const m = /encoding\s*=\s*["']([A-Za-z0-9_\-]+)["']/.exec(head);
  const enc = m ? m[1].toLowerCase() : 'utf-8';
  if (enc === 'iso-8859-1' || enc === 'latin1' || enc === 'latin-1' || enc === 'windows-1252' || enc === 'us-ascii' || enc === 'ascii') return 'latin1';
  return 'utf-8';
}
