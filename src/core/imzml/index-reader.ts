// The imzML index as an XML event handler: follows the element context (param groups, file content, scan settings,
// instrument, spectrum, scan, binaryDataArray), collects the cvParams each context needs and, at each </spectrum>,
// checks the spectrum and appends its position and array layout to the columns. Feeding it bytes is parse.ts's job,
// turning what it collected into header facts is header-facts.ts's.
import type { XmlAttrs } from './xml-scan.ts';
import { ACC, ImzmlError } from './format.ts';
import type { Compression, DataType } from './format.ts';
import { classifyArray, describeArray, type ArrayKind, type ArrayState, type Param } from './array-kind.ts';
import { SpectrumColumns } from './spectrum-columns.ts';

const SPECTRUM_ACCESSIONS = new Set<string>([ACC.positive, ACC.negative, ACC.centroid, ACC.profile]);

// Contexts whose cvParams we collect.
const enum Ctx { None, Group, FileContent, ScanSettings, Instrument, Spectrum, Scan, Array }

export class ImzmlIndexReader {
  readonly warnings: string[] = [];
  readonly columns = new SpectrumColumns();
  // header params, read by header-facts.ts once the XML is done
  readonly fileParams: Param[] = [];
  readonly settingsParams: Param[] = [];
  readonly instrumentParams: Param[] = [];
  readonly instrumentUserNames: string[] = [];
  // facts gathered over all spectra
  mzType: DataType | null = null;
  inType: DataType | null = null;
  mzComp: Compression | null = null;
  inComp: Compression | null = null;
  readonly polarities = new Set<string>();
  readonly spectrumTypes = new Set<string>();
  typeNameClash = false;
  sawSpectrumListEnd = false;
  declaredCount = -1;

  private readonly groups = new Map<string, Param[]>();
  private readonly missingGroups = new Set<string>();
  private readonly kindCache = new Map<string, ArrayKind>();
  // element context
  private readonly stack: Ctx[] = [];
  private ctx: Ctx = Ctx.None;
  private groupId = '';
  private inSpectrumList = false;
  // the spectrum being read
  private spParams: Param[] = [];
  private spDefaultLen = -1;
  private spX: number | null = null;
  private spY: number | null = null;
  private arrays: ArrayState[] = [];
  private arr: ArrayState | null = null;

  constructor(readonly file: string) {}

  fail(msg: string): never {
    throw new ImzmlError(`${this.file}: ${msg}`);
  }

