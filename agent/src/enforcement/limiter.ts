/** At most `size` tasks run at once; the rest wait in arrival order. */
export class Limiter {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`limiter size ${size} must be a whole number ≥ 1`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      // The slot passes straight to the next task, so `running` never dips below what is busy.
      if (next) next();
      else this.running--;
    }
  }

  waiting(): number {
    return this.queue.length;
  }
}
