// Links from a molecule id to its entry in the public database it came from, as METASPACE's annotation
// page links them. The id's own form decides (HMDB0000122, LMFA01010001, CHEBI:15377, SLM:000000510);
// the database name is only needed for bare ChEBI numbers. Ids of user or Lithops databases ("0", "42")
// get no link.

const HMDB = /^HMDB\d{5,7}$/i;
const LIPID_MAPS = /^LM[A-Z]{2}[0-9A-Z]{4,10}$/;
const CHEBI = /^CHEBI:\d+$/i;
const SWISSLIPIDS = /^SLM:\d{6,12}$/i;

export type MoleculeDatabase = 'HMDB' | 'LIPID MAPS' | 'ChEBI' | 'SwissLipids';

/** Which public database an id belongs to, or null when it is not one we can link. */
export function moleculeDatabase(database: string, id: string): MoleculeDatabase | null {
  const s = id.trim();
  if (HMDB.test(s)) return 'HMDB';
  if (LIPID_MAPS.test(s)) return 'LIPID MAPS';
  if (CHEBI.test(s)) return 'ChEBI';
  if (SWISSLIPIDS.test(s)) return 'SwissLipids';
  if (/^\d+$/.test(s) && /chebi/i.test(database)) return 'ChEBI';
  return null;
}

/** The entry's web page, or null when the id is not from a database we know. */
export function moleculeUrl(database: string, id: string): string | null {
  const s = id.trim();
  switch (moleculeDatabase(database, s)) {
    case 'HMDB': return `https://hmdb.ca/metabolites/${s.toUpperCase()}`;
    case 'LIPID MAPS': return `https://www.lipidmaps.org/databases/lmsd/${s}`;
    case 'ChEBI': return `https://www.ebi.ac.uk/chebi/searchId.do?chebiId=CHEBI:${s.replace(/^chebi:/i, '')}`;
    case 'SwissLipids': return `https://www.swisslipids.org/#/entity/SLM:${s.replace(/^slm:/i, '')}/`;
    default: return null;
  }
}
