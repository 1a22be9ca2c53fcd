import { describe, expect, it } from 'vitest'
import { readableLine } from './log'

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
