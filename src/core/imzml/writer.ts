// Streaming imzML/ibd writer. The ibd is written spectrum by spectrum (hashed with SHA-1 on the way); the
// per-spectrum index is kept in compact arrays and the XML is streamed out at `finish`, when the SHA-1 and the
// grid are known. Used by the simulator, the ingest bench and the tests (round trip through parseImzml).
import { Sha1 } from './sha1.ts';
import { ACC, ImzmlError, normaliseUuid, bytesToHex } from './format.ts';

export interface ByteSink {
  write(chunk: Uint8Array): void | Promise<void>;
}

/** Collects written chunks in memory. */
export class MemorySink implements ByteSink {
  private chunks: Uint8Array[] = [];
  private length = 0;
  write(chunk: Uint8Array): void {
    this.chunks.push(chunk.slice());
    this.length += chunk.length;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) { out.set(c, o); o += c.length; }
    return out;
  }
}

export interface ImzmlWriterOptions {
  ibd: ByteSink;
  imzml: ByteSink;
  mode: 'processed' | 'continuous';
  /** Default 'f64'. */
  mzType?: 'f32' | 'f64';
  /** Default 'f32'. */
  intensityType?: 'f32' | 'f64';
  /** Default 'centroid'. */
  spectrumType?: 'centroid' | 'profile' | null;
  polarity?: 'positive' | 'negative' | null;
  /** Pixel size in micrometres. */
  pixelSize?: { x: number; y: number } | null;
  /** 32 hex digits (dashes/braces allowed); default: random (globalThis.crypto). */
  uuid?: string;
  instrument?: string | null;
  /** The shared m/z axis; required in continuous mode. */
  continuousMz?: ArrayLike<number>;
  /** Test aid: write offsets as a signed 32-bit writer would (values past 2^31 wrap negative). */
  wrapOffsetsInt32?: boolean;
  /** Test aid: omit IMS:1000104 (external encoded length), as some writers do. */
  omitEncodedLength?: boolean;
}

export interface ImzmlWriteResult {
  uuid: string;
  sha1: string;
  nSpectra: number;
  ibdBytes: number;
  imzmlBytes: number;
}

const FLUSH_BYTES = 4 << 20;

export class ImzmlWriter {
  private readonly o: ImzmlWriterOptions;
  private readonly mzType: 'f32' | 'f64';
  private readonly intType: 'f32' | 'f64';
  private readonly uuidHex: string;
  private readonly sha = new Sha1();
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private ibdPos = 0;
  private n = 0;
  private cap = 1024;
  private xs = new Int32Array(this.cap);
  private ys = new Int32Array(this.cap);
  private mzOff = new Float64Array(this.cap);
  private intOff = new Float64Array(this.cap);
  private lens = new Float64Array(this.cap);
  private contMzOffset = 0;
  private contLength = 0;
  private finished = false;

  constructor(options: ImzmlWriterOptions) {
    this.o = options;
    this.mzType = options.mzType ?? 'f64';
    this.intType = options.intensityType ?? 'f32';
    let uuid = options.uuid ? normaliseUuid(options.uuid) : randomUuidHex();
    if (!uuid) throw new ImzmlError(`ImzmlWriter: uuid '${options.uuid}' is not 32 hex digits; pass e.g. '0123456789abcdef0123456789abcdef'`);
    this.uuidHex = uuid;
    const head = new Uint8Array(16);
    for (let i = 0; i < 16; i++) head[i] = parseInt(uuid.slice(i * 2, i * 2 + 2), 16);
    this.push(head);
    if (options.mode === 'continuous') {
      if (!options.continuousMz) throw new ImzmlError('ImzmlWriter: continuous mode needs options.continuousMz (the shared m/z axis)');
      this.contLength = options.continuousMz.length;
      this.contMzOffset = this.ibdPos;
      this.push(encode(options.continuousMz, this.mzType));
    }
  }

