// Avatar looks: what a visitor's figure wears (src/protocol/avatar.ts), kept per wallet address
// so a signed-in visitor looks the same on every device and in every world.
//
// The room's part: `avatar.look` sets the seat's look (everyone in the room sees it through the
// state) and keeps it for a signed-in seat; signing in puts on the look kept for that address,
// or keeps the one the visitor arrived with when the address has none yet.
//
// A look's VRM file that came from a collectible (server/avatars/wear.ts) is worn only by a
// signed-in visitor whose address holds a grant for it: wherever a look is accepted (joining,
// `avatar.look`, the kept look at sign-in) it is shown only once that is checked, and otherwise
// the look is worn without it, the sender told why (`avatar_not_yours`) and given the look in
// force (`avatar.saved`). When a grant ends (the token moved), the former holder's seats in
// every room take it off the same way.
import type { Queryable } from '../db/database'
import type { FeaturePart, HandlerTable, Handlers, RoomFeature, RoomHost } from '../rooms/handlers'
import type { Seat } from '../rooms/seat'
import { encodeLook, parseLook, type AvatarLook } from '../../src/protocol/avatar'
import { background } from '../background'
import type { AvatarStore } from './store'
import { GRANT_ENDED_CHANNEL, type GrantEnded } from './wear'

export class LookStore {
  constructor(private readonly db: Queryable) {}

  async get(address: string): Promise<AvatarLook | null> {
    const rows = await this.db.query<{ look: string }>(
      'select look from avatar_looks where address = $1',
      [address],
    )
    return parseLook(rows[0]?.look)
  }

  /** Takes file `id` off the look kept for `address` (its grant ended). */
  async dropVrm(address: string, id: string): Promise<void> {
    const kept = await this.get(address)
    if (kept?.vrm === id) await this.put(address, withoutVrm(kept))
  }

  async put(address: string, look: AvatarLook): Promise<void> {
    await this.db.query(
      `insert into avatar_looks (address, look) values ($1, $2)
       on conflict (address) do update set look = excluded.look, updated_at = now()`,
      [address, encodeLook(look)],
    )
  }
}

/** How long a look that arrived with a collectible's VRM waits for its visitor to sign in before
 * it is refused (the page signs in right after joining), ms. */
export const SIGN_IN_GRACE_MS = 5_000

const SIGN_IN =
  'this avatar comes from a collectible: it is worn once you sign in with the wallet that holds it'
const NOT_HELD =
  'this avatar comes from a collectible this wallet does not hold: wear it from the wallet panel'
const MOVED = 'the collectible this avatar came from has left this wallet: it is taken off'

export const withoutVrm = (look: AvatarLook): AvatarLook => {
  const { vrm: _vrm, ...rest } = look
  return rest
}

const isGrantEnded = (m: unknown): m is GrantEnded =>
  typeof m === 'object' &&
  m !== null &&
  typeof (m as GrantEnded).address === 'string' &&
  typeof (m as GrantEnded).id === 'string'

/** A look as the seat may wear it, and why its VRM was taken off (null: it was not). */
interface Verdict {
  look: AvatarLook
  refused: string | null
}

export class RoomLooks implements FeaturePart {
  /** Each seat's latest look change: a check that finishes after a newer change is dropped. */
  private readonly version = new WeakMap<Seat, number>()
  /** A look that arrived with a collectible's VRM before its visitor signed in. */
  private readonly held = new WeakMap<Seat, AvatarLook>()
  readonly onGrantEnded = (m: unknown) => this.grantEnded(m)

  constructor(
    private readonly host: RoomHost,
    private readonly store: () => LookStore | null,
    private readonly files: () => AvatarStore | null = () => null,
    private readonly graceMs = SIGN_IN_GRACE_MS,
  ) {}

  private bump(seat: Seat): number {
    const n = (this.version.get(seat) ?? 0) + 1
    this.version.set(seat, n)
    return n
  }

  /** Whether change `n` is still the seat's latest and the seat is still here. */
  private current(seat: Seat, n: number): boolean {
    return this.version.get(seat) === n && this.host.seats.get(seat.client.sessionId) === seat
  }

  /** The look `seat` may wear now; null when the files cannot be checked (database starting). */
  private async admit(seat: Seat, look: AvatarLook): Promise<Verdict | null> {
    if (!look.vrm) return { look, refused: null }
    const files = this.files()
    if (!files) return null
    if (await files.mayWear(seat.address, look.vrm)) return { look, refused: null }
    return { look: withoutVrm(look), refused: seat.address ? NOT_HELD : SIGN_IN }
  }

