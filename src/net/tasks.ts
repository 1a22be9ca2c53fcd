// Batching for the network code: many changes in one patch, one rebuild after it.

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
