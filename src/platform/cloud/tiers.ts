// Memory tiers of the imzlens Lambda functions from a base name or an explicit list. Pure: the page validates
// its settings with this without loading the AWS SDK (config.ts re-exports it for everyone else).
import type { MemoryTier } from './lambda-pool.ts';

export class CloudConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudConfigError';
  }
}

export const DEFAULT_MEMORY_TIERS = [2048, 4096];

/** Parses IMZLENS_FUNCTION (+ IMZLENS_MEMORY_TIERS) into memory tiers. */
export function parseTiers(fn: string, memoryTiers?: string): MemoryTier[] {
  if (fn.includes(':') && !fn.startsWith('arn:')) {
    return fn.split(',').map((part) => {
      const [name, mb] = part.trim().split(':');
      const memoryMB = Number(mb);
      if (!name || !Number.isInteger(memoryMB) || memoryMB < 128 || memoryMB > 10240) {
        throw new CloudConfigError(`bad function tier '${part}' in IMZLENS_FUNCTION: expected name:MB with 128 ≤ MB ≤ 10240`);
      }
      return { functionName: name, memoryMB };
    });
  }
  const sizes = memoryTiers ? memoryTiers.split(',').map((s) => Number(s.trim())) : DEFAULT_MEMORY_TIERS;
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 128 || s > 10240) throw new CloudConfigError(`bad memory size '${s}' in IMZLENS_MEMORY_TIERS: expected integers 128–10240`);
  }
  return sizes.map((memoryMB) => ({ functionName: `${fn}-${memoryMB}`, memoryMB }));
}

