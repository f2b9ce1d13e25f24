// The words of the picture challenge (DESIGN.md §5). Each word is drawn by one icon of `lucide-static`
// (ISC licence, installed from the registry, never drawn by hand). Labels live in texts.ts (`words`).
import type { Locale } from '../i18n/types.js';
import { en, fr } from './texts.js';

export type WordId = keyof typeof fr.words;

export interface Word {
  readonly id: WordId;
  /** File name (without .svg) under lucide-static/icons/. */
  readonly icon: string;
  /**
   * Words of one family are never shown together: they look or mean too much alike at 96 px for an
   * older member to tell apart without doubt (a car and a bus, a cat and a dog, a sun and a flower).
   */
  readonly family: string;
}

export const WORDS: readonly Word[] = [
  { id: 'bicycle', icon: 'bike', family: 'wheels' },
  { id: 'car', icon: 'car', family: 'road' },
  { id: 'bus', icon: 'bus', family: 'road' },
  { id: 'house', icon: 'house', family: 'house' },
  { id: 'tree', icon: 'tree-deciduous', family: 'plant' },
  { id: 'fir-tree', icon: 'tree-pine', family: 'plant' },
  { id: 'fish', icon: 'fish', family: 'fish' },
  { id: 'plane', icon: 'plane', family: 'sky' },
  { id: 'bird', icon: 'bird', family: 'sky' },
  { id: 'umbrella', icon: 'umbrella', family: 'umbrella' },
  { id: 'key', icon: 'key', family: 'lock' },
  { id: 'padlock', icon: 'lock', family: 'lock' },
  { id: 'book', icon: 'book-open', family: 'book' },
  { id: 'apple', icon: 'apple', family: 'fruit' },
  { id: 'boat', icon: 'sailboat', family: 'boat' },
  { id: 'cat', icon: 'cat', family: 'pet' },
  { id: 'dog', icon: 'dog', family: 'pet' },
  { id: 'scissors', icon: 'scissors', family: 'scissors' },
  { id: 'glasses', icon: 'glasses', family: 'glasses' },
  { id: 'heart', icon: 'heart', family: 'heart' },
  { id: 'star', icon: 'star', family: 'star' },
  { id: 'bell', icon: 'bell', family: 'bell' },
  { id: 'cup', icon: 'coffee', family: 'cup' },
  { id: 'envelope', icon: 'mail', family: 'envelope' },
  { id: 'sun', icon: 'sun', family: 'round' },
  { id: 'flower', icon: 'flower', family: 'round' },
  { id: 'guitar', icon: 'guitar', family: 'music' },
  { id: 'snail', icon: 'snail', family: 'snail' },
  { id: 'moon', icon: 'moon', family: 'moon' },
];

/** Icons of every word: what the picture pool keeps ready. */
export const WORD_ICONS: readonly string[] = WORDS.map((w) => w.icon);

export function labelWord(word: Word, locale: Locale): string {
  return (locale === 'en' ? en : fr).words[word.id];
}
