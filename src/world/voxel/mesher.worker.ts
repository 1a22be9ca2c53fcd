// Web Worker entry (Vite module worker): builds and meshes a Block Park world off the render
// thread, and for an editable world keeps it to apply the builders' changes and mesh again the
// chunks they touched. The work itself lives in build.ts so tests can run it without a Worker.
import { applyChanges, replaceGrid, runBuild, setPalette, type EditableWorld } from './build'
import type { BuildMessage, WorkerRequest } from './build'

interface WorkerScope {
  postMessage(message: BuildMessage, transfer: Transferable[]): void
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null
}

const scope = self as unknown as WorkerScope
const post = (m: BuildMessage, transfer: Transferable[]) => scope.postMessage(m, transfer)
let world: EditableWorld | null = null

scope.onmessage = (event) => {
  const msg = event.data
  try {
    switch (msg?.type) {
      case 'build':
        world = runBuild(msg.world, post, msg.focus, msg.grid, msg.editable)
        return
      case 'apply':
        if (world) applyChanges(world, msg.rev, msg.changes, post)
        return
      case 'replace':
        if (world) replaceGrid(world, msg.rev, msg.grid, post)
        return
      case 'palette':
        if (world) setPalette(world, msg.palette)
        return
      default:
        post({ type: 'error', message: 'unknown request' }, [])
    }
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) }, [])
  }
}
