// An EventSwarm in a worker thread, driven by bench/sections/events.ts through
// bench/lib/threads.ts.
import { workerData } from 'node:worker_threads'
import { serveSwarm } from '../lib/threads'
import { EventSwarm, type EventSwarmOptions } from './swarm'

serveSwarm(new EventSwarm(workerData as EventSwarmOptions))
