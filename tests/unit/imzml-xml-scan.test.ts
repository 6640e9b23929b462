// The byte-level XML scanner that replaced saxes for the imzML index (src/core/imzml/xml-scan.ts): its tag and
// attribute events equal saxes' (an independent, well-kept parser) on every real imzML in ../shared/data and on
// hand-written tricky documents, whatever the chunking; malformed input gets an error with a byte offset.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { SaxesParser } from 'saxes';
import { XmlScanner, XmlSyntaxError } from '../../src/core/imzml/xml-scan.ts';
import { parseImzml } from '../../src/core/imzml/parse.ts';
import { writeImzmlToMemory } from '../../src/core/imzml/writer.ts';
import { BytesSource } from '../../src/core/imzml/bytes-source.ts';
import { sharedPath } from '../fixtures/imzml/shared.ts';

const ATTRS = ['accession', 'name', 'value', 'ref', 'id', 'count', 'defaultArrayLength', 'x'];

/** Events from our scanner, feeding `bytes` in chunks of `chunk` bytes (re-reading the unfinished tail). */
function ours(bytes: Uint8Array, encoding: 'utf-8' | 'latin1' = 'utf-8', chunk = 1 << 20): string[] {
  const ev: string[] = [];
  const sc = new XmlScanner({
    open(name, attrs, selfClosing) {
      const a = ATTRS.map((k) => [k, attrs.get(k)] as const).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      ev.push(`<${name} ${a.join(' ')}${selfClosing ? '/' : ''}>`);
      if (selfClosing) ev.push(`</${name}>`);
    },
    close(name) { ev.push(`</${name}>`); },
  }, encoding);
  let pos = 0, want = chunk;
  while (pos < bytes.length) {
    const end = Math.min(bytes.length, pos + want);
    const used = sc.feed(bytes.subarray(pos, end), pos);
    if (end >= bytes.length) break;
    if (used === 0) want *= 2; else { pos += used; want = chunk; }
  }
  sc.end();
  return ev;
}

/** The same events from saxes. */
function theirs(text: string): string[] {
  const ev: string[] = [];
  const p = new SaxesParser({ xmlns: false });
  p.on('opentag', (t) => {
    const attrs = t.attributes as Record<string, string>;
    const a = ATTRS.filter((k) => attrs[k] !== undefined).map((k) => `${k}=${JSON.stringify(attrs[k])}`);
    ev.push(`<${t.name} ${a.join(' ')}${t.isSelfClosing ? '/' : ''}>`);
  });
  p.on('closetag', (t) => ev.push(`</${t.name}>`));
  p.write(text).close();
  return ev;
}

const enc = new TextEncoder();

const TRICKY = `<?xml version="1.0" encoding="utf-8"?>\r\n<!-- a comment with <tags> & ampersands -->\r\n<mzML x='single "quoted"' id="a&amp;b&#65;&#x42;&lt;&gt;&quot;&apos;">\r\n` +
  `  <cvList count = "2" ><cv id="MS"/></cvList>\r\n  <![CDATA[ <notATag attr="x"> & ]]>\r\n  <?pi some <stuff> ?>\r\n` +
  `  <run><cvParam accession="MS:1" name="multi\r\nline\tvalue" value="&#233;t&#xE9;"/><userParam name="é ü" value=""/></run>\r\n</mzML>\r\n`;

