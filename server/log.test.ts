import { describe, expect, it } from 'vitest'
import http from 'node:http'
import { captureLogs, clip, log, logFor, readableLine, requestLogger } from './log'

describe('readableLine', () => {
  it('turns a JSON log line into one a person reads in a terminal', () => {
    const line = JSON.stringify({
      level: 'warn',
      time: '2026-12-02T11:50:01.123Z',
      pid: 7,
      msg: 'spaces not available',
      part: 'spaces',
      error: { name: 'Error', message: 'no chain' },
    })
    expect(readableLine(line)).toBe(
      '11:50:01 WARN spaces not available  part=spaces error={"name":"Error","message":"no chain"}\n',
    )
    expect(
      readableLine(
        '{"level":"info","time":"2026-12-02T11:50:02.000Z","msg":"Open http://127.0.0.1:2567/ (苍穹)"}',
      ),
    ).toBe('11:50:02 Open http://127.0.0.1:2567/ (苍穹)\n')
    expect(readableLine('not json')).toBe('not json')
  })
})

describe('captureLogs', () => {
  it("hands tests the process logger's lines, children's fields included, until stopped", () => {
    const logs = captureLogs()
    log.child({ roomId: 'r1' }).warn({ code: 'x' }, 'one')
    logs.stop()
    log.info('not seen')
    expect(logs.entries).toMatchObject([{ level: 'warn', msg: 'one', roomId: 'r1', code: 'x' }])
  })
})

describe('log fields from outside', () => {
  it('are bounded and on one line', () => {
    expect(clip(`a\u001b[31m\r\nb${'c'.repeat(500)}`, 10)).toBe('a [31m bcc…')
    expect(clip(new Error('bad'))).toBe('bad')
  })

  it("find a request's logger (its reqId) further on, and the process's for another", () => {
    const req = new http.IncomingMessage(null as never)
    const other = new http.IncomingMessage(null as never)
    requestLogger('abc-123', req)
    const logs = captureLogs()
    logFor(req).error('in a handler')
    logFor(other).error('elsewhere')
    logs.stop()
    expect(logs.entries.map((e) => [e.msg, e.reqId])).toEqual([
      ['in a handler', 'abc-123'],
      ['elsewhere', undefined],
    ])
  })
})
