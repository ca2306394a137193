/**
 * The 256 RADIUS identifiers of one client socket. An identifier stays taken until its request
 * is answered or given up, so two requests in flight never share one, and they are handed out
 * round-robin, so a late reply to a finished request rarely meets a new request with its
 * identifier (and when it does, the Response Authenticator check rejects it).
 */
export class IdentifierPool {
  private readonly taken = new Set<number>();
  private readonly waiters: { resolve: (id: number) => void; reject: (error: Error) => void }[] = [];
  private next = 0;
  private closedWith: Error | undefined;

  /** A free identifier; waits when all 256 are in flight. */
  acquire(): Promise<number> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.take();
    if (id !== null) return Promise.resolve(id);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  release(id: number): void {
    if (!this.taken.delete(id)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.taken.add(id);
      waiter.resolve(id);
    }
  }

  inUse(): number {
    return this.taken.size;
  }

  /** Every waiter is rejected with `error`, and so is every later acquire. */
  close(error: Error): void {
    this.closedWith = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  private take(): number | null {
    for (let i = 0; i < 256; i++) {
      const id = (this.next + i) % 256;
      if (!this.taken.has(id)) {
        this.taken.add(id);
        this.next = (id + 1) % 256;
        return id;
      }
    }
    return null;
  }
}
