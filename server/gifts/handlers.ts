// The `gift.*` messages, run by the room's gifts part (room.ts).
import type { HandlerTable } from '../rooms/handlers'
import type { RoomGifts } from './room'

export const giftHandlers: HandlerTable<RoomGifts> = {
  'gift.offer': (part, seat, p) => part.offer(seat, p),
  'gift.answer': (part, seat, p) => part.answer(seat, p),
}