  /** Appends one spectrum at 1-based file coordinates (x, y). In continuous mode `mz` is ignored (may be null). */
  async addSpectrum(x: number, y: number, mz: ArrayLike<number> | null, intensity: ArrayLike<number>): Promise<void> {
    if (this.finished) throw new ImzmlError('ImzmlWriter.addSpectrum after finish');
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.xs[i] = x;
    this.ys[i] = y;
    if (this.o.mode === 'continuous') {
      if (intensity.length !== this.contLength) {
        throw new ImzmlError(`ImzmlWriter: spectrum ${i} has ${intensity.length} intensities but the continuous m/z axis has ${this.contLength}`);
      }
      this.mzOff[i] = this.contMzOffset;
    } else {
      if (!mz || mz.length !== intensity.length) {
        throw new ImzmlError(`ImzmlWriter: spectrum ${i} has ${mz?.length ?? 'no'} m/z values and ${intensity.length} intensities; they must match`);
      }
      this.mzOff[i] = this.ibdPos;
      this.push(encode(mz, this.mzType));
    }
    this.lens[i] = intensity.length;
    this.intOff[i] = this.ibdPos;
    this.push(encode(intensity, this.intType));
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  async finish(): Promise<ImzmlWriteResult> {
    if (this.finished) throw new ImzmlError('ImzmlWriter.finish called twice');
    this.finished = true;
    await this.flush();
    const sha1 = this.sha.hex();
    const enc = new TextEncoder();
    let imzmlBytes = 0;
    let buf = '';
    const emit = async (s: string, force = false) => {
      buf += s;
      if (buf.length >= 1 << 20 || force) {
        const b = enc.encode(buf);
        imzmlBytes += b.length;
        buf = '';
        await this.o.imzml.write(b);
      }
    };
    await emit(this.header(sha1));
    const mzRef = 'mzArray';
    const intRef = 'intensityArray';
    const lenBytes = (t: 'f32' | 'f64') => (t === 'f32' ? 4 : 8);
    for (let i = 0; i < this.n; i++) {
      const len = this.lens[i];
      await emit(
        `      <spectrum id="Scan=${i + 1}" defaultArrayLength="0" index="${i}">\n` +
          `        <referenceableParamGroupRef ref="spectrum1"/>\n` +
          `        <scanList count="1">\n` +
          `          <cvParam cvRef="MS" accession="MS:1000795" name="no combination" value=""/>\n` +
          `          <scan instrumentConfigurationRef="IC1">\n` +
          `            <cvParam cvRef="IMS" accession="${ACC.posX}" name="position x" value="${this.xs[i]}"/>\n` +
          `            <cvParam cvRef="IMS" accession="${ACC.posY}" name="position y" value="${this.ys[i]}"/>\n` +
          `          </scan>\n` +
          `        </scanList>\n` +
          `        <binaryDataArrayList count="2">\n` +
          this.arrayXml(mzRef, len, len * lenBytes(this.mzType), this.mzOff[i]) +
          this.arrayXml(intRef, len, len * lenBytes(this.intType), this.intOff[i]) +
          `        </binaryDataArrayList>\n` +
          `      </spectrum>\n`,
      );
    }
    await emit(`    </spectrumList>\n  </run>\n</mzML>\n`, true);
    return { uuid: this.uuidHex, sha1, nSpectra: this.n, ibdBytes: this.ibdPos, imzmlBytes };
  }

  private arrayXml(ref: string, len: number, encLen: number, offset: number): string {
    const off = this.o.wrapOffsetsInt32 ? offset | 0 : offset;
    return (
      `          <binaryDataArray encodedLength="0">\n` +
      `            <referenceableParamGroupRef ref="${ref}"/>\n` +
      `            <cvParam cvRef="IMS" accession="${ACC.arrayLength}" name="external array length" value="${len}"/>\n` +
      (this.o.omitEncodedLength ? '' : `            <cvParam cvRef="IMS" accession="${ACC.encodedLength}" name="external encoded length" value="${encLen}"/>\n`) +
      `            <cvParam cvRef="IMS" accession="${ACC.offset}" name="external offset" value="${off}"/>\n` +
      `            <binary/>\n` +
      `          </binaryDataArray>\n`
    );
  }

  private header(sha1: string): string {
    const o = this.o;
    const u = this.uuidHex;
    const uuidText = `{${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}}`.toUpperCase();
    let maxX = 0, maxY = 0;
    for (let i = 0; i < this.n; i++) { if (this.xs[i] > maxX) maxX = this.xs[i]; if (this.ys[i] > maxY) maxY = this.ys[i]; }
    const dt = (t: 'f32' | 'f64') => (t === 'f32' ? `accession="MS:1000521" name="32-bit float"` : `accession="MS:1000523" name="64-bit float"`);
    const st = o.spectrumType === undefined ? 'centroid' : o.spectrumType;
    const stParam = st === 'centroid' ? `<cvParam cvRef="MS" accession="${ACC.centroid}" name="centroid spectrum" value=""/>`
      : st === 'profile' ? `<cvParam cvRef="MS" accession="${ACC.profile}" name="profile spectrum" value=""/>` : '';
    const pol = o.polarity === 'positive' ? `\n      <cvParam cvRef="MS" accession="${ACC.positive}" name="positive scan" value=""/>`
      : o.polarity === 'negative' ? `\n      <cvParam cvRef="MS" accession="${ACC.negative}" name="negative scan" value=""/>` : '';
    const mode = o.mode === 'continuous' ? `accession="${ACC.continuous}" name="continuous"` : `accession="${ACC.processed}" name="processed"`;
    const px = o.pixelSize
      ? `\n      <cvParam cvRef="IMS" accession="${ACC.pixelSizeX}" name="pixel size x" value="${o.pixelSize.x}" unitCvRef="UO" unitAccession="UO:0000017" unitName="micrometer"/>` +
        `\n      <cvParam cvRef="IMS" accession="${ACC.pixelSizeY}" name="pixel size y" value="${o.pixelSize.y}" unitCvRef="UO" unitAccession="UO:0000017" unitName="micrometer"/>`
      : '';
    const instr = o.instrument ? `\n      <cvParam cvRef="MS" accession="${ACC.instrumentModel}" name="instrument model" value="${escapeXml(o.instrument)}"/>` : '';
    return `<?xml version="1.0" encoding="UTF-8"?>
<mzML xmlns="http://psi.hupo.org/ms/mzml" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.1">
  <cvList count="3">
    <cv id="MS" fullName="Proteomics Standards Initiative Mass Spectrometry Ontology" version="4.1.0" URI="http://purl.obolibrary.org/obo/ms.obo"/>
    <cv id="UO" fullName="Unit Ontology" version="2020-03-10" URI="http://purl.obolibrary.org/obo/uo.obo"/>
    <cv id="IMS" fullName="Mass Spectrometry Imaging Ontology" version="1.1.0" URI="https://raw.githubusercontent.com/imzML/imzML/f2c8b6ce2affa8d8eef74d4bfe5922c815ff4dff/imagingMS.obo"/>
  </cvList>
  <fileDescription>
    <fileContent>
      <cvParam cvRef="MS" accession="MS:1000579" name="MS1 spectrum" value=""/>
      ${stParam}
      <cvParam cvRef="IMS" ${mode} value=""/>
      <cvParam cvRef="IMS" accession="${ACC.uuid}" name="universally unique identifier" value="${uuidText}"/>
      <cvParam cvRef="IMS" accession="${ACC.sha1}" name="ibd SHA-1" value="${sha1.toUpperCase()}"/>
    </fileContent>
  </fileDescription>
  <referenceableParamGroupList count="3">
    <referenceableParamGroup id="mzArray">
      <cvParam cvRef="MS" accession="MS:1000514" name="m/z array" value="" unitCvRef="MS" unitAccession="MS:1000040" unitName="m/z"/>
      <cvParam cvRef="MS" ${dt(this.mzType)} value=""/>
      <cvParam cvRef="MS" accession="MS:1000576" name="no compression" value=""/>
      <cvParam cvRef="IMS" accession="IMS:1000101" name="external data" value="true"/>
    </referenceableParamGroup>
    <referenceableParamGroup id="intensityArray">
      <cvParam cvRef="MS" accession="MS:1000515" name="intensity array" value="" unitCvRef="MS" unitAccession="MS:1000131" unitName="number of detector counts"/>
      <cvParam cvRef="MS" ${dt(this.intType)} value=""/>
      <cvParam cvRef="MS" accession="MS:1000576" name="no compression" value=""/>
      <cvParam cvRef="IMS" accession="IMS:1000101" name="external data" value="true"/>
    </referenceableParamGroup>
    <referenceableParamGroup id="spectrum1">
      <cvParam cvRef="MS" accession="MS:1000579" name="MS1 spectrum" value=""/>
      <cvParam cvRef="MS" accession="MS:1000511" name="ms level" value="1"/>
      ${stParam}${pol}
    </referenceableParamGroup>
  </referenceableParamGroupList>
  <softwareList count="1">
    <software id="imzlens" version="0.1.0">
      <cvParam cvRef="MS" accession="MS:1000799" name="custom unreleased software tool" value="imzlens"/>
    </software>
  </softwareList>
  <scanSettingsList count="1">
    <scanSettings id="scanSettings1">
      <cvParam cvRef="IMS" accession="${ACC.maxCountX}" name="max count of pixels x" value="${maxX}"/>
      <cvParam cvRef="IMS" accession="${ACC.maxCountY}" name="max count of pixels y" value="${maxY}"/>${px}
    </scanSettings>
  </scanSettingsList>
  <instrumentConfigurationList count="1">
    <instrumentConfiguration id="IC1">${instr}
    </instrumentConfiguration>
  </instrumentConfigurationList>
  <dataProcessingList count="1">
    <dataProcessing id="export">
      <processingMethod order="1" softwareRef="imzlens">
        <cvParam cvRef="MS" accession="MS:1000530" name="file format conversion" value=""/>
      </processingMethod>
    </dataProcessing>
  </dataProcessingList>
  <run defaultInstrumentConfigurationRef="IC1" id="run1">
    <spectrumList count="${this.n}" defaultDataProcessingRef="export">
`;
  }

  private push(bytes: Uint8Array): void {
    this.sha.update(bytes);
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.ibdPos += bytes.length;
  }

  private async flush(): Promise<void> {
    if (!this.pendingBytes) return;
    let chunk: Uint8Array;
    if (this.pending.length === 1) chunk = this.pending[0];
    else {
      chunk = new Uint8Array(this.pendingBytes);
      let o = 0;
      for (const p of this.pending) { chunk.set(p, o); o += p.length; }
    }
    this.pending = [];
    this.pendingBytes = 0;
    await this.o.ibd.write(chunk);
  }

  private grow(): void {
    this.cap *= 2;
    const g = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as { new (n: number): T })(this.cap);
      b.set(a);
      return b;
    };
    this.xs = g(this.xs); this.ys = g(this.ys);
    this.mzOff = g(this.mzOff); this.intOff = g(this.intOff); this.lens = g(this.lens);
  }
}

