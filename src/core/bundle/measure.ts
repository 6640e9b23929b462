// Compressed size of a set of images under the candidate encodings the format was chosen from (see
// docs/bundle-format.md). Used by the size tests to justify `izi1`; not needed to read or write bundles.
import { deflateSync } from 'fflate';
import { encodeBitmap, encodeGaps, encodeRowImages, valuePlanes } from './image-codec.ts';

export interface EncodingSizes {
  images: number;
  pixels: number;
  nonZero: number;
  /** float32 array as is, deflated. */
  denseDeflate: number;
  /** (u32 index, f32 value) pairs, deflated. */
  pairsDeflate: number;
  /** varint gaps + value bytes not planed, deflated. */
  gapsRawDeflate: number;
  /** varint gaps + byte planes, deflated. */
  gapsPlanesDeflate: number;
  /** bitmap + byte planes, deflated. */
  bitmapPlanesDeflate: number;
  /** What the writer stores: per image the smaller of the last two (images/<i>.bin deflated). */
  chosenDeflate: number;
}

const cat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const o = new Uint8Array(a.length + b.length);
  o.set(a);
  o.set(b, a.length);
  return o;
};

export function encodingSizes(images: Float32Array[], level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 6): EncodingSizes {
  const s: EncodingSizes = { images: images.length, pixels: 0, nonZero: 0, denseDeflate: 0, pairsDeflate: 0, gapsRawDeflate: 0, gapsPlanesDeflate: 0, bitmapPlanesDeflate: 0, chosenDeflate: 0 };
  const z = (b: Uint8Array): number => deflateSync(b, { level }).length;
  for (const img of images) {
    const bits = new Uint32Array(img.buffer, img.byteOffset, img.length);
    const idxs: number[] = [];
    for (let i = 0; i < bits.length; i++) if (bits[i] !== 0) idxs.push(i);
    const idx = Uint32Array.from(idxs);
    const vals = Uint32Array.from(idxs, (i) => bits[i]);
    const pairs = new Uint32Array(idx.length * 2);
    for (let k = 0; k < idx.length; k++) {
      pairs[2 * k] = idx[k];
      pairs[2 * k + 1] = vals[k];
    }
    s.pixels += img.length;
    s.nonZero += idx.length;
    s.denseDeflate += z(new Uint8Array(img.buffer, img.byteOffset, img.byteLength));
    s.pairsDeflate += z(new Uint8Array(pairs.buffer));
    s.gapsRawDeflate += z(cat(encodeGaps(idx), new Uint8Array(vals.buffer)));
    s.gapsPlanesDeflate += z(cat(encodeGaps(idx), valuePlanes(vals)));
    s.bitmapPlanesDeflate += z(cat(encodeBitmap(idx, img.length), valuePlanes(vals)));
    s.chosenDeflate += z(encodeRowImages([img], img.length));
  }
  return s;
}
