// Creator spaces on a world session: the room state's spaces into the spaces store (rebuilt once
// per task after a patch, set only where something changed), and space edits sent and answered
// in order (`space.ok` or a refused `error`). Loaded with the network code.
import type { ClientMessage } from '../protocol/messages'
import { readSpace } from '../protocol/state'
import type { BindSession } from '../net/featureBinding'
import { oncePerTask } from '../net/tasks'
import { useSpaces } from './store'
import { current, type SpaceEditResult, type SpaceEditType, type SpacesSessionApi } from './current'

const EDIT_TIMEOUT_MS = 20_000

export const bind: BindSession = (host) => {
  /** Space edits waiting for their answer, oldest first. */
  const edits: { type: SpaceEditType; done: (r: SpaceEditResult) => void }[] = []
  /** Answers are in order per type: the oldest waiting edit of that type gets this one. */
  const settle = (type: string, result: SpaceEditResult) => {
    const i = edits.findIndex((e) => e.type === type)
    if (i < 0) return
    const [entry] = edits.splice(i, 1)
    entry!.done(result)
  }
  const api: SpacesSessionApi = {
    editSpace<T extends SpaceEditType>(type: T, payload: ClientMessage<T>) {
      const room = host.room()
      if (!room?.isOpen()) {
        return Promise.resolve<SpaceEditResult>({
          ok: false,
          code: 'offline',
          message: 'not connected',
        })
      }
      return new Promise<SpaceEditResult>((resolve) => {
        const entry = { type, done: resolve }
        edits.push(entry)
        setTimeout(() => {
          const i = edits.indexOf(entry)
          if (i < 0) return
          edits.splice(i, 1)
          resolve({ ok: false, code: 'timeout', message: 'the server did not answer in time' })
        }, EDIT_TIMEOUT_MS)
        room.send(type, payload)
      })
    },
  }
  current.session = api

  return {
    joined(room) {
      room.onMessage('space.ok', (m) => {
        settle(`space.${m.op}`, { ok: true, version: m.version, id: m.id, versions: m.versions })
      })
      room.onMessage('space.hidden', (m) => {
        host.problem(`An exhibit in ${m.space} was hidden: ${m.reason}`)
      })
      useSpaces.getState().reset()
      const shown = new Map<string, string>()
      room.onStateChange(
        oncePerTask(() => {
          const seen = new Set<string>()
          room.state.spaces?.forEach((space, id) => {
            seen.add(id)
            const view = readSpace(space)
            const json = JSON.stringify(view)
            if (shown.get(id) === json) return
            shown.set(id, json)
            useSpaces.getState().set(id, view)
          })
          for (const id of [...shown.keys()]) {
            if (seen.has(id)) continue
            shown.delete(id)
            useSpaces.getState().set(id, null)
          }
        }),
      )
    },
    error(e) {
      if (!e.type?.startsWith('space.')) return false
      settle(e.type, { ok: false, code: e.code, message: e.message })
      return true
    },
    leave() {
      if (current.session === api) current.session = null
      useSpaces.getState().reset()
      for (const e of edits.splice(0)) e.done({ ok: false, code: 'offline', message: 'left' })
    },
  }
}
