// An EventSwarm in a worker thread, driven by messages from bench/sections/events.ts.
import { parentPort, workerData } from 'node:worker_threads'
import { EventSwarm, type EventSwarmOptions } from './swarm'

export type WorkerCall =
  | { op: 'join'; indices: number[]; concurrency: number }
  | { op: 'window'; start: number; end: number }
  | { op: 'stop' }
export type WorkerRequest = WorkerCall & { id: number }

const swarm = new EventSwarm(workerData as EventSwarmOptions)
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
