// Bad input (issue 2, item 9): each case gets a precise error naming the file and spectrum, never a hang.
import { describe, expect, it } from 'vitest';
import { gzipSync, zlibSync } from 'fflate';
import { writeImzmlToMemory } from '../../src/core/imzml/writer.ts';
import { parseImzml } from '../../src/core/imzml/parse.ts';
import { loadDataset } from '../../src/core/imzml/ingest.ts';
import { forEachSpectrum } from '../../src/core/imzml/spectra.ts';
import { BytesSource } from '../../src/core/imzml/bytes-source.ts';
import type { ByteSource } from '../../src/core/types.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

async function dataset(seed = 1, n = 12, uuid?: string) {
  const sp = Array.from({ length: n }, (_, i) => ({
    x: 1 + (i % 4), y: 1 + Math.floor(i / 4),
    mz: Array.from({ length: 20 }, (_, j) => 100 + j * 10 + seed + i * 0.01),
    intensity: Array.from({ length: 20 }, (_, j) => (j + i + seed) % 5),
  }));
  const w = await writeImzmlToMemory({ mode: 'processed', mzType: 'f64', intensityType: 'f32', uuid }, sp);
  return { xml: dec.decode(w.imzml), ibd: w.ibd, sp };
}

const load = (xml: string | Uint8Array, ibd: Uint8Array) =>
  loadDataset(new BytesSource('bad.imzML', typeof xml === 'string' ? enc.encode(xml) : xml), new BytesSource('bad.ibd', ibd));

/** Applies `edit` to the XML of spectrum i only. */
function editSpectrum(xml: string, i: number, edit: (block: string) => string): string {
  const start = xml.indexOf(`index="${i}"`);
  const end = xml.indexOf('</spectrum>', start);
  return xml.slice(0, start) + edit(xml.slice(start, end)) + xml.slice(end);
}

