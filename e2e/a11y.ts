// axe-core (Deque's rules) inside every end-to-end test: each page a test opens is checked when
// it shows something new (a page, a panel, a dialog, a toolbar: any landmark or labelled region
// that appears), while the test goes on, and the test fails at its end when a check found a
// serious or critical violation. Contexts made through newSettingsPage and Playwright's own
// `page` fixture are watched; `test` from ./test does the asserting.
import axe from 'axe-core'
import type { AxeResults, Result, RunOptions } from 'axe-core'
import type { BrowserContext, Page } from '@playwright/test'

/** Impacts that fail a test. Moderate and minor ones are attached to the report, not failed. */
const FAILING = new Set(['serious', 'critical'])
/** What appearing in the DOM asks for a check: the app's landmarks, panels and dialogs. */
const WATCHED =
  'main, header, nav, aside, dialog, form, [role="dialog"], [role="alertdialog"], ' +
  '[role="toolbar"], [role="region"], [role="status"], section[aria-label], ' +
  'section[aria-labelledby], [data-testid$="panel"]'
/**
 * axe's experimental rules that this product holds itself to as well: a control's name contains
 * its visible text (WCAG 2.5.3), focusable elements have a role, pages work in both orientations.
 */
const EXPERIMENTAL = [
  'label-content-name-mismatch',
  'focus-order-semantics',
  'css-orientation-lock',
  'p-as-heading',
  'table-fake-caption',
  'td-has-header',
]
/**
 * What every check runs: axe's rules, with the experimental ones above turned on. Only
 * violations are read, so axe keeps one node of each other result type rather than every
 * passing node of the page (less to collect and to send back from the page).
 */
const RUN_OPTIONS: RunOptions = {
  rules: Object.fromEntries(EXPERIMENTAL.map((id) => [id, { enabled: true }])),
  resultTypes: ['violations'],
}
/** A page's panel that keeps appearing (a toast, a list that re-renders) is checked once: CI time. */
const CHECKS_PER_REASON = 1

export interface Finding {
  rule: string
  impact: string
  help: string
  where: string
  url: string
  targets: string[]
}

interface Run {
  /** Checks Playwright cut short when the test body ended: run again before the context closes. */
  cut: { page: Page; where: string }[]
  findings: Finding[]
  minor: Finding[]
  checks: number
  queue: Promise<void>
  seen: WeakMap<Page, Map<string, number>>
}

let run: Run | null = null

/** Starts collecting for one test (the fixture calls it). */
export function beginChecks() {
  run = {
    cut: [],
    findings: [],
    minor: [],
    checks: 0,
    queue: Promise.resolve(),
    seen: new WeakMap(),
  }
}

/** Waits for the checks still queued and returns what the test's pages showed. */
export async function endChecks() {
  const r = run
  run = null
  if (!r) return { findings: [], minor: [], checks: 0 }
  await r.queue
  return { findings: r.findings, minor: r.minor, checks: r.checks }
}

// The page's half: a debounced report of watched elements that appeared, through a binding.
// Plain source text (not a function) so tsx's keepNames helper never reaches the page.
const OBSERVER = `(() => {
  const watched = ${JSON.stringify(WATCHED)}
  const reasons = new Set()
  let timer = 0
  const name = (el) => {
    const id = el.getAttribute('data-testid') || el.getAttribute('aria-label') || el.id
    return el.tagName.toLowerCase() + (id ? '[' + id.slice(0, 40) + ']' : '')
  }
  const report = (el) => {
    reasons.add(name(el))
    clearTimeout(timer)
    timer = setTimeout(() => {
      const list = [...reasons].sort().join(', ')
      reasons.clear()
      if (typeof window.__cqAxe === 'function') window.__cqAxe(list).catch(() => {})
    }, 400)
  }
  const start = () => {
    new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (n.nodeType !== 1) continue
          if (n.matches(watched)) report(n)
          else {
            const inner = n.querySelector(watched)
            if (inner) report(inner)
          }
        }
      }
    }).observe(document.documentElement, { subtree: true, childList: true })
  }
  if (document.documentElement) start()
  else document.addEventListener('DOMContentLoaded', start)
})()`

const watchedContexts = new WeakSet<BrowserContext>()
/** Contexts closing or closed: what their pages report now is not checked. */
const closingContexts = new WeakSet<BrowserContext>()

/** Resolves when the checks queued so far are done (before a context or browser closes). */
export function settleChecks(): Promise<void> {
  return run?.queue ?? Promise.resolve()
}

