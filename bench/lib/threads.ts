// Bench swarms in worker threads: the bench process drives each swarm through a SwarmHandle, the
// same whether the swarm runs in this thread (localSwarm) or in a worker (remoteSwarm, with the
// worker's entry calling serveSwarm). Spreading bots over threads keeps one thread's event loop
// from capping the send rate or adding its own stalls to the latencies.
import { Worker, parentPort } from 'node:worker_threads'

/** What a swarm class offers (bench/net/swarm.ts, bench/events/swarm.ts). */
export interface Swarmlike<J, R> {
  join(indices: number[], concurrency: number): Promise<J>
  setWindow(start: number, end: number): void
  stop(): Promise<R>
}

export interface SwarmHandle<J, R> {
  join(indices: number[], concurrency: number): Promise<J>
  setWindow(start: number, end: number): Promise<unknown>
  stop(): Promise<R>
  close(): Promise<void>
}

type WorkerCall =
  | { op: 'join'; indices: number[]; concurrency: number }
  | { op: 'window'; start: number; end: number }
  | { op: 'stop' }
type WorkerRequest = WorkerCall & { id: number }

export function localSwarm<J, R>(swarm: Swarmlike<J, R>): SwarmHandle<J, R> {
  return {
    join: (indices, concurrency) => swarm.join(indices, concurrency),
    setWindow: async (start, end) => swarm.setWindow(start, end),
    stop: () => swarm.stop(),
    close: async () => {},
  }
}

/** A swarm in a worker thread: `entry` (a module URL) calls serveSwarm with `opts` as workerData. */
export function remoteSwarm<J, R>(entry: URL, opts: unknown): SwarmHandle<J, R> {
  // Worker threads do not inherit tsx's loader: the thread loads its entry through tsx's API.
  const code =
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
    `.then(({ tsImport }) => tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(entry.href)}))`
  const worker = new Worker(code, { eval: true, workerData: opts })
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let nextId = 1
  worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const p = pending.get(m.id)
    pending.delete(m.id)
    if (m.error !== undefined) p?.reject(new Error(m.error))
    else p?.resolve(m.result)
  })
  worker.on('error', (err) => {
    for (const p of pending.values()) p.reject(err)
    pending.clear()
  })
  const call = <T>(req: WorkerCall): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      worker.postMessage({ ...req, id })
    })
  return {
    join: (indices, concurrency) => call({ op: 'join', indices, concurrency }),
    setWindow: (start, end) => call({ op: 'window', start, end }),
    stop: () => call({ op: 'stop' }),
    close: async () => {
      await worker.terminate()
    },
  }
}

/** In a worker thread: answers remoteSwarm's calls with this swarm. */
export function serveSwarm(swarm: Swarmlike<unknown, unknown>) {
  const port = parentPort!
  port.on('message', (req: WorkerRequest) => {
    const reply = (result: unknown) => port.postMessage({ id: req.id, result })
    const fail = (err: unknown) => port.postMessage({ id: req.id, error: String(err) })
    switch (req.op) {
      case 'join':
        swarm.join(req.indices, req.concurrency).then(reply, fail)
        break
      case 'window':
        swarm.setWindow(req.start, req.end)
        reply(null)
        break
      case 'stop':
        swarm.stop().then(reply, fail)
        break
    }
  })
}

/** `workers` swarms in worker threads, or one in this thread when `workers` is 0. */
export function startSwarms<J, R>(
  workers: number,
  entry: URL,
  opts: unknown,
  local: () => Swarmlike<J, R>,
): SwarmHandle<J, R>[] {
  return Array.from({ length: Math.max(1, workers) }, () =>
    workers > 0 ? remoteSwarm<J, R>(entry, opts) : localSwarm(local()),
  )
}
