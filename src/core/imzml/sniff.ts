// What a file picked as the imzML really is, from its first bytes. The XML scanner's own errors ("'/' not followed by
// '>'", "undefined entity reference") describe the symptom, not the cause: a user who renamed a text file, picked
// the .ibd, saved an HTML download page or an archive needs to hear that first. parse.ts asks here before the scan
// and again when the scan fails.

/** What the first bytes look like. `imzml`, `xml` and `mzml` go on to the XML scan; the others are refused at once. */
export type FileKind =
  | 'empty' | 'archive' | 'binary' | 'html' | 'text' | 'other-xml'
  | 'mzml' // an mzML root without the imaging (IMS) vocabulary in its header
  | 'xml' // XML whose root element is not within the bytes seen
  | 'imzml';

export interface Sniffed {
  kind: FileKind;
  /** "plain text", "a gzip-compressed file", … : completes "it looks like …"; null for imzml. */
  looksLike: string | null;
  /** What to do about it (one sentence), or null. */
  advice: string | null;
}

/** How many leading bytes the sniffer wants (the imzML header with its cvList fits easily). */
export const SNIFF_BYTES = 64 << 10;

const MAGIC: { bytes: number[]; what: string; advice: string }[] = [
  { bytes: [0x1f, 0x8b], what: 'a gzip-compressed file', advice: 'If it is a compressed imzML, unpack it first and pick the .imzML inside.' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive', advice: 'Unpack it and pick the .imzML and .ibd files inside.' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive', advice: 'Unpack it and pick the .imzML and .ibd files inside.' },
  { bytes: [0x42, 0x5a, 0x68], what: 'a bzip2-compressed file', advice: 'If it is a compressed imzML, unpack it first and pick the .imzML inside.' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz-compressed file', advice: 'If it is a compressed imzML, unpack it first and pick the .imzML inside.' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document', advice: 'Pick the .imzML file of the imzML/ibd pair.' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image', advice: 'Pick the .imzML file of the imzML/ibd pair.' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image', advice: 'Pick the .imzML file of the imzML/ibd pair.' },
  { bytes: [0x89, 0x48, 0x44, 0x46], what: 'an HDF5 file (e.g. an h5/imzDB export)', advice: 'imzlens reads imzML/ibd pairs; export the data as imzML.' },
];

const PAIR_ADVICE = 'Pick the .imzML file of the imzML/ibd pair: an XML text file that starts with <?xml and <mzML>.';

/** Classifies a file from its first bytes (SNIFF_BYTES is plenty; fewer work). */
export function sniffImzml(head: Uint8Array, size = head.length): Sniffed {
  if (size === 0) return { kind: 'empty', looksLike: 'an empty file (0 bytes)', advice: 'Re-copy it or pick the .imzML file of the pair.' };
  for (const m of MAGIC) {
    if (m.bytes.every((b, i) => head[i] === b)) return { kind: 'archive', looksLike: m.what, advice: m.advice };
  }
  // UTF-16 (a BOM, or '<' / '<?' spelled with NUL bytes between): text, but not the UTF-8 an imzML must be
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) ||
    (head[0] === 0x3c && head[1] === 0 && head[2] === 0x3f && head[3] === 0) || (head[0] === 0 && head[1] === 0x3c && head[2] === 0 && head[3] === 0x3f);
  if (utf16) {
    return {
      kind: 'text',
      looksLike: 'UTF-16 text (2 bytes per character); imzML files are UTF-8',
      advice: 'Save it again as UTF-8 (any text editor or `iconv -f UTF-16 -t UTF-8`), or re-export it from the original software.',
    };
  }
  const text = decodeText(head);
  if (text === null) {
    return {
      kind: 'binary',
      looksLike: 'binary data, not text (like an .ibd file, the binary half of the pair)',
      advice: PAIR_ADVICE,
    };
  }
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (!body.startsWith('<')) {
    return { kind: 'text', looksLike: `plain text (it starts "${quote(body)}")`, advice: PAIR_ADVICE };
  }
  const root = rootElement(body);
  if (root === 'html' || /^html$/i.test(root ?? '')) {
    return { kind: 'html', looksLike: 'a web page (HTML), e.g. a download page saved instead of the file itself', advice: 'Download the .imzML file itself and pick that.' };
  }
  if (root === null) return { kind: 'text', looksLike: `text that is not XML (it starts "${quote(body)}")`, advice: PAIR_ADVICE };
  // the head ends inside the prolog (a tiny or cut file): the XML scan says precisely where
  if (root === '') return { kind: 'xml', looksLike: null, advice: null };
  const local = root.replace(/^.*:/, '');
  if (local !== 'mzML' && local !== 'indexedmzML') {
    return { kind: 'other-xml', looksLike: `an XML file of another kind (its root element is <${root}>, an imzML's is <mzML>)`, advice: PAIR_ADVICE };
  }
  // imzML = mzML + the imaging vocabulary, declared in the cvList at the top of the header
  if (/imagingMS\.obo|imzML|\bIMS:\d/.test(text)) return { kind: 'imzml', looksLike: null, advice: null };
  // no IMS yet, but the head may end before the cvList does (a cut file): only a complete header says "no imaging"
  if (!/<\/cvList>|<run[\s>]/.test(text)) return { kind: 'xml', looksLike: null, advice: null };
  return {
    kind: 'mzml',
    looksLike: 'an mzML file without imaging data (no imzML/IMS vocabulary, so no pixel positions)',
    advice: 'imzlens needs imaging data: convert the acquisition to imzML (e.g. with the vendor software or imzMLConverter).',
  };
}

