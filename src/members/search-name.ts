// The back office searches names without accents or case (« Lefèvre » = « lefevre »), so each member
// row carries a folded "last first" copy, indexed. Queries are folded the same way.
const LIGATURES: Readonly<Record<string, string>> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', ł: 'l', đ: 'd' };

/** Lower-case, accent-free, apostrophes dropped (« N’Diaye » = « ndiaye »), other punctuation as spaces. */
export function foldForSearch(text: string): string {
  // Most names are plain ASCII: decompose (NFD, then drop the accents) only when there is something to drop.
  const plain = /[^\x20-\x7e]/.test(text) ? text.normalize('NFD').replace(/\p{M}+/gu, '') : text;
  const lower = plain.toLowerCase();
  if (/^[a-z0-9]+(?: [a-z0-9]+)*$/.test(lower)) return lower;
  return lower
    .replace(/[œæßøłđ]/g, (c) => LIGATURES[c] ?? c)
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function toSearchName(lastName: string, firstName: string): string {
  return foldForSearch(`${lastName} ${firstName}`);
}