  /** Start tag (the scanner's `open` event). */
  readonly open = (name: string, attrs: XmlAttrs, selfClosing: boolean): void => {
    const ctx = this.ctx;
    let next = ctx;
    switch (name) {
      case 'cvParam':
        if (ctx === Ctx.None) break;
        {
          // Hot path: per-spectrum numbers are read straight from the bytes; other params are built in full.
          const acc = attrs.get('accession') ?? '';
          if (ctx === Ctx.Array) {
            if (acc === ACC.offset) { this.arr!.offset = attrs.number('value'); break; }
            if (acc === ACC.arrayLength) { this.arr!.length = attrs.number('value'); break; }
            if (acc === ACC.encodedLength) { this.arr!.enc = attrs.number('value'); break; }
          } else if (ctx === Ctx.Spectrum || ctx === Ctx.Scan) {
            if (acc === ACC.posX) { this.spX = position(attrs); break; }
            if (acc === ACC.posY) { this.spY = position(attrs); break; }
            if (!SPECTRUM_ACCESSIONS.has(acc)) break;
          }
          this.addParamTo(ctx, { acc, name: attrs.get('name') ?? '', value: attrs.get('value') ?? '' });
        }
        break;
      case 'userParam':
        if (ctx === Ctx.Instrument) {
          const un = attrs.get('name'), uv = attrs.get('value');
          if (un) this.instrumentUserNames.push(uv ? `${un}: ${uv}` : un);
        }
        break;
      case 'referenceableParamGroupRef': {
        const ref = attrs.get('ref') ?? '';
        if (ctx === Ctx.Array) this.arr!.refs.push(ref);
        else if (ctx !== Ctx.None) {
          const g = this.groups.get(ref);
          if (g) for (const p of g) this.addParamTo(ctx, p);
          else if (!this.missingGroups.has(ref)) {
            this.missingGroups.add(ref);
            this.warnings.push(`a referenceableParamGroupRef names '${ref}', which is not defined; its parameters were ignored.`);
          }
        }
        break;
      }
      case 'referenceableParamGroup':
        this.groupId = attrs.get('id') ?? '';
        this.groups.set(this.groupId, []);
        next = Ctx.Group;
        break;
      case 'fileContent': next = Ctx.FileContent; break;
      case 'scanSettings': next = Ctx.ScanSettings; break;
      case 'instrumentConfiguration': next = Ctx.Instrument; break;
      case 'source': case 'analyzer': case 'detector': case 'software': case 'processingMethod': case 'sourceFile': case 'contact':
        next = Ctx.None;
        break;
      case 'spectrumList': {
        this.inSpectrumList = true;
        const c = Number(attrs.get('count'));
        if (Number.isSafeInteger(c) && c >= 0) {
          this.declaredCount = c;
          this.columns.reserve(Math.min(Math.max(c, 16), 1 << 22));
        }
        next = Ctx.None;
        break;
      }
      case 'spectrum': {
        if (!this.inSpectrumList) break;
        this.spParams = [];
        this.spX = this.spY = null;
        this.arrays = [];
        const dal = attrs.get('defaultArrayLength');
        this.spDefaultLen = dal !== undefined ? Number(dal) : -1;
        next = Ctx.Spectrum;
        break;
      }
      case 'scan':
        if (ctx === Ctx.Spectrum) next = Ctx.Scan;
        break;
      case 'binaryDataArray':
        if (ctx === Ctx.Spectrum) {
          this.arr = { refs: [], params: [], offset: NaN, length: NaN, enc: NaN };
          this.arrays.push(this.arr);
          next = Ctx.Array;
        } else next = Ctx.None;
        break;
      default:
        break;
    }
    if (!selfClosing) {
      this.stack.push(ctx);
      this.ctx = next;
    }
  };

  /** End tag (the scanner's `close` event). */
  readonly close = (name: string): void => {
    if (name === 'spectrum' && this.ctx === Ctx.Spectrum) this.finishSpectrum();
    else if (name === 'spectrumList') { this.inSpectrumList = false; this.sawSpectrumListEnd = true; }
    else if (name === 'binaryDataArray') this.arr = null;
    this.ctx = this.stack.pop() ?? Ctx.None;
  };

