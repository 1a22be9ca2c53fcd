// background(): a failure of work nobody awaits becomes one bounded log line, repeated
// failures of the same work are counted instead of logged, and nothing is left unhandled.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { background, errorText } from './background'

afterEach(() => vi.restoreAllMocks())

const settled = () => new Promise((r) => setTimeout(r, 0))

describe('background', () => {
  it('logs a rejection in one bounded line and leaves nothing unhandled', async () => {
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: string) => lines.push(line))
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
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\[t\] one failed: bad \[31mx+…$/)
    expect(lines[0]!.length).toBeLessThan(260)
  })

  it('logs the same failure once while it repeats', async () => {
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: string) => lines.push(line))
    for (let i = 0; i < 50; i++) background(Promise.reject(new Error('down')), '[t] repeat')
    background(Promise.reject(new Error('other')), '[t] another')
    await settled()
    expect(lines).toEqual(['[t] repeat failed: down', '[t] another failed: other'])
  })

  it('names what was thrown, whatever it is', () => {
    expect(errorText('plain')).toBe('plain')
    expect(errorText(undefined)).toBe('undefined')
    expect(errorText(new Error(''))).toBe('Error')
    expect(errorText(' \n ')).toBe('unknown error')
  })
})
