// Writes the web-app icons public/icons/icon-{192,512}.png (the favicon's design: a blue rounded square with a
// yellow spot), so the installed app has the same mark. Run once: node scripts/make-icons.mjs
import { writeFileSync } from 'node:fs';
import { encode } from 'fast-png';

function icon(size) {
  const data = new Uint8Array(size * size * 4);
  const r = size * 0.1875; // corner radius: 3/16 of the side, as the favicon
  const spot = size * 0.25;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      const dx = Math.max(r - cx, cx - (size - r), 0);
      const dy = Math.max(r - cy, cy - (size - r), 0);
      const inside = dx * dx + dy * dy <= r * r;
      const inSpot = (cx - size / 2) ** 2 + (cy - size / 2) ** 2 <= spot * spot;
      data.set(!inside ? [0, 0, 0, 0] : inSpot ? [0xfd, 0xe7, 0x25, 255] : [0x1f, 0x5f, 0xbf, 255], (y * size + x) * 4);
    }
  }
  return encode({ width: size, height: size, data, channels: 4, depth: 8 });
}

for (const size of [192, 512]) writeFileSync(new URL(`../public/icons/icon-${size}.png`, import.meta.url), icon(size));