  /** <!DOCTYPE …> (the scanner's `doctype` event): an internal subset could expand entities, so refuse it. */
  readonly doctype = (d: string): void => {
    if (/\[|ENTITY/i.test(d)) {
      this.fail(`the XML declares a DTD with entities (<!DOCTYPE ... [ ... ]>); imzML files never need one and expanding it could exhaust memory (entity-expansion attack). Refusing to read it.`);
    }
  };

  private addParamTo(c: Ctx, p: Param): void {
    switch (c) {
      case Ctx.Group: this.groups.get(this.groupId)!.push(p); break;
      case Ctx.FileContent: this.fileParams.push(p); break;
      case Ctx.ScanSettings: this.settingsParams.push(p); break;
      case Ctx.Instrument: this.instrumentParams.push(p); break;
      case Ctx.Spectrum:
      case Ctx.Scan:
        if (p.acc === ACC.posX) this.spX = p.value.trim() === '' ? NaN : Number(p.value);
        else if (p.acc === ACC.posY) this.spY = p.value.trim() === '' ? NaN : Number(p.value);
        else if (SPECTRUM_ACCESSIONS.has(p.acc)) this.spParams.push(p);
        break;
      case Ctx.Array:
        if (p.acc === ACC.offset) this.arr!.offset = Number(p.value);
        else if (p.acc === ACC.arrayLength) this.arr!.length = Number(p.value);
        else if (p.acc === ACC.encodedLength) this.arr!.enc = Number(p.value);
        else this.arr!.params.push(p);
        break;
      default: break;
    }
  }

  /** What an array's params (its referenced groups', then its own) say; cached when it has no own params. */
  private kindOf(a: ArrayState, where: string): ArrayKind {
    const key = a.refs.join('\u0000');
    let k = a.params.length === 0 ? this.kindCache.get(key) : undefined;
    if (!k) {
      const all: Param[] = [];
      for (const r of a.refs) {
        const g = this.groups.get(r);
        if (!g) this.fail(`${where}: binaryDataArray refers to referenceableParamGroup '${r}', which is not defined. The file is malformed; re-export it.`);
        for (const p of g!) all.push(p);
      }
      for (const p of a.params) all.push(p);
      k = classifyArray(all);
      if (a.params.length === 0) this.kindCache.set(key, k);
    }
    return k;
  }

  /** At </spectrum>: checks position and arrays, records polarity/spectrum type, appends the spectrum's row. */
  private finishSpectrum(): void {
    const where = `spectrum ${this.columns.n} (index in file order)`;
    const spX = this.spX, spY = this.spY;
    if (spX === null || spY === null || !Number.isInteger(spX) || !Number.isInteger(spY)) {
      this.fail(`${where} has no valid position x/y (IMS:1000050/IMS:1000051); every spectrum needs integer coordinates. Re-export the file.`);
    }
    // spectrum-level params, including referenced groups
    for (const p of this.spParams) {
      if (p.acc === ACC.positive || p.acc === ACC.negative) this.polarities.add(p.acc);
      else if (p.acc === ACC.centroid || p.acc === ACC.profile) {
        this.spectrumTypes.add(p.acc);
        if ((p.acc === ACC.centroid && /profile/i.test(p.name)) || (p.acc === ACC.profile && /centroid/i.test(p.name))) this.typeNameClash = true;
      }
    }
    let mz: ArrayKind | null = null, inten: ArrayKind | null = null;
    let mzA: ArrayState | null = null, inA: ArrayState | null = null;
    for (const a of this.arrays) {
      const k = this.kindOf(a, where);
      if (k.kind === 'mz') { mz = k; mzA = a; }
      else if (k.kind === 'int') { inten = k; inA = a; }
    }
    const n = this.arrays.length;
    if (!mz) this.fail(`${where} has no m/z array (MS:1000514) among its ${n} binaryDataArray elements. The file cannot be read; re-export it with m/z arrays.`);
    if (!inten) this.fail(`${where} has no intensity array (MS:1000515) among its ${n} binaryDataArray elements. The file cannot be read; re-export it.`);
    const fail = (msg: string) => this.fail(msg);
    const m = describeArray(mz!, mzA!, 'm/z', where, this.spDefaultLen, fail);
    const t = describeArray(inten!, inA!, 'intensity', where, this.spDefaultLen, fail);
    if (this.mzType === null) { this.mzType = m.type; this.mzComp = m.comp; this.inType = t.type; this.inComp = t.comp; }
    else if (m.type !== this.mzType || t.type !== this.inType || m.comp !== this.mzComp || t.comp !== this.inComp) {
      this.fail(`${where} stores its arrays as ${m.type}/${t.type} (${m.comp}/${t.comp}) but spectrum 0 uses ${this.mzType}/${this.inType} (${this.mzComp}/${this.inComp}); mixed array encodings are not supported. Convert the file to one encoding.`);
    }
    this.columns.push(spX!, spY!, m, t);
  }
}

/** A position x/y value; an empty or missing value is no position (attrs.number reads it as 0, a valid-looking x). */
function position(attrs: XmlAttrs): number {
  const v = attrs.number('value');
  return v === 0 && (attrs.get('value') ?? '').trim() === '' ? NaN : v;
}
