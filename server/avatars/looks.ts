// Avatar looks: what a visitor's figure wears (src/protocol/avatar.ts), kept per wallet address
// so a signed-in visitor looks the same on every device and in every world.
//
// The room's part: `avatar.look` sets the seat's look (everyone in the room sees it through the
// state) and keeps it for a signed-in seat; signing in puts on the look kept for that address,
// or keeps the one the visitor arrived with when the address has none yet.
import type { Queryable } from '../db/database'
import type { FeaturePart, HandlerTable, Handlers, RoomFeature, RoomHost } from '../rooms/handlers'
import type { Seat } from '../rooms/seat'
import { encodeLook, parseLook, type AvatarLook } from '../../src/protocol/avatar'
import { background } from '../background'

export class LookStore {
  constructor(private readonly db: Queryable) {}

  async get(address: string): Promise<AvatarLook | null> {
    const rows = await this.db.query<{ look: string }>(
      'select look from avatar_looks where address = $1',
      [address],
    )
    return parseLook(rows[0]?.look)
  }

  async put(address: string, look: AvatarLook): Promise<void> {
    await this.db.query(
      `insert into avatar_looks (address, look) values ($1, $2)
       on conflict (address) do update set look = excluded.look, updated_at = now()`,
      [address, encodeLook(look)],
    )
  }
}

export class RoomLooks implements FeaturePart {
  constructor(
    private readonly host: RoomHost,
    private readonly store: () => LookStore | null,
  ) {}

  /** A new look from the editor: shown at once, kept for the seat's address when signed in. */
  setLook(seat: Seat, look: AvatarLook): void {
    seat.player.look = encodeLook(look)
    const store = this.store()
    if (seat.address && store) background(store.put(seat.address, look), '[avatars] keep look')
  }

  signedIn(seat: Seat): void {
    const store = this.store()
    const address = seat.address
    if (!store || !address) return
    background(
      (async () => {
        const kept = await store.get(address)
        // Signed out or gone meanwhile: nothing to put on.
        if (seat.address !== address || !this.host.seats.has(seat.client.sessionId)) return
        if (kept) {
          seat.player.look = encodeLook(kept)
          this.host.reply(seat.client, 'avatar.saved', { look: kept })
        } else {
          const arrived = parseLook(seat.player.look)
          if (arrived) await store.put(address, arrived)
        }
      })(),
      '[avatars] sign-in look',
    )
  }

  dispose(): void {}
}

export const avatarHandlers: HandlerTable<RoomLooks> = {
  'avatar.look': (part, seat, p) => part.setLook(seat, p.look),
}

/** `store` is null while the database is starting (looks then last as long as the visit). */
export function avatarsFeature(store: () => LookStore | null): RoomFeature {
  return {
    name: 'avatars',
    attach(host: RoomHost, handlers: Handlers) {
      const part = new RoomLooks(host, store)
      handlers.add('avatars', part, avatarHandlers)
      return Promise.resolve(part)
    },
  }
}
