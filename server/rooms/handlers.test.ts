// The handler tables against the message registry: every registered type is handled by exactly
// one table (engine, spaces, events), a table that misses one or shares one fails, rooms refuse
// to compose tables that overlap, and a type outside the registry never reaches a handler.
import { describe, expect, it } from 'vitest'
import { ClientMessages, ProtocolError, parseClientMessage } from '../../src/protocol/messages'
import { handlerTables } from '../features'
import { Handlers, coverage } from './handlers'
import type { Seat } from './seat'

const seat = {} as Seat

describe('handler tables', () => {
  it('handle every registered message type exactly once', () => {
    expect(coverage(handlerTables)).toEqual({ missing: [], twice: [], unregistered: [] })
    const owners = Object.values(handlerTables).flatMap((t) => Object.keys(t))
    expect(owners.sort()).toEqual(Object.keys(ClientMessages).sort())
  })

  it('fail the check when a type has no handler, two handlers or is not registered', () => {
    const { 'space.claim': _claim, ...spaces } = handlerTables.spaces
    expect(coverage({ ...handlerTables, spaces }).missing).toEqual(['space.claim'])
    const events = { ...handlerTables.events, chat: handlerTables.engine.chat }
    expect(coverage({ ...handlerTables, events }).twice).toEqual(['chat'])
    const extra = { ...handlerTables.engine, teleport: () => {} }
    expect(coverage({ ...handlerTables, engine: extra }).unregistered).toEqual(['teleport'])
  })

  it('refuse to be composed into one room when two tables handle the same type', () => {
    const handlers = new Handlers()
    handlers.add('engine', null, { ping: () => {} })
    expect(() => handlers.add('other', null, { ping: () => {} })).toThrow(
      '"ping" is handled by both engine and other',
    )
  })

  it('run the one handler of a type, and report a type this room does not handle', () => {
    const got: unknown[] = []
    const handlers = new Handlers()
    handlers.add('engine', 'ctx', { ping: (ctx, _seat, p, now) => got.push(ctx, p.t, now) })
    expect(handlers.handle(seat, { type: 'ping', payload: { t: 7 } }, 99)).toBe(true)
    expect(got).toEqual(['ctx', 7, 99])
    // A world room has no event table: it refuses `event.*` as before ('this is not an event room').
    expect(handlers.handle(seat, { type: 'event.live', payload: { live: true } }, 99)).toBe(false)
  })

  it('never see an unknown type: the registry refuses it before any table is asked', () => {
    for (const type of ['teleport', '*', '__no_message_handler', 'constructor', 7, null]) {
      let error: unknown
      try {
        parseClientMessage(type, {})
      } catch (err) {
        error = err
      }
      expect(error).toBeInstanceOf(ProtocolError)
      expect((error as ProtocolError).code).toBe('unknown_type')
    }
  })
})
