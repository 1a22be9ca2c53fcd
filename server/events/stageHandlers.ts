// The `stage.*` messages (the live stage, docs/stage.md): one handler each, run by the instance's
// live stage (live.ts) through the room's `act`, which refuses them once the event ended and
// answers a refusal or a failure as `error`. Host actions are answered with `event.ok {op}`;
// go-live, watch and renew with their ticket or token.
import type { Handler, HandlerTable } from '../rooms/handlers'
import type { Seat } from '../rooms/seat'
import type { ClientMessage } from '../../src/protocol/messages'
import type { LiveStage, StageMessageType } from './live'

function action<T extends StageMessageType>(
  type: T,
  ok: boolean,
  run: (stage: LiveStage, seat: Seat, p: ClientMessage<T>) => Promise<void> | void,
): Handler<LiveStage, T> {
  return (stage, seat, p) => stage.host.act(seat, type, () => run(stage, seat, p), ok)
}

export const stageHandlers: HandlerTable<LiveStage> = {
  'stage.golive': action('stage.golive', false, (stage, seat, p) => stage.golive(seat, p)),
  'stage.stop': action('stage.stop', true, (stage, seat) => stage.stop(seat)),
  'stage.source': action('stage.source', true, (stage, seat, p) => stage.source(seat, p.source)),
  'stage.level': action('stage.level', true, (stage, seat, p) => stage.level(seat, p.db)),
  'stage.watch': action('stage.watch', false, (stage, seat) => stage.watch(seat)),
  'stage.renew': action('stage.renew', false, (stage, seat) => stage.renew(seat)),
}
