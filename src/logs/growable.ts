type TypedArray = Uint8Array | Uint32Array;

/** An append-only typed array that doubles its buffer as it fills: `array` is valid up to `length`. */
abstract class Growable<T extends TypedArray> {
  length = 0;
  array: T;

  constructor(capacity = 1024) {
    this.array = this.allocate(capacity);
  }

  protected abstract allocate(capacity: number): T;

  push(value: number): void {
    this.reserve(1)[this.length++] = value;
  }

  /** Makes room for `count` more values and returns the array to write them into (then set `length`). */
  reserve(count: number): T {
    if (this.length + count > this.array.length) {
      const bigger = this.allocate(Math.max(this.array.length * 2, this.length + count));
      bigger.set(this.array);
      this.array = bigger;
    }
    return this.array;
  }

  /** Gives back the room beyond `length` when it is more than a quarter of it (the parser reserves ahead). */
  trim(): void {
    if (this.array.length - this.length > this.length / 4) this.array = this.array.slice(0, this.length) as T;
  }

  /** A view of the filled part. */
  view(): T {
    return this.array.subarray(0, this.length) as T;
  }
}

export class GrowableUint8 extends Growable<Uint8Array> {
  protected allocate(capacity: number): Uint8Array {
    return new Uint8Array(capacity);
  }
}

export class GrowableUint32 extends Growable<Uint32Array> {
  protected allocate(capacity: number): Uint32Array {
    return new Uint32Array(capacity);
  }
}