describe('bad input', () => {
  it('a good generated dataset loads (control)', async () => {
    const d = await dataset();
    const { meta } = await load(d.xml, d.ibd);
    expect(meta.nSpectra).toBe(12);
    expect(meta.warnings).toEqual([]);
  });

  it('truncated ibd', async () => {
    const d = await dataset();
    await expect(load(d.xml, d.ibd.subarray(0, d.ibd.length - 50))).rejects.toThrow(/bad\.ibd: spectrum 11 .*only \d+ bytes.*truncated.*re-copy/);
  });

  it('ibd of another dataset (smaller): error with the UUID hint', async () => {
    const a = await dataset(1, 12, 'aa'.repeat(16));
    const b = await dataset(2, 6, 'bb'.repeat(16));
    await expect(load(a.xml, b.ibd)).rejects.toThrow(/spectrum 6 .*another dataset.*Note: the ibd's UUID \(b{32}\) differs from the imzML's \(a{32}\)/);
  });

  it('ibd of another dataset (same layout): loads with a UUID warning', async () => {
    const a = await dataset(1, 12, 'aa'.repeat(16));
    const b = await dataset(2, 12, 'bb'.repeat(16));
    const { meta } = await load(a.xml, b.ibd);
    expect(meta.warnings.join(' ')).toMatch(/ibd's UUID \(b{32}\) differs from the imzML's \(a{32}\)/);
  });

  it('offsets past the end', async () => {
    const d = await dataset();
    const xml = editSpectrum(d.xml, 5, (b) => b.replace(/name="external offset" value="\d+"/, 'name="external offset" value="99999999"'));
    await expect(load(xml, d.ibd)).rejects.toThrow(/spectrum 5 .*m\/z bytes 99999999\.\.100000159 but the ibd has only/);
  });

  it('XML cut mid-way', async () => {
    const d = await dataset();
    const cut = enc.encode(d.xml).subarray(0, Math.floor(d.xml.length * 0.6));
    await expect(load(cut, d.ibd)).rejects.toThrow(/bad\.imzML: the XML ends .* before <\/spectrumList> \(after \d+ complete spectra\).*cut short/);
  });

  it('XML cut inside the closing tags', async () => {
    const d = await dataset();
    const cut = enc.encode(d.xml.slice(0, d.xml.lastIndexOf('</run>') + 3));
    await expect(load(cut, d.ibd)).rejects.toThrow(/bad\.imzML: the XML is not well-formed near byte/);
  });

  it('unknown data-type accession', async () => {
    const d = await dataset();
    const xml = d.xml.replace('accession="MS:1000521" name="32-bit float"', 'accession="MS:1000520" name="16-bit float"');
    await expect(load(xml, d.ibd)).rejects.toThrow(/spectrum 0 .*intensity array has no known binary data type \(found MS:1000520 '16-bit float'\)/);
  });

  it('missing m/z array', async () => {
    const d = await dataset();
    const xml = d.xml.replace(/<cvParam cvRef="MS" accession="MS:1000514"[^>]*\/>/, '');
    await expect(load(xml, d.ibd)).rejects.toThrow(/spectrum 0 .*has no m\/z array \(MS:1000514\)/);
  });

  it('negative array length', async () => {
    const d = await dataset();
    const xml = editSpectrum(d.xml, 3, (b) => b.replace(/name="external array length" value="\d+"/, 'name="external array length" value="-5"'));
    await expect(load(xml, d.ibd)).rejects.toThrow(/spectrum 3 .*m\/z array length \(IMS:1000103\) is -5/);
  });

  it('absurd array length', async () => {
    const d = await dataset();
    const xml = editSpectrum(d.xml, 4, (b) => b.replace(/name="external array length" value="\d+"/, 'name="external array length" value="1000000000000000"'));
    await expect(load(xml, d.ibd)).rejects.toThrow(/spectrum 4 .*length \(IMS:1000103\) is 1000000000000000, which is not a plausible/);
  });

  it('entity-expansion bomb (DTD with entities) is refused without expanding', async () => {
    const d = await dataset();
    const ents = ['<!ENTITY a0 "lollollollollollollollollollol">'];
    for (let k = 1; k < 10; k++) ents.push(`<!ENTITY a${k} "${`&a${k - 1};`.repeat(10)}">`);
    const xml = d.xml.replace('<mzML', `<!DOCTYPE mzML [\n${ents.join('\n')}\n]>\n<mzML`).replace('value="imzlens"', 'value="&a9;"');
    const t0 = performance.now();
    await expect(load(xml, d.ibd)).rejects.toThrow(/bad\.imzML: .*DTD with entities.*entity-expansion/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('undeclared entity reference', async () => {
    const d = await dataset();
    const xml = d.xml.replace('value="imzlens"', 'value="&lol9;"');
    await expect(load(xml, d.ibd)).rejects.toThrow(/bad\.imzML: the XML is not well-formed near byte \d+ .*entity/i);
  });

  it('zero spectra', async () => {
    const w = await writeImzmlToMemory({ mode: 'processed' }, []);
    await expect(load(w.imzml, w.ibd)).rejects.toThrow(/bad\.imzML: the imzML contains zero spectra/);
  });

  it('mismatched array lengths', async () => {
    const d = await dataset();
    const xml = editSpectrum(d.xml, 7, (b) => {
      const k = b.lastIndexOf('name="external array length" value="20"');
      return b.slice(0, k) + b.slice(k).replace('value="20"', 'value="19"').replace('name="external encoded length" value="80"', 'name="external encoded length" value="76"');
    });
    await expect(load(xml, d.ibd)).rejects.toThrow(/spectrum 7 \(x=4, y=2\) declares 20 m\/z values but 19 intensities/);
  });

  it('encoded length that contradicts the array length', async () => {
    const d = await dataset();
    const xml = editSpectrum(d.xml, 2, (b) => b.replace(/name="external encoded length" value="\d+"/, 'name="external encoded length" value="7"'));
    await expect(load(xml, d.ibd)).rejects.toThrow(/spectrum 2 .*encoded length \(IMS:1000104\) is 7 bytes but 20 values of f64 need 160/);
  });

  it('m/z outside [0, 1e5]', async () => {
    const sp = [{ x: 1, y: 1, mz: [100, 2e5], intensity: [1, 1] }];
    const w = await writeImzmlToMemory({ mode: 'processed' }, sp);
    await expect(load(w.imzml, w.ibd)).rejects.toThrow(/spectrum 0 \(x=1, y=1\) peak 1 has m\/z 200000, outside \[0, 1e5\]/);
  });

  it('intensity outside [0, 1e12] or NaN, in a later spectrum (the fused bucketing pass names the peak)', async () => {
    const ok = (i: number) => ({ x: 1 + i, y: 1, mz: [100, 200, 300], intensity: [1, 2, 3] });
    const big = [ok(0), ok(1), { x: 3, y: 1, mz: [100, 200, 300], intensity: [1, 0, 5e12] }];
    const w = await writeImzmlToMemory({ mode: 'processed', mzType: 'f64', intensityType: 'f64' }, big);
    await expect(load(w.imzml, w.ibd)).rejects.toThrow(/spectrum 2 \(x=3, y=1\) peak 2 has intensity 5000000000000, outside \[0, 1e12\]/);
    const nan = [ok(0), { x: 2, y: 1, mz: [100, 200, 300], intensity: [1, NaN, 3] }];
    const w2 = await writeImzmlToMemory({ mode: 'processed', mzType: 'f64', intensityType: 'f32' }, nan);
    await expect(load(w2.imzml, w2.ibd)).rejects.toThrow(/spectrum 1 \(x=2, y=1\) peak 1 has intensity NaN/);
  });

  it('a zero-intensity peak may have any m/z (it is dropped, not checked), and -0 m/z sorts as 0', async () => {
    const sp = [{ x: 1, y: 1, mz: [-0, 5, 1e9], intensity: [2, 1, 0] }, { x: 2, y: 1, mz: [0, 3, 7], intensity: [4, 0, 1] }];
    const w = await writeImzmlToMemory({ mode: 'processed', mzType: 'f64', intensityType: 'f32' }, sp);
    const { meta, store, tic } = await load(w.imzml, w.ibd);
    expect(meta.totalPeaks).toBe(4);
    const seg = await store.getSegment(meta.id, 0);
    expect(Array.from(seg.mz).map((v) => (Object.is(v, -0) ? 'neg0' : v))).toEqual([0, 0, 5, 7]);
    expect(Array.from(seg.intensity)).toEqual([2, 4, 1, 1]);
    expect(Array.from(tic)).toEqual([3, 5]);
  });

  it('ibd shorter than its 16-byte UUID header', async () => {
    const d = await dataset();
    await expect(load(d.xml, d.ibd.subarray(0, 10))).rejects.toThrow(/bad\.ibd: the ibd is only 10 bytes/);
  });
});

describe('not an imzML file at all (issue 19 item 4): what it looks like is said first, the file named once', () => {
  const notImzml = (bytes: Uint8Array, name = 'picked.imzML') => parseImzml(new BytesSource(name, bytes)).then(
    () => { throw new Error('parsed'); }, (e: Error) => e.message);
  /** The message starts with the verdict, names the file exactly once, and says what it looks like. */
  function expectVerdict(msg: string, looksLike: RegExp, name = 'picked.imzML') {
    expect(msg.startsWith(`${name} is not an imzML file: it looks like `)).toBe(true);
    expect(msg.split(name).length - 1).toBe(1);
    expect(msg).toMatch(looksLike);
  }
  /** Pseudo-random bytes from a seed (xorshift), so a failure is reproducible. */
  function noise(n: number, seed: number, avoidZero = false): Uint8Array {
    const out = new Uint8Array(n);
    let x = seed >>> 0 || 1;
    for (let i = 0; i < n; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      out[i] = avoidZero ? 1 + (x % 255) : x & 255;
    }
    return out;
  }

  it('a text file renamed .imzML', async () => {
    const msg = await notImzml(enc.encode('Sample 434, untreated\nacquired 2024-03-01\n'));
    expectVerdict(msg, /plain text \(it starts "Sample 434, untreated"\)/);
    expect(msg).not.toMatch(/byte \d+|spectrumList|re-copy/);
  });

  it('a README (markdown with <, & and entities) renamed .imzML', async () => {
    const readme = '# my notes\n\nRun `npm start` & open <http://localhost>; see &nbsp; below.\n'.repeat(50);
    const msg = await notImzml(enc.encode(readme));
    expectVerdict(msg, /plain text \(it starts "# my notes"\)/);
    expect(msg).not.toMatch(/entity/);
  });

  it('random bytes, with and without NUL bytes', async () => {
    for (const avoidZero of [false, true]) {
      const msg = await notImzml(noise(10_000, 7, avoidZero));
      expectVerdict(msg, /binary data, not text/);
      expect(msg).not.toMatch(/not followed by/);
    }
  });

  it('an .ibd picked as the imzML', async () => {
    const d = await dataset();
    const msg = await notImzml(d.ibd);
    expectVerdict(msg, /binary data.*\.ibd file, the binary half of the pair/);
    // and through the ingest, with a real ibd as the other half: the same verdict, before any ibd check
    await expect(load(d.ibd, d.ibd)).rejects.toThrow(/^bad\.imzML is not an imzML file: it looks like binary data/);
  });

  it('an HTML page (a saved download page)', async () => {
    const msg = await notImzml(enc.encode('<!DOCTYPE html>\n<html lang="en"><head><title>Sign in</title></head><body></body></html>'));
    expectVerdict(msg, /a web page \(HTML\)/);
    const bare = await notImzml(enc.encode('\n  <html><body>moved</body></html>'));
    expectVerdict(bare, /a web page \(HTML\)/);
  });

  it('an XML file of another kind', async () => {
    const msg = await notImzml(enc.encode('<?xml version="1.0"?>\n<!-- drawn -->\n<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>'));
    expectVerdict(msg, /XML file of another kind \(its root element is <svg>/);
  });

  it('zip, gzip and an empty file', async () => {
    expectVerdict(await notImzml(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0])), /a ZIP archive.*Unpack it/);
    const d = await dataset();
    expectVerdict(await notImzml(zlibGzipHeader(enc.encode(d.xml))), /gzip-compressed.*unpack it first/);
    expectVerdict(await notImzml(new Uint8Array(0)), /an empty file/);
  });

  it('an mzML without imaging: verdict first, then the reader\'s detail', async () => {
    const d = await dataset();
    // a plain mzML: no IMS vocabulary, no positions
    const mzml = d.xml.replace(/<cv id="IMS"[^>]*\/>/, '').replace(/<cvParam[^>]*accession="IMS:[^>]*\/>/g, '');
    expect(mzml).not.toMatch(/IMS:|imagingMS/);
    const msg = await notImzml(enc.encode(mzml));
    expectVerdict(msg, /an mzML file without imaging data/);
    expect(msg).toMatch(/\(Detail: spectrum 0 .*no valid position x\/y/);
  });

  it('a truly truncated imzML keeps its precise message (not called "not imzML")', async () => {
    const d = await dataset();
    const bytes = enc.encode(d.xml);
    for (const cut of [34, 200, Math.floor(bytes.length * 0.6)]) {
      const msg = await notImzml(bytes.subarray(0, cut), 'bad.imzML');
      expect(msg).not.toMatch(/not an imzML file/);
      expect(msg).toMatch(/^bad\.imzML: the XML (ends at byte \d+ before <\/spectrumList>|is not well-formed near byte)/);
    }
  });
});

/** A gzip member around the data (header + deflate + trailer, as `gzip` writes it). */
function zlibGzipHeader(data: Uint8Array): Uint8Array {
  return gzipSync(data);
}

describe('tolerated quirks', () => {
  it('repairs offsets wrapped by a signed 32-bit writer and reads offsets past 4 GiB', async () => {
    // A virtual ibd of 12 GiB: spectrum i's bytes are mapped 2^30 * i further than in the small real ibd,
    // so the offsets cross 2^31, 2^32 and 2^32 + 2^31 (two wraps for a signed 32-bit writer).
    const d = await dataset();
    const G = 2 ** 30;
    const virtual: ByteSource = {
      name: 'big.ibd', size: 12 * G,
      async read(offset, length) {
        const real = offset - Math.floor(offset / G) * G;
        return d.ibd.subarray(real, real + length);
      },
    };
    let i = -1;
    const shift = (xml: string, wrap: boolean) => xml.replace(/index="\d+"|name="external offset" value="(\d+)"/g, (m, v) => {
      if (m.startsWith('index')) { i++; return m; }
      const real = Number(v) + i * G;
      return `name="external offset" value="${wrap ? real | 0 : real}"`;
    });
    for (const wrap of [false, true]) {
      i = -1;
      const xml = shift(d.xml, wrap);
      if (wrap) expect(xml).toMatch(/value="-\d+"/);
      const idx = await parseImzml(new BytesSource('big.imzML', enc.encode(xml)));
      expect(idx.mzOffset[11]).toBe(11 * G + (await parseImzml(new BytesSource('s.imzML', enc.encode(d.xml)))).mzOffset[11]);
      expect(idx.warnings.some((w) => /wrapped past 2\^31/.test(w))).toBe(wrap);
      const { meta } = await loadDataset(new BytesSource('big.imzML', enc.encode(xml)), virtual);
      const nonzero = d.sp.reduce((a, s) => a + s.intensity.filter((v) => v > 0).length, 0);
      expect(meta.totalPeaks).toBe(nonzero);
    }
  });

  it('decodes zlib-compressed and 32/64-bit integer arrays', async () => {
    const mz = new Float64Array([100.5, 200.25, 300.125]);
    const ints = new Int32Array([7, 0, 9]);
    const ints64 = new BigInt64Array([5n, 6n, 0n]);
    const z = zlibSync(new Uint8Array(mz.buffer));
    const parts = [new Uint8Array(16), z, new Uint8Array(ints.buffer), new Uint8Array(new Float64Array([400, 500, 600]).buffer), new Uint8Array(ints64.buffer)];
    // spectrum 0: zlib m/z + i32 intensities; spectrum 1 would need the same encoding, so use two files.
    const ibd = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    const offs: number[] = [];
    for (const p of parts) { offs.push(o); ibd.set(p, o); o += p.length; }
    const doc = (mzParams: string, inParams: string, mzOff: number, mzEnc: number, inOff: number, inEnc: number) => `<?xml version="1.0"?>
<mzML><referenceableParamGroupList>
<referenceableParamGroup id="mz"><cvParam accession="MS:1000514" name="m/z array"/>${mzParams}</referenceableParamGroup>
<referenceableParamGroup id="in"><cvParam accession="MS:1000515" name="intensity array"/>${inParams}</referenceableParamGroup>
</referenceableParamGroupList><run><spectrumList count="1"><spectrum index="0">
<scanList><scan><cvParam accession="IMS:1000050" value="1"/><cvParam accession="IMS:1000051" value="1"/></scan></scanList>
<binaryDataArrayList>
<binaryDataArray><referenceableParamGroupRef ref="mz"/><cvParam accession="IMS:1000102" value="${mzOff}"/><cvParam accession="IMS:1000103" value="3"/><cvParam accession="IMS:1000104" value="${mzEnc}"/></binaryDataArray>
<binaryDataArray><referenceableParamGroupRef ref="in"/><cvParam accession="IMS:1000102" value="${inOff}"/><cvParam accession="IMS:1000103" value="3"/><cvParam accession="IMS:1000104" value="${inEnc}"/></binaryDataArray>
</binaryDataArrayList></spectrum></spectrumList></run></mzML>`;
    const read = async (xml: string) => {
      const idx = await parseImzml(new BytesSource('z.imzML', enc.encode(xml)));
      let got: number[][] = [];
      await forEachSpectrum(idx, new BytesSource('z.ibd', ibd), (_, m, it) => (got = [Array.from(m), Array.from(it)]));
      return { idx, got };
    };
    const a = await read(doc('<cvParam accession="MS:1000523" name="64-bit float"/><cvParam accession="MS:1000574" name="zlib compression"/>', '<cvParam accession="MS:1000519" name="32-bit integer"/>', offs[1], z.length, offs[2], 12));
    expect(a.idx.mzCompression).toBe('zlib');
    expect(a.idx.intensityDataType).toBe('i32');
    expect(a.got).toEqual([[100.5, 200.25, 300.125], [7, 0, 9]]);
    const b = await read(doc('<cvParam accession="MS:1000523" name="64-bit float"/>', '<cvParam accession="MS:1000522" name="64-bit integer"/>', offs[3], 24, offs[4], 24));
    expect(b.idx.intensityDataType).toBe('i64');
    expect(b.got).toEqual([[400, 500, 600], [5, 6, 0]]);
    // a damaged zlib stream is reported with the spectrum
    const bad = ibd.slice();
    bad.fill(0xff, offs[1] + 2, offs[1] + 10);
    const idx = await parseImzml(new BytesSource('z.imzML', enc.encode(doc('<cvParam accession="MS:1000523" name="64-bit float"/><cvParam accession="MS:1000574" name="zlib compression"/>', '<cvParam accession="MS:1000519" name="32-bit integer"/>', offs[1], z.length, offs[2], 12))));
    await expect(forEachSpectrum(idx, new BytesSource('z.ibd', bad), () => {})).rejects.toThrow(/spectrum 0: the zlib-compressed m\/z array .* cannot be decompressed|decompresses to/);
  });

  it('trusts the offsets when the storage-mode label contradicts them', async () => {
    const d = await dataset();
    const xml = d.xml.replace('accession="IMS:1000031" name="processed"', 'accession="IMS:1000030" name="continuous"');
    const idx = await parseImzml(new BytesSource('x.imzML', enc.encode(xml)));
    expect(idx.storageMode).toBe('processed');
    expect(idx.storageModeLabel).toBe('continuous');
    expect(idx.warnings.join(' ')).toMatch(/says 'continuous' but its m\/z offsets say 'processed'/);
  });
});
