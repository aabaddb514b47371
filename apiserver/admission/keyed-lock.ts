// One-at-a-time work per key (a namespace), for admission steps that read, decide and write shared state: kube's
// quota evaluator queues a namespace's requests and handles them in turn for the same reason, so that concurrent
// creates do not all read the same quota and then fight over who may write it.
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => { release = resolve; });
    const tail = before.then(() => done);
    this.tails.set(key, tail);
    await before;
    try {
      return await work();
    } finally {
      release();
      // The last one out leaves nothing behind, so the map holds only keys with work in flight.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
