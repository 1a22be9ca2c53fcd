// A StageSwarm in a worker thread, driven by bench/sections/voice.ts through bench/lib/threads.ts.
import { workerData } from 'node:worker_threads'
import { serveSwarm } from '../lib/threads'
import { StageSwarm, type StageSwarmOptions } from './stage'

serveSwarm(new StageSwarm(workerData as StageSwarmOptions))
