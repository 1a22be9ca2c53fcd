// background(): a failure of work nobody awaits becomes one bounded log line, repeated
// failures of the same work are counted instead of logged, and nothing is left unhandled.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { background, errorText } from './background'
import { captureLogs, type LogEntry } from './log'

let logs: { entries: LogEntry[]; stop(): void }
beforeEach(() => (logs = captureLogs()))
afterEach(() => logs.stop())
const failures = () => logs.entries.filter((e) => e.msg === 'background work failed')

const settled = () => new Promise((r) => setTimeout(r, 0))

describe('background', () => {
  it('logs a rejection in one bounded line and leaves nothing unhandled', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      background(Promise.reject(new Error(`bad\n\u001b[31m${'x'.repeat(5000)}`)), '[t] one')
      background(Promise.resolve(1), '[t] fine')
      background(undefined, '[t] not a promise')
      await settled()
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
    expect(unhandled).toEqual([])
    expect(failures()).toHaveLength(1)
    const [line] = failures()
    expect(line).toMatchObject({ level: 'error', work: '[t] one' })
    expect(line!.reason).toMatch(/^bad \[31mx+…$/)
    expect(String(line!.reason).length).toBeLessThan(210)
  })

  it('logs the same failure once while it repeats', async () => {
    for (let i = 0; i < 50; i++) background(Promise.reject(new Error('down')), '[t] repeat')
    background(Promise.reject(new Error('other')), '[t] another')
    await settled()
    expect(failures().map((e) => [e.work, e.reason])).toEqual([
      ['[t] repeat', 'down'],
      ['[t] another', 'other'],
    ])
  })

  it('names what was thrown, whatever it is', () => {
    expect(errorText('plain')).toBe('plain')
    expect(errorText(undefined)).toBe('undefined')
    expect(errorText(new Error(''))).toBe('Error')
    expect(errorText(' \n ')).toBe('unknown error')
  })
})