  private show(seat: Seat, look: AvatarLook): void {
    seat.player.look = encodeLook(look)
  }

  private keep(seat: Seat, look: AvatarLook): void {
    const store = this.store()
    if (seat.address && store) background(store.put(seat.address, look), '[avatars] keep look')
  }

  /** Tells the seat its collectible's VRM was taken off, and which look is in force. */
  private refuse(seat: Seat, look: AvatarLook, message: string): void {
    this.host.reply(seat.client, 'error', {
      code: 'avatar_not_yours',
      type: 'avatar.look',
      message,
    })
    this.host.reply(seat.client, 'avatar.saved', { look })
  }

  /**
   * A new look from the editor: shown at once, kept for the seat's address when signed in. One
   * with a VRM file is shown (and kept) once the file is checked; until then the seat keeps the
   * look it wore.
   */
  setLook(seat: Seat, look: AvatarLook): void {
    const n = this.bump(seat)
    this.held.delete(seat)
    if (!look.vrm) {
      this.show(seat, look)
      this.keep(seat, look)
      return
    }
    background(
      this.admit(seat, look).then((v) => {
        if (!v || !this.current(seat, n)) return
        this.show(seat, v.look)
        this.keep(seat, v.look)
        if (v.refused) this.refuse(seat, v.look, v.refused)
      }),
      '[avatars] check look',
    )
  }

  /** The look a visitor arrived in: its VRM file is shown once checked. */
  joined(seat: Seat): void {
    // A seat that came back after a dropped connection: its look was checked before.
    if (this.version.has(seat)) return
    const n = this.bump(seat)
    const look = parseLook(seat.player.look)
    if (!look?.vrm) return
    this.show(seat, withoutVrm(look))
    background(
      this.admit(seat, look).then((v) => {
        if (!v || !this.current(seat, n)) return
        if (!v.refused) return this.show(seat, v.look)
        // Not signed in yet: the page signs in right after joining, and the kept look decides.
        this.held.set(seat, look)
        this.host.clock.setTimeout(() => {
          if (!this.current(seat, n) || !this.held.has(seat)) return
          this.held.delete(seat)
          this.refuse(seat, v.look, v.refused!)
        }, this.graceMs)
      }),
      '[avatars] check arrival',
    )
  }

  signedIn(seat: Seat): void {
    const address = seat.address
    if (!address) return
    const n = this.bump(seat)
    const held = this.held.get(seat)
    this.held.delete(seat)
    const store = this.store()
    background(
      (async () => {
        const kept = store ? await store.get(address) : null
        // Signed out, gone or dressed anew meanwhile: nothing to put on.
        if (seat.address !== address || !this.current(seat, n)) return
        const look = kept ?? held ?? parseLook(seat.player.look)
        if (!look) return
        const v = await this.admit(seat, look)
        if (!v || seat.address !== address || !this.current(seat, n)) return
        this.show(seat, v.look)
        if (kept && !v.refused) {
          this.host.reply(seat.client, 'avatar.saved', { look: kept })
          return
        }
        if (store) await store.put(address, v.look)
        if (v.refused) this.refuse(seat, v.look, v.refused)
      })(),
      '[avatars] sign-in look',
    )
  }

  /** A grant ended (on any process): the former holder's seats here take the file off. */
  private grantEnded(m: unknown): void {
    if (!isGrantEnded(m)) return
    for (const seat of this.host.seats.values()) {
      if (seat.address !== m.address) continue
      const look = parseLook(seat.player.look)
      if (look?.vrm !== m.id) continue
      this.bump(seat)
      const off = withoutVrm(look)
      this.show(seat, off)
      this.refuse(seat, off, MOVED)
    }
  }

  dispose(): void {
    this.host.presence.unsubscribe(GRANT_ENDED_CHANNEL, this.onGrantEnded)
  }
}

export const avatarHandlers: HandlerTable<RoomLooks> = {
  'avatar.look': (part, seat, p) => part.setLook(seat, p.look),
}

/**
 * `store` and `files` are null while the database is starting (looks then last as long as the
 * visit, and a look's VRM file waits to be checked).
 */
export function avatarsFeature(
  store: () => LookStore | null,
  files: () => AvatarStore | null = () => null,
): RoomFeature {
  return {
    name: 'avatars',
    async attach(host: RoomHost, handlers: Handlers) {
      const part = new RoomLooks(host, store, files)
      handlers.add('avatars', part, avatarHandlers)
      await host.presence.subscribe(GRANT_ENDED_CHANNEL, part.onGrantEnded)
      return part
    },
  }
}
