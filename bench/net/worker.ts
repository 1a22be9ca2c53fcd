// A Swarm in a worker thread, driven by bench/sections/net.ts through bench/lib/threads.ts.
import { workerData } from 'node:worker_threads'
import { serveSwarm } from '../lib/threads'
import { Swarm, type SwarmOptions } from './swarm'

serveSwarm(new Swarm(workerData as SwarmOptions))
