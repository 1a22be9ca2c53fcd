// Creator spaces on a world session: the room state's spaces into the spaces store (rebuilt once
// per task after a patch, set only where something changed), and space edits sent and answered
// in order (`space.ok` or a refused `error`). Loaded with the network code.
import type { ClientMessage } from '../protocol/messages'
import { readSpace } from '../protocol/state'
import type { BindSession } from '../net/featureBinding'
import { Answers, oncePerTask } from '../net/tasks'
import { useSpaces } from './store'
import { current, type SpaceEditResult, type SpaceEditType, type SpacesSessionApi } from './current'

const EDIT_TIMEOUT_MS = 20_000

export const bind: BindSession = (host) => {
  /** Space edits waiting for their answer, oldest first. */
  const edits = new Answers<SpaceEditType, SpaceEditResult>(EDIT_TIMEOUT_MS, {
    ok: false,
    code: 'timeout',
    message: 'the server did not answer in time',
  })
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
      return edits.wait(type, () => room.send(type, payload))
    },
  }
  current.session = api

  return {
    joined(room) {
      room.onMessage('space.ok', (m) => {
        edits.settle(`space.${m.op}`, {
          ok: true,
          version: m.version,
          id: m.id,
          versions: m.versions,
        })
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
      edits.settle(e.type, { ok: false, code: e.code, message: e.message })
      return true
    },
    leave() {
      if (current.session === api) current.session = null
      useSpaces.getState().reset()
      edits.settleAll({ ok: false, code: 'offline', message: 'left' })
    },
  }
}
