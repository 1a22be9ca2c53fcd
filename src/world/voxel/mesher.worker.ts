// Web Worker entry (Vite module worker): builds and meshes a Block Park world off the render
// thread. The work itself lives in build.ts so tests can run it without a Worker.
import { runBuild } from './build'
import type { BuildMessage, BuildRequest } from './build'

interface WorkerScope {
  postMessage(message: BuildMessage, transfer: Transferable[]): void
  onmessage: ((event: MessageEvent<BuildRequest>) => void) | null
}

const scope = self as unknown as WorkerScope

scope.onmessage = (event) => {
  const msg = event.data
  if (msg?.type !== 'build') {
    scope.postMessage({ type: 'error', message: 'unknown request' }, [])
    return
  }
  runBuild(msg.world, (m, transfer) => scope.postMessage(m, transfer), msg.focus)
}