/** Settles, then runs again the checks that the end of the test body cut short (fixture teardown). */
export async function finishChecks(): Promise<void> {
  const r = run
  if (!r) return
  await r.queue
  for (const { page, where } of r.cut.splice(0)) schedule(page, where, true)
  await r.queue
}

/**
 * Checks every page of `ctx` whenever it shows a new landmark, panel or dialog. Closing the
 * context waits for its pages' queued checks first.
 */
export async function watchA11y(ctx: BrowserContext) {
  if (watchedContexts.has(ctx)) return
  watchedContexts.add(ctx)
  const close = ctx.close.bind(ctx)
  ctx.close = async (options) => {
    await settleChecks()
    closingContexts.add(ctx)
    return close(options)
  }
  ctx.once('close', () => closingContexts.add(ctx))
  await ctx.exposeBinding('__cqAxe', ({ page }, reason: string) => {
    // A report can arrive as the context closes (a panel that appeared as the test ended): a
    // check of a page that is going away proves nothing.
    if (!closingContexts.has(ctx)) schedule(page, String(reason).slice(0, 300))
  })
  await ctx.addInitScript({ content: OBSERVER })
}

/** Checks `page` now (a state the observer would not notice), waiting for the result. */
export function checkA11y(page: Page, where: string): Promise<void> {
  schedule(page, where, true)
  return settleChecks()
}

function schedule(page: Page, reason: string, always = false) {
  const r = run
  if (!r) return
  let seen = r.seen.get(page)
  if (!seen) r.seen.set(page, (seen = new Map()))
  const times = seen.get(reason) ?? 0
  if (!always && times >= CHECKS_PER_REASON) return
  seen.set(reason, times + 1)
  r.queue = r.queue
    .then(() => analyse(r, page, reason))
    .catch((err: unknown) => {
      // A check that could not run is not a pass.
      r.findings.push({
        rule: 'axe-failed',
        impact: 'critical',
        help: String(err).slice(0, 300),
        where: reason,
        url: page.isClosed() ? '(closed)' : page.url(),
        targets: [],
      })
    })
}

async function analyse(r: Run, page: Page, where: string) {
  const ctx = page.context()
  if (page.isClosed() || closingContexts.has(ctx)) return
  let results
  try {
    // A context that closes while axe runs must not leave the check waiting for ever (CI run
    // 28, with AxeBuilder's page of its own that a closing context never gave): stop waiting
    // when the page or its context closes.
    let onClose = () => {}
    const closed = new Promise<null>((resolve) => {
      onClose = () => resolve(null)
      ctx.once('close', onClose)
      page.once('close', onClose)
    })
    try {
      results = await Promise.race([runAxe(page), closed])
    } finally {
      ctx.off('close', onClose)
      page.off('close', onClose)
    }
    if (results === null) return
  } catch (err) {
    // The test moved on: the page closed or navigated while axe ran. What it shows next is
    // checked when it appears.
    if (page.isClosed() || /closed|destroyed|navigat|detached/i.test(String(err))) return
    if (/Test ended/i.test(String(err))) {
      r.cut.push({ page, where })
      return
    }
    throw err
  }
  r.checks++
  const url = page.url()
  for (const v of results.violations as Result[]) {
    const finding: Finding = {
      rule: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      where,
      url,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }
    const list = FAILING.has(finding.impact) ? r.findings : r.minor
    if (!list.some((f) => f.rule === finding.rule && f.targets.join() === finding.targets.join()))
      list.push(finding)
  }
}

/**
 * axe.run on the page's document. axe-core (1.3 MB of source) goes into a document once, on its
 * first check, not on every check as @axe-core/playwright's AxeBuilder does (twice, with a blank
 * page of its own to assemble the results: 587 s of the e2e run's steps for 212 checks, CI run
 * 34). The app has no frames, so the main document is the whole page. Expressions are strings so
 * that tsx's keepNames helper never reaches the page.
 */
async function runAxe(page: Page): Promise<AxeResults> {
  if (!(await page.evaluate('typeof window.axe?.run === "function"')))
    await page.evaluate(axe.source)
  return (await page.evaluate(`axe.run(document, ${JSON.stringify(RUN_OPTIONS)})`)) as AxeResults
}

export function describeFindings(findings: Finding[]): string {
  return findings
    .map(
      (f) =>
        `${f.impact} ${f.rule} (${f.help}) when ${f.where} appeared at ${f.url}:\n` +
        f.targets.map((t) => `    ${t}`).join('\n'),
    )
    .join('\n')
}
