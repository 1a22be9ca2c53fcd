// The server logs only through server/log.ts: lint refuses a bare console call in server code
// (it would bypass levels, JSON lines and the request and room ids), and lets tests use one.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

// Linted as existing server files: their type-aware rules need the file in the TypeScript project.
async function rulesFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message)
}

// The first lint of a server file builds the TypeScript program: minutes on a busy machine.
const BUILD_MS = 600_000

describe('server logging lint', () => {
  it(
    'refuses console in server code, rooms and the entry point included',
    async () => {
      const code = [
        "import { log } from './log'",
        "log.info({ n: 1 }, 'fine')",
        "console.log('x')",
        "console.error('x')",
        "console.warn('x')",
        '',
      ].join('\n')
      expect(await rulesFor('server/background.ts', code)).toEqual([
        'no-console',
        'no-console',
        'no-console',
      ])
      expect(await rulesFor('server/rooms/WorldRoom.ts', "console.error('x')\n")).toEqual([
        'no-console',
      ])
      expect(await rulesFor('server/main.ts', "console.error('x')\n")).toEqual(['no-console'])
    },
    BUILD_MS,
  )

  it('lets server tests use console', async () => {
    expect(await rulesFor('server/background.test.ts', "console.log('x')\n")).toEqual([])
  })
})
