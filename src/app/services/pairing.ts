// Matches dropped/picked files into imzML + ibd pairs by base name (extension case ignored), and says
// clearly which half is missing.

export interface FilePair {
  name: string;
  imzml: File;
  ibd: File;
}

export interface PairingResult {
  pairs: FilePair[];
  problems: string[];
}

function split(name: string): { base: string; ext: string } {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? { base: name, ext: '' } : { base: name.slice(0, dot), ext: name.slice(dot + 1).toLowerCase() };
}

export function pairFiles(files: readonly File[]): PairingResult {
  const groups = new Map<string, { imzml?: File; ibd?: File; base: string }>();
  const problems: string[] = [];
  for (const f of files) {
    const { base, ext } = split(f.name);
    if (ext !== 'imzml' && ext !== 'ibd') {
      problems.push(`${f.name}: not an .imzML or .ibd file — ignored.`);
      continue;
    }
    const key = base.toLowerCase();
    const g = groups.get(key) ?? { base };
    if (ext === 'imzml') g.imzml = f;
    else g.ibd = f;
    groups.set(key, g);
  }
  const pairs: FilePair[] = [];
  for (const g of groups.values()) {
    if (g.imzml && g.ibd) pairs.push({ name: g.base, imzml: g.imzml, ibd: g.ibd });
    else if (g.imzml) problems.push(`${g.imzml.name}: its binary half ${g.base}.ibd is missing — select both files of the pair together (same base name).`);
    else if (g.ibd) problems.push(`${g.ibd.name}: its XML half ${g.base}.imzML is missing — select both files of the pair together (same base name).`);
  }
  return { pairs, problems };
}
