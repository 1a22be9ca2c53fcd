// The session the app opens: the engine's world session (src/net/session.ts) with the registered
// features' session parts bound to it, in registry order. Loaded lazily with the network code,
// and so are the parts: each feature's `binding.ts` is bundled here, not in the first load.
import type { BindSession, SessionOptions } from '../net/featureBinding'
import { WorldSession as EngineSession, type JoinProfile } from '../net/session'
import type { ClientMessage } from '../protocol/messages'
import { current as spaces, type SpaceEditResult, type SpaceEditType } from '../spaces/current'
import type { FeatureBindingModule } from './feature'
import { features } from './features'

const modules = import.meta.glob<FeatureBindingModule>('../*/binding.ts', { eager: true })

/** Each registered feature's `bind`, in registry order (features without a binding.ts have none). */
export const sessionParts: readonly BindSession[] = features.flatMap((f) => {
  const part = modules[`../${f.name}/binding.ts`]
  return part ? [part.bind] : []
})

export class WorldSession extends EngineSession {
  constructor(
    world: string,
    profile: JoinProfile,
    options: SessionOptions & { endpoint?: string } = {},
  ) {
    super(world, profile, options, sessionParts)
  }

  /** A creator space edit through the spaces binding (src/spaces/current.ts), as tests make it. */
  editSpace<T extends SpaceEditType>(type: T, payload: ClientMessage<T>): Promise<SpaceEditResult> {
    return (
      spaces.session?.editSpace(type, payload) ??
      Promise.resolve({ ok: false, code: 'offline', message: 'not connected' })
    )
  }
}