describe('XmlScanner', () => {
  it('gives the same tags and attribute values as saxes on a tricky document, for every chunk size', () => {
    const want = theirs(TRICKY);
    expect(want.length).toBeGreaterThan(8);
    const bytes = enc.encode(TRICKY);
    for (const chunk of [1, 2, 3, 7, 64, 1 << 20]) expect(ours(bytes, 'utf-8', chunk)).toEqual(want);
  });

  it('decodes ISO-8859-1 attribute values', () => {
    const text = '<?xml version="1.0" encoding="ISO-8859-1"?><a name="caf\u00e9 \u00b5m"/>';
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0)); // one byte per character
    expect(ours(bytes, 'latin1')).toEqual(theirs(text));
    expect(ours(bytes, 'latin1')[0]).toContain('café µm');
  });

  const bad: [string, string, RegExp][] = [
    ['mismatched end tag', '<a><b></a></b>', /does not match/],
    ['cut inside a tag', '<a><b x="1', /ends inside markup/],
    ['cut with open tags', '<a><b></b>', /unclosed tags/],
    ['undefined entity', '<a x="&lol;"/>', /entity/],
    ['entity declarations', '<!DOCTYPE a [<!ENTITY e "x">]><a/>', /internal subset/],
    ['< in an attribute value', '<a x="1<2"/>', /'<' inside/],
    ['unquoted attribute', '<a x=1/>', /not quoted/],
    ['attribute without value', '<a x/>', /without '='/],
    ['two roots', '<a/><b/>', /second root/],
    ['no root', '<!-- nothing -->', /no root/],
  ];
  for (const [label, text, re] of bad) {
    it(`refuses ${label} with a byte offset`, () => {
      let err: unknown;
      try { ours(enc.encode(text), 'utf-8', 3); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(XmlSyntaxError);
      expect((err as Error).message).toMatch(re);
      expect((err as XmlSyntaxError).offset).toBeGreaterThanOrEqual(0);
      expect((err as XmlSyntaxError).offset).toBeLessThanOrEqual(text.length);
      // saxes (independent) agrees that each is not well-formed XML; entity declarations are legal XML that we
      // refuse by policy (no entity is ever expanded)
      if (label !== 'entity declarations') expect(() => theirs(text)).toThrow();
    });
  }

  it('equals saxes on every real imzML in ../shared/data', () => {
    const dir = sharedPath('data');
    const files = execFileSync('find', [dir, '-iname', '*.imzml'], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(files.length).toBeGreaterThanOrEqual(22);
    for (const f of files) {
      const bytes = readFileSync(f);
      const latin = /encoding\s*=\s*["']iso-8859-1["']/i.test(bytes.subarray(0, 200).toString('latin1'));
      const text = new TextDecoder(latin ? 'latin1' : 'utf-8').decode(bytes);
      const want = theirs(text);
      expect(ours(bytes, latin ? 'latin1' : 'utf-8', 4096), f).toEqual(want);
    }
  });
});

describe('parseImzml with the scanner', () => {
  it('gives the same index for any read size (tags cut at every chunk boundary)', async () => {
    const sp = Array.from({ length: 30 }, (_, i) => ({ x: 1 + (i % 6), y: 1 + Math.floor(i / 6), mz: [100 + i, 200 + i], intensity: [1, 2] }));
    const w = await writeImzmlToMemory({ mode: 'processed', mzType: 'f64', intensityType: 'f32' }, sp);
    const ref = await parseImzml(new BytesSource('a.imzML', w.imzml));
    expect(ref.nSpectra).toBe(30);
    for (const chunkBytes of [5, 13, 97, 1000]) {
      const idx = await parseImzml(new BytesSource('a.imzML', w.imzml), { chunkBytes });
      expect(Array.from(idx.x)).toEqual(Array.from(ref.x));
      expect(Array.from(idx.mzOffset)).toEqual(Array.from(ref.mzOffset));
      expect(Array.from(idx.intensityEncodedLength)).toEqual(Array.from(ref.intensityEncodedLength));
      expect(idx.warnings).toEqual(ref.warnings);
    }
  });

  it('reads a spectrum whose comment is longer than the read size', async () => {
    const sp = [{ x: 1, y: 1, mz: [100, 200], intensity: [1, 2] }, { x: 2, y: 1, mz: [100, 200], intensity: [1, 2] }];
    const w = await writeImzmlToMemory({ mode: 'processed', mzType: 'f64', intensityType: 'f32' }, sp);
    const xml = new TextDecoder().decode(w.imzml).replace('<spectrumList', `<!--${'<x/> & '.repeat(500)}--><spectrumList`);
    const idx = await parseImzml(new BytesSource('a.imzML', enc.encode(xml)), { chunkBytes: 64 });
    expect(idx.nSpectra).toBe(2);
    expect(Array.from(idx.x)).toEqual([1, 2]);
  });
});
