// Remembers the line of each member number of an import, to refuse a number given twice in one file.
// A Map of 1M strings costs about 70 MB; numeric numbers (the default format) go into an open-addressing
// table of typed arrays instead, about 24 MB for 1M, which keeps the import under its 200 MB budget.
const EMPTY = 0;
const NUMERIC = /^[0-9]{1,15}$/;

export class FirstLines {
  private keys = new Float64Array(1 << 12);
  private lines = new Int32Array(1 << 12);
  private count = 0;
  private readonly others = new Map<string, number>();

  /** The line where `number` was first seen; when it is new, remembers `line` and returns undefined. */
  claim(number: string, line: number): number | undefined {
    if (!NUMERIC.test(number)) {
      const first = this.others.get(number);
      if (first === undefined) this.others.set(number, line);
      return first;
    }
    // A leading "1" keeps leading zeros apart ("0123" ≠ "123"); 16 digits stay below 2^53, so exact.
    const key = Number(`1${number}`);
    const slot = this.find(key);
    if (this.keys[slot] === key) return this.lines[slot];
    this.keys[slot] = key;
    this.lines[slot] = line;
    if (++this.count * 2 > this.keys.length) this.grow();
    return undefined;
  }

  private find(key: number): number {
    const mask = this.keys.length - 1;
    const mixed = (key % 0x100000000) ^ Math.floor(key / 0x100000000);
    let slot = Math.imul(mixed, 0x9e3779b1) & mask;
    while (this.keys[slot] !== EMPTY && this.keys[slot] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const keys = this.keys;
    const lines = this.lines;
    this.keys = new Float64Array(keys.length * 2);
    this.lines = new Int32Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key === EMPTY) continue;
      const slot = this.find(key);
      this.keys[slot] = key;
      this.lines[slot] = lines[i]!;
    }
  }
}
