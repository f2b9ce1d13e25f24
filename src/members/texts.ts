import type { Catalogue } from '../i18n/types.js';

// Texts of the members part. French is the source; English is typed against it.
export const fr = {} as const;

export const en: Catalogue<typeof fr> = {};