function encode(values: ArrayLike<number>, type: 'f32' | 'f64'): Uint8Array {
  const arr = type === 'f32' ? new Float32Array(values.length) : new Float64Array(values.length);
  // typed arrays store little-endian on every platform we target (x86, ARM); the ibd is little-endian.
  if (values instanceof Float32Array || values instanceof Float64Array || Array.isArray(values)) arr.set(values as ArrayLike<number>);
  else for (let i = 0; i < values.length; i++) arr[i] = values[i];
  return new Uint8Array(arr.buffer);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[^\x20-\x7e]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function randomUuidHex(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return bytesToHex(b);
}

/** Writes a whole dataset into memory (tests, small generated datasets). */
export async function writeImzmlToMemory(
  options: Omit<ImzmlWriterOptions, 'ibd' | 'imzml'>,
  spectra: Iterable<{ x: number; y: number; mz: ArrayLike<number> | null; intensity: ArrayLike<number> }>,
): Promise<{ imzml: Uint8Array; ibd: Uint8Array } & ImzmlWriteResult> {
  const ibd = new MemorySink();
  const imzml = new MemorySink();
  const w = new ImzmlWriter({ ...options, ibd, imzml });
  for (const s of spectra) await w.addSpectrum(s.x, s.y, s.mz, s.intensity);
  const r = await w.finish();
  return { ...r, imzml: imzml.bytes(), ibd: ibd.bytes() };
}
