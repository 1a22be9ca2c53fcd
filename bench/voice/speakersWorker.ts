// A SpeakerSwarm in a worker thread, driven by bench/sections/voice.ts through bench/lib/threads.ts.
import { workerData } from 'node:worker_threads'
import { serveSwarm } from '../lib/threads'
import { SpeakerSwarm, type SpeakerSwarmOptions } from './speakers'

serveSwarm(new SpeakerSwarm(workerData as SpeakerSwarmOptions))
