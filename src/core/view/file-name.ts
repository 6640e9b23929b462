// Download file names that every OS, browser and shell accepts as typed: no spaces, no path separators,
// no characters Windows forbids, no leading dots or dashes.

const MAX_STEM = 120;

/**
 * Turns a human label ("Untreated 3_434 C6H12O6+Na-H2O 0.png") into a safe file name
 * ("Untreated_3_434_C6H12O6+Na-H2O_0.png"). Letters (any script), digits and `. _ - + ( ) [ ] ,` stay;
 * any other run of characters becomes one `_`. The extension, if any, is kept lower-case.
 */
export function safeFileName(name: string, fallback = 'download'): string {
  const m = /^(.*?)(\.[A-Za-z0-9]{1,8})?$/.exec(name.normalize('NFC').trim())!;
  const ext = (m[2] ?? '').toLowerCase();
  let stem = m[1]
    .replace(/[^\p{L}\p{N}._\-+()[\],]+/gu, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^[._\-]+|[._\-]+$/g, '');
  if (stem.length > MAX_STEM) stem = stem.slice(0, MAX_STEM).replace(/[._\-]+$/, '');
  return `${stem || fallback}${ext}`;
}
