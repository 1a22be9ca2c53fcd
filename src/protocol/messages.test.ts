import { describe, expect, it } from 'vitest'
import {
  CHAT_MAX_CHARS,
  CLOSE_REASON_MAX_BYTES,
  ERROR_MESSAGE_MAX_CHARS,
  closeReason,
  describeType,
  MAX_MESSAGE_BYTES,
  parseClientMessage,
  ProtocolError,
  RateLimiter,
  cleanName,
  cleanText,
  impersonates,
  dequantizeHeading,
  dequantizePos,
  packColor,
  quantizeHeading,
  quantizePos,
  unpackColor,
} from './messages'

function codeOf(type: unknown, payload: unknown): string {
  try {
    parseClientMessage(type, payload)
  } catch (err) {
    if (err instanceof ProtocolError) return err.code
    throw err
  }
  return 'ok'
}

describe('parseClientMessage', () => {
  it('accepts and types well-formed messages', () => {
    const m = parseClientMessage('pose', { x: 1, y: 2, z: 3, h: 0.5, a: 'walk' })
    expect(m).toEqual({ type: 'pose', payload: { x: 1, y: 2, z: 3, h: 0.5, a: 'walk' } })
    expect(parseClientMessage('chat', { text: '  你好  ' }).payload).toEqual({ text: '你好' })
  })

  it('rejects unknown types, including prototype keys', () => {
    expect(codeOf('teleport', {})).toBe('unknown_type')
    expect(codeOf('__proto__', {})).toBe('unknown_type')
    expect(codeOf('constructor', {})).toBe('unknown_type')
    expect(codeOf(42, {})).toBe('unknown_type')
  })

  it('rejects wrong shapes, NaN and Infinity', () => {
    expect(codeOf('pose', { x: 1, y: 2, z: 3, h: 0, a: 'fly' })).toBe('bad_shape')
    expect(codeOf('pose', { x: NaN, y: 2, z: 3, h: 0, a: 'idle' })).toBe('bad_shape')
    expect(codeOf('pose', { x: Infinity, y: 2, z: 3, h: 0, a: 'idle' })).toBe('bad_shape')
    expect(codeOf('pose', null)).toBe('bad_shape')
    expect(codeOf('emote', { emote: 'moonwalk' })).toBe('bad_shape')
    // Sitting is a pose's state, not a gesture message.
    expect(codeOf('pose', { x: 1, y: 2, z: 3, h: 0, a: 'sit' })).toBe('ok')
    expect(codeOf('emote', { emote: 'sit' })).toBe('bad_shape')
    expect(codeOf('chat', { text: '   ' })).toBe('bad_shape')
    expect(codeOf('chat', { text: 'x'.repeat(CHAT_MAX_CHARS + 1) })).toBe('bad_shape')
  })

  it('rejects oversized and unserialisable payloads before parsing them', () => {
    expect(codeOf('chat', { text: 'x'.repeat(MAX_MESSAGE_BYTES) })).toBe('too_large')
    const loop: Record<string, unknown> = {}
    loop.self = loop
    expect(codeOf('chat', loop)).toBe('too_large')
  })

  it('refuses any type without calling its toString or valueOf', () => {
    const hostile = { toString: 'x', valueOf: 'y' } // as msgpack decodes them from a client
    const trap = {
      toString() {
        throw new Error('called')
      },
    }
    for (const type of [hostile, trap, [1], null, undefined, Symbol('s'), 10n, NaN, () => 1]) {
      expect(codeOf(type, {})).toBe('unknown_type')
    }
    expect(() => parseClientMessage(hostile, {})).toThrow('unknown message type an object')
    expect(() => parseClientMessage('x'.repeat(5000), {})).toThrow(/^unknown message type "x{40}"$/)
    expect(describeType('a\u0000\u202eb')).toBe('"a b"')
    expect(describeType(-Infinity)).toBe('a non-finite number')
  })

  it('keeps refusal messages short whatever the payload', () => {
    try {
      parseClientMessage('pose', { x: 1, y: 2, z: 3, h: 0, a: 'x'.repeat(900) })
      expect.unreachable()
    } catch (err) {
      expect((err as ProtocolError).code).toBe('bad_shape')
      expect((err as Error).message.length).toBeLessThanOrEqual(ERROR_MESSAGE_MAX_CHARS)
    }
  })
})

