// A builder world's room on the page: `build.sync` makes the page's grid the room's (only when
// they differ: the page usually loaded the same one), `build.applied` changes come in the room's
// order and go to the live grid (src/world/voxel/live.ts), `build.saved` and refused builder
// messages go to the builder's store. Loaded with the network code.
import type { ServerMessages } from '../protocol/messages'
import type { BindSession } from '../net/featureBinding'
import { decodeGrid } from '../world/voxel/codec'
import type { VoxelChange } from '../world/voxel/build'
import { useLiveVoxels, type LiveVoxels } from '../world/voxel/live'
import { current, type BuilderSession } from './current'
import { inflateRaw } from '../world/loadScene'
import { isBuilderWorld } from './source'
import { useBuilder } from './store'
import { useWorld } from '../state/world'
import { useSettings } from '../state/settings'
import { translate } from '../i18n'
import { useWallet } from '../wallet/store'
import './strings'

/** Waits for the world view to hold this world's live grid (it does before the room is joined). */
function liveGrid(world: string): Promise<LiveVoxels> {
  const now = useLiveVoxels.getState().live
  if (now?.world === world) return Promise.resolve(now)
  return new Promise((resolve) => {
    const stop = useLiveVoxels.subscribe((s) => {
      if (s.live?.world !== world) return
      stop()
      resolve(s.live)
    })
  })
}

function sameCells(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export const bind: BindSession = (host) => {
  if (!isBuilderWorld(host.world)) return {}
  const world = host.world
  /** Everything from the room is handled in arrival order (a sync is inflated first). */
  let queue: Promise<void> = Promise.resolve()
  let seq = -1
  let ref = 0
  let generation = 0
  const run = (step: () => Promise<void> | void) => {
    const mine = generation
    queue = queue
      .then(() => (mine === generation ? step() : undefined))
      .catch((err: unknown) => host.problem(`builder: ${(err as Error).message}`))
  }

  const session: BuilderSession = {
    send(type, payload) {
      const room = host.room()
      if (!room?.isOpen()) return false
      room.send(type, payload)
      return true
    },
    nextRef: () => ++ref,
  }
  current.session = session

  const sync = (m: ServerMessages['build.sync']) =>
    run(async () => {
      const live = await liveGrid(world)
      const bytes = await inflateRaw(m.grid)
      const decoded = decodeGrid(bytes, live.palette.length + 1)
      if (!sameCells(decoded.data, live.grid.data)) live.replace(bytes)
      seq = m.seq
      useBuilder.getState().applied(m.seq)
    })

  /**
   * Changes received and not yet applied: one queued step applies all that came meanwhile. A
   * palette change closes the batch (null): the changes after it may use its new colours.
   */
  let incoming: ServerMessages['build.applied'][] | null = null
  const flush = async (list: ServerMessages['build.applied'][]) => {
    if (incoming === list) incoming = null
    const changes: VoxelChange[] = []
    for (const m of list) {
      if (m.seq <= seq) continue // already in the grid the room sent
      if (m.seq !== seq + 1) host.problem(`builder: change ${seq + 1} is missing`)
      seq = m.seq
      changes.push(m.edit ? { edit: m.edit } : { patch: m.patch! })
    }
    if (changes.length === 0) return
    ;(await liveGrid(world)).apply(changes)
    useBuilder.getState().applied(seq)
  }
  const applied = (m: ServerMessages['build.applied']) => {
    if (!m.edit && !m.patch) return
    if (!incoming) {
      const batch: ServerMessages['build.applied'][] = []
      incoming = batch
      run(() => flush(batch))
    }
    incoming.push(m)
  }

  /** The palette (custom colours) and the visitor layer, in order with the grid's changes. */
  const scene = (m: ServerMessages['build.scene']) => {
    incoming = null
    run(async () => {
      const live = await liveGrid(world)
      if (JSON.stringify(live.palette) !== JSON.stringify(m.palette)) live.setPalette(m.palette)
      const w = useWorld.getState()
      if (w.scene?.id !== world || !w.scene.voxel) return
      const { palette } = w.scene.voxel
      const { pois, portals, spaces, stages, spawn } = w.scene
      const now = [palette, pois, portals, spaces, stages, spawn]
      const next = [m.palette, m.pois, m.portals, m.spaces, m.stages, m.spawn]
      if (JSON.stringify(now) === JSON.stringify(next)) return
      w.updateScene({
        ...w.scene,
        voxel: { ...w.scene.voxel, palette: m.palette },
        pois: m.pois,
        portals: m.portals,
        spaces: m.spaces,
        stages: m.stages,
        spawn: m.spawn,
      })
    })
  }

  return {
    joined(room) {
      generation++
      seq = -1
      incoming = null
      room.onMessage('build.sync', sync)
      room.onMessage('build.applied', applied)
      room.onMessage('build.saved', (m) => useBuilder.getState().savedAs(m.version, m.at))
      room.onMessage('build.scene', scene)
      // Unpublished, or this builder taken off it: the world closes here, saying why.
      room.onMessage('build.closed', (m) => {
        const lang = useSettings.getState().language
        const signedIn = useWallet.getState().session !== null
        useWorld.getState().failed({
          title: translate(lang, 'builder.closed'),
          issues: [{ field: '', message: m.message }],
          advice: signedIn ? 'notFound' : 'signIn',
          signIn: !signedIn,
        })
      })
    },
    error(e) {
      if (!e.type?.startsWith('build.')) return false
      useBuilder.getState().setProblem(e.message)
      return true
    },
    leave() {
      generation++
      if (current.session === session) current.session = null
    },
  }
}
