// Once the XML is read: the index's header facts (storage mode, UUID and checksums, pixel size, instrument,
// polarity, spectrum type) from the params the reader collected, wrapped 32-bit offsets repaired, and the storage
// mode decided from the offsets. Each step adds its warnings in this order.
import { ACC, normaliseUuid } from './format.ts';
import type { ImzmlIndex } from './index-types.ts';
import type { ImzmlIndexReader } from './index-reader.ts';

/** fileContent: storage mode label, UUID, checksums (and spectrum type when stated there). */
export function applyFileContent(index: ImzmlIndex, r: ImzmlIndexReader): void {
  for (const p of r.fileParams) {
    if (p.acc === ACC.continuous || p.name === 'continuous') index.storageModeLabel = 'continuous';
    else if (p.acc === ACC.processed || p.name === 'processed') index.storageModeLabel = 'processed';
    else if (p.acc === ACC.uuid) index.uuidText = p.value;
    else if (p.acc === ACC.md5) index.md5 = p.value.toLowerCase();
    else if (p.acc === ACC.sha1) index.sha1 = p.value.toLowerCase();
    else if (p.acc === ACC.centroid || p.acc === ACC.profile) r.spectrumTypes.add(p.acc);
  }
  index.uuid = normaliseUuid(index.uuidText);
  if (index.uuidText !== null && index.uuid === null) index.warnings.push(`the UUID '${index.uuidText}' (IMS:1000080) is not 32 hex digits; it cannot be checked against the ibd.`);
}

/** scanSettings: grid size and pixel size (a lone x size is used for y too). */
export function applyScanSettings(index: ImzmlIndex, r: ImzmlIndexReader): void {
  for (const p of r.settingsParams) {
    const v = Number(p.value);
    if (p.acc === ACC.maxCountX) index.maxCountX = v;
    else if (p.acc === ACC.maxCountY) index.maxCountY = v;
    else if (p.acc === ACC.pixelSizeX || /^pixel size( \(?x\)?)?$/.test(p.name)) index.pixelSizeX = Number.isFinite(v) ? v : null;
    else if (p.acc === ACC.pixelSizeY || p.name === 'pixel size y') index.pixelSizeY = Number.isFinite(v) ? v : null;
  }
  if (index.pixelSizeX !== null && index.pixelSizeY === null) index.pixelSizeY = index.pixelSizeX;
}

/** instrumentConfiguration: the model name. */
export function applyInstrument(index: ImzmlIndex, r: ImzmlIndexReader): void {
  // The model is either MS:1000031 with a value, or a specific model term (e.g. 'LTQ FT Ultra'); a bare
  // MS:1000031 without value says nothing.
  const named = r.instrumentParams.filter((p) => !(p.acc === ACC.instrumentModel && !p.value));
  const model = named.find((p) => p.acc === ACC.instrumentModel) ?? named[0];
  index.instrument = model ? model.value || model.name || null : r.instrumentUserNames[0] ?? null;
}

/** Polarity and spectrum type over all spectra: set only when every spectrum agrees. */
export function applySpectrumKinds(index: ImzmlIndex, r: ImzmlIndexReader): void {
  const { polarities, spectrumTypes } = r;
  const warnings = index.warnings;
  if (polarities.size === 1) index.polarity = polarities.has(ACC.positive) ? 'positive' : 'negative';
  else if (polarities.size > 1) warnings.push('spectra have both positive and negative polarity; polarity left unset.');
  if (spectrumTypes.size === 1) index.spectrumType = spectrumTypes.has(ACC.centroid) ? 'centroid' : 'profile';
  else if (spectrumTypes.size > 1) warnings.push('the file marks spectra as both centroid and profile; spectrum type left unset.');
  if (r.typeNameClash) warnings.push(`a spectrum-type cvParam's accession and name disagree (e.g. MS:1000127 named 'profile spectrum'); the accession was trusted.`);
}

/** Offsets written by signed 32-bit writers go negative past 2 GiB: add 2^32 at each wrap into the negatives. */
export function repairWrappedOffsets(off: Float64Array, label: string, warnings: string[]): void {
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

/** Storage mode from the offsets (continuous files share one m/z array), checked against what the file says. */
export function decideStorageMode(index: ImzmlIndex): void {
  const n = index.nSpectra;
  let shared = true;
  for (let i = 1; i < n && shared; i++) if (index.mzOffset[i] !== index.mzOffset[0]) shared = false;
  index.storageMode = n > 1 ? (shared ? 'continuous' : 'processed') : index.storageModeLabel ?? 'processed';
  if (index.storageModeLabel === null) index.warnings.push(`the file does not state continuous/processed (IMS:1000030/IMS:1000031); its offsets say ${index.storageMode}.`);
  else if (index.storageModeLabel !== index.storageMode) {
    index.warnings.push(`the file says '${index.storageModeLabel}' but its m/z offsets say '${index.storageMode}'; the offsets were trusted.`);
  }
}