describe('closeReason', () => {
  it('cuts to 123 bytes of UTF-8 without splitting a character', () => {
    const bytes = (s: string) => new TextEncoder().encode(s).length
    expect(closeReason('too many refused messages')).toBe('too many refused messages')
    expect(bytes(closeReason('x'.repeat(500)))).toBe(CLOSE_REASON_MAX_BYTES)
    const cjk = closeReason('苍穹'.repeat(100)) // 3 bytes each: 41 fit
    expect(cjk).toBe('苍穹'.repeat(20) + '苍')
    expect(bytes(closeReason('😀'.repeat(100)))).toBe(120)
    expect(closeReason('a\u0000b')).toBe('a b')
  })
})

describe('RateLimiter', () => {
  it('allows a burst, then the steady rate', () => {
    const r = new RateLimiter(2, 3, 0)
    expect([r.take(0), r.take(0), r.take(0), r.take(0)]).toEqual([true, true, true, false])
    expect(r.take(400)).toBe(false) // 0.8 tokens refilled
    expect(r.take(500)).toBe(true) // 1.0
    expect(r.take(10_000)).toBe(true)
  })
})

describe('state encoding', () => {
  it('quantizes positions to 1/16 m and clamps to int16', () => {
    expect(dequantizePos(quantizePos(12.34))).toBeCloseTo(12.34, 1)
    expect(quantizePos(1e6)).toBe(32767)
    expect(quantizePos(-1e6)).toBe(-32767)
  })
  it('round-trips headings within a step', () => {
    for (const h of [0, 1, -1, 3.1, -3.1, 7]) {
      const back = dequantizeHeading(quantizeHeading(h))
      const diff = Math.atan2(Math.sin(back - h), Math.cos(back - h))
      expect(Math.abs(diff)).toBeLessThan((Math.PI * 2) / 256)
    }
  })
  it('packs colours and cleans typed text', () => {
    expect(unpackColor(packColor('#A1b2C3'))).toBe('#a1b2c3')
    expect(packColor('red')).toBe(packColor('#4a7bd0'))
    expect(cleanText(' a\u0000b\u202e  c\n', 24)).toBe('a b c')
    expect(cleanText('😀'.repeat(30), 24)).toBe('😀'.repeat(24))
    expect(cleanText(42, 24)).toBe('')
  })
  it('strips every invisible and format character, and the Hangul fillers', () => {
    const invisible = [
      0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060,
      0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff, 0x3164, 0x115f,
      0x1160, 0xffa0, 0x180e, 0x00ad, 0x061c, 0xe0041,
    ]
    for (const cp of invisible) {
      const c = String.fromCodePoint(cp)
      expect(cleanText(`a${c}b`, 24), cp.toString(16)).toBe('ab')
      // A name of nothing but fillers is no name.
      expect(cleanName(c.repeat(5)), cp.toString(16)).toBe('')
    }
    expect(cleanText('\u3164\u3164', 24)).toBe('')
  })
  it('normalises names (NFKC) and refuses names that pass for the host, staff or the system', () => {
    expect(cleanName('ｍｉｎｇ　Ｌｉ')).toBe('ming Li')
    expect(cleanName('  小明 ')).toBe('小明')
    expect(cleanName(42)).toBe('')
    for (const fake of [
      'host',
      'HOST',
      'H0ST',
      'ｈｏｓｔ',
      'hоst', // Cyrillic о
      'h\u200bost',
      'h\u2060o\ufeffst',
      'Host Bob',
      '[moderator]',
      'rnoderator',
      'Admin',
      'SYSTEM',
      'system!',
      'Cangqiong',
      '主持人',
      '主持人小王',
      '管理员',
      '系统',
      '苍穹',
      '\u3164主持人',
    ]) {
      expect(cleanName(fake), fake).toBe('')
      expect(impersonates(fake), fake).toBe(true)
    }
    for (const fine of ['Ghost', 'Hostel Zhang', '小明', 'Mina', 'alice', 'Bob 2']) {
      expect(cleanName(fine), fine).toBe(fine)
    }
    // The host's own name, and look-alikes of it, are taken for everyone else.
    expect(impersonates('Li Wei', ['Li Wei'])).toBe(true)
    expect(cleanName('LI\u200bWEI', ['Li Wei'])).toBe('')
    expect(cleanName('L1 Wei', ['Li Wei'])).toBe('')
    expect(cleanName('Li Weiming', ['Li Wei'])).toBe('Li Weiming')
  })
})
