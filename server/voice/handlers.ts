// The `voice.*` messages: one handler each, run by the room's voice part (room.ts), which checks
// the seat and talks to the media server through the voice service.
import { background } from '../background'
import type { HandlerTable } from '../rooms/handlers'
import type { RoomVoice } from './room'

export const voiceHandlers: HandlerTable<RoomVoice> = {
  'voice.join': (part, seat) => background(part.join(seat), '[voice] join'),
  'voice.leave': (part, seat) => part.leave(seat),
  'voice.mute': (part, seat, p) => part.mute(seat, p.muted),
  'voice.renew': (part, seat) => part.renew(seat),
}