/**
 * "<file> is not an imzML file: it looks like …. <advice> <detail>": what it is first, then what to do, then the
 * reader's own detail if there is one; the file named once.
 */
export function notImzmlMessage(file: string, s: Sniffed, detail?: string): string {
  return [`${file} is not an imzML file: it looks like ${s.looksLike}.`, s.advice, detail].filter(Boolean).join(' ');
}

/** The head as text, or null when it looks binary (NUL bytes, or many control/invalid bytes). */
function decodeText(head: Uint8Array): string | null {
  const n = Math.min(head.length, 4096);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i];
    if (b === 0) return null;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) bad++;
  }
  // a UTF-8 sequence cut by the head's end is fine; invalid UTF-8 before it means latin-1 text or binary
  const sample = head.subarray(0, n);
  let text = new TextDecoder('utf-8', { fatal: false }).decode(sample);
  const replacements = (text.match(/\uFFFD/g) ?? []).length;
  if (replacements > 4) {
    // latin-1 text has few high bytes; random binary has about half
    const high = sample.reduce((k, b) => k + (b >= 0x80 ? 1 : 0), 0);
    if (high > n * 0.1) return null;
    text = new TextDecoder('latin1').decode(sample);
  }
  if (bad > n * 0.01) return null;
  return n < head.length ? text + new TextDecoder('latin1').decode(head.subarray(n)) : text;
}

/**
 * The first element's name after any <?…?>, <!--…-->, <!DOCTYPE …>; '' when the text ends before it (still XML so
 * far); null when the text does not start like XML.
 */
function rootElement(body: string): string | null {
  let s = body;
  for (let guard = 0; guard < 64; guard++) {
    s = s.trimStart();
    if (s === '') return '';
    if (s.startsWith('<?')) { const e = s.indexOf('?>'); if (e < 0) return /^<\?xml(\s|$)/.test(s) || '<?xml'.startsWith(s) ? '' : null; s = s.slice(e + 2); continue; }
    if (s.startsWith('<!--')) { const e = s.indexOf('-->'); if (e < 0) return ''; s = s.slice(e + 3); continue; }
    if (/^<!doctype/i.test(s)) {
      if (/^<!doctype\s+html/i.test(s)) return 'html';
      // an internal subset [ … ] holds '>' of its own declarations
      const open = s.search(/[[>]/);
      const e = open >= 0 && s[open] === '[' ? s.indexOf('>', Math.max(open, s.indexOf(']', open))) : open;
      if (e < 0 || (s[open] === '[' && s.indexOf(']', open) < 0)) return '';
      s = s.slice(e + 1); continue;
    }
    const m = /^<([A-Za-z_][\w.:-]*)(?:[\s/>]|$)/.exec(s);
    return m ? m[1] : null;
  }
  return null;
}

/** The first line, shortened, printable, for quoting in a message. */
function quote(body: string): string {
  const line = body.split(/\r?\n/, 1)[0].replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?').trim();
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}
