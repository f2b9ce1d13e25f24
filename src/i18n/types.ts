// Typed catalogues (STYLE.md §6): French is the source locale; every other locale is typed against it,
// so a missing or extra text fails the build.
export type Locale = 'fr' | 'en';
export const LOCALES: readonly Locale[] = ['fr', 'en'];

type Text = string | ((...args: never[]) => string);
export type Catalogue<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer A) => string
    ? (...args: A) => string
    : T[K] extends string
      ? string
      : Catalogue<T[K]>;
};
export type SourceCatalogue = { readonly [key: string]: Text | SourceCatalogue };
