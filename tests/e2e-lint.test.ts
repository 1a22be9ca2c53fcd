// The e2e lint rule fires: a waitForFunction whose options sit where the page function's
// argument goes (so its timeout never applies) is an error, and no spec in e2e/ has one.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })
const RULE = 'no-restricted-syntax'

async function rulesFor(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: 'e2e/x.spec.ts' })
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message)
}

describe('e2e waits', () => {
  it('flags options passed as the page function argument', async () => {
    expect(await rulesFor('page.waitForFunction(() => true, WAIT)\n')).toContain(RULE)
    expect(await rulesFor('page.waitForFunction(() => true, { timeout: 5 })\n')).toContain(RULE)
  })

  it('lets options through in third place, and a real argument in second', async () => {
    expect(await rulesFor('page.waitForFunction(() => true, undefined, WAIT)\n')).toEqual([])
    expect(await rulesFor('page.waitForFunction((n) => n > 0, count, { timeout: 5 })\n')).toEqual(
      [],
    )
    expect(await rulesFor('page.waitForFunction((n) => n > 0, count)\n')).toEqual([])
  })

  it('finds no such wait in e2e/', async () => {
    const results = await eslint.lintFiles(['e2e/**/*.ts'])
    const found = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === RULE).map((m) => `${r.filePath}:${m.line}`),
    )
    expect(found).toEqual([])
  })
})
