/**
 * A growable typed array: a few bytes per number instead of an object or a boxed array element.
 * `a` holds the numbers up to `n`; it is replaced (doubled) as it fills.
 *
 * @example
 * const g = new Grow(Uint32Array); g.push(7); g.a[0] // 7, g.n // 1
 */
export class Grow<T extends Uint32Array | Float64Array> {
  a: T;
  n = 0;
  constructor(private readonly make: new (length: number) => T) {
    this.a = new make(1024);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new this.make(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}
