// The `gift.*` messages, run by the room's gifts part (room.ts).
import type { HandlerTable } from '../rooms/handlers'
import type { RoomGifts } from './room'

export const giftHandlers: HandlerTable<RoomGifts> = {
  'gift.offer': (part, seat, p) => part.offer(seat, p),
  'gift.answer': (part, seat, p) => part.answer(seat, p),
  'gift.cancel': (part, seat, p) => part.cancel(seat, p),
  'gift.prepare': (part, seat, p) => part.prepare(seat, p),
  'gift.send': (part, seat, p) => part.send(seat, p),
}
