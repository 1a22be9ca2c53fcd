// Small helpers for the network code: many changes in one patch make one rebuild after it, and
// requests that the server answers in order per type.

/** A function that runs `fn` once at the end of the current task, however often it is called. */
export function oncePerTask(fn: () => void): () => void {
  let queued = false
  return () => {
    if (queued) return
    queued = true
    queueMicrotask(() => {
      queued = false
      fn()
    })
  }
}

/**
 * Requests waiting for their answer, oldest first. The server answers in order per type, so the
 * oldest waiting request of a type gets the answer; one that waits too long gets `timedOut`.
 */
export class Answers<T extends string, R> {
  private waiting: { type: T; done: (r: R) => void }[] = []

  constructor(
    private readonly timeoutMs: number,
    private readonly timedOut: R,
  ) {}

  /** Sends (through `send`) and resolves with the answer to it. */
  wait(type: T, send: () => void): Promise<R> {
    return new Promise((resolve) => {
      const entry = { type, done: resolve }
      this.waiting.push(entry)
      setTimeout(() => {
        const i = this.waiting.indexOf(entry)
        if (i < 0) return
        this.waiting.splice(i, 1)
        resolve(this.timedOut)
      }, this.timeoutMs)
      send()
    })
  }

  /** The oldest waiting request of `type` gets `result`; false when none was waiting. */
  settle(type: string, result: R): boolean {
    const i = this.waiting.findIndex((e) => e.type === type)
    if (i < 0) return false
    const [entry] = this.waiting.splice(i, 1)
    entry!.done(result)
    return true
  }

  /** Every waiting request gets `result` (the session ended). */
  settleAll(result: R) {
    for (const e of this.waiting.splice(0)) e.done(result)
  }
}
