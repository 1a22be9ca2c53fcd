// The `test` every spec uses: Playwright's, with axe-core watching each page the test opens
// (e2e/a11y.ts). A serious or critical violation anywhere fails the test at its end, with the
// rule, where it appeared and the elements; moderate and minor ones are attached to the report.
import { test as base, expect } from '@playwright/test'
import { beginChecks, describeFindings, endChecks, finishChecks, watchA11y } from './a11y'

export const test = base.extend<{ a11y: void }>({
  context: async ({ context }, use) => {
    await watchA11y(context)
    await use(context)
    await finishChecks()
  },
  a11y: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from it
    async ({}, use, testInfo) => {
      beginChecks()
      await use()
      const { findings, minor, checks } = await endChecks()
      if (minor.length > 0)
        await testInfo.attach('axe-minor', {
          body: describeFindings(minor),
          contentType: 'text/plain',
        })
      testInfo.annotations.push({ type: 'axe', description: `${checks} checks` })
      if (process.env.AXE_LOG)
        console.log(
          `axe: ${checks} checks, ${findings.length} failing, ${minor.length} minor\n${describeFindings(minor)}`,
        )
      expect(
        findings,
        `axe found serious or critical violations:\n${describeFindings(findings)}`,
      ).toEqual([])
    },
    { auto: true },
  ],
})

export { expect }
