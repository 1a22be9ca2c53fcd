// The accessibility harness itself (e2e/a11y.ts): a check that cannot fail proves nothing, so a
// page with known violations must give findings, and a clean one none. The pages hold nothing the
// harness's observer watches (no landmark, panel or dialog), so the only checks are these.
import { beginChecks, checkA11y, endChecks } from './a11y'
import { expect, test } from './test'

test('harness: axe reports a nameless button and an image without text, and passes a clean page', async ({
  page,
}) => {
  await page.setContent(
    '<html lang="en"><title>t</title><div><h1>Broken</h1><button></button><img src="data:,"></div></html>',
  )
  await checkA11y(page, 'broken page')
  const broken = await endChecks()
  expect(broken.checks).toBe(1)
  expect(broken.findings.map((f) => f.rule).sort()).toEqual(['button-name', 'image-alt'])
  expect(broken.findings.every((f) => f.impact === 'critical')).toBe(true)

  beginChecks()
  await page.setContent(
    '<html lang="en"><title>t</title><div><h1>Fine</h1><button>Go</button><img src="data:," alt="A dot"></div></html>',
  )
  await checkA11y(page, 'clean page')
  const clean = await endChecks()
  expect(clean).toMatchObject({ checks: 1, findings: [] })
  // The test fixture's own check of this test continues from a fresh run.
  beginChecks()
})
