// `npm start`: starts every part of the product with its embedded default and logs the one URL
// to open (JSON lines, see log.ts). SIGTERM or Ctrl-C (SIGINT) drains: new requests get 503,
// visitors are told and given half of DRAIN_TIMEOUT_S, then everything stops; the process exits
// within DRAIN_TIMEOUT_S even if a part hangs. A second signal (2 s or more after the
// first) exits at once.
import { ConfigError, loadConfig } from './config'
import { startServer } from './app'
import { logUnhandledRejections } from './background'
import { errorField, log, setLogLevel } from './log'
import { cleanText } from '../src/protocol/messages'

/** A second SIGINT/SIGTERM within this long of the first is the same one, delivered twice. */
const SAME_SIGNAL_MS = 2000

/** A thrown value as one short log line: its text may come from a visitor. */
function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : `thrown ${typeof err}`
  return cleanText(text, 300)
}

async function main() {
  logUnhandledRejections()
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      log.fatal({ part: 'config', reason: err.message }, 'bad configuration')
      process.exit(2)
    }
    throw err
  }
  setLogLevel(config.ops.logLevel)
  const server = await startServer(config)
  // Last line of defence, not the fix: rooms refuse bad input and log their own faults. Whatever
  // still escapes is logged and the process keeps serving every other room and visitor
  // (rejections: logUnhandledRejections above).
  process.on('uncaughtException', (err) =>
    log.error({ error: describeError(err) }, 'uncaught exception'),
  )
  const boundS = config.ops.drainTimeoutS

  let firstSignalAt: number | null = null
  const shutdown = (signal: string) => {
    if (firstSignalAt !== null) {
      // Ctrl-C on `npm start` arrives twice: from the terminal (the whole process group) and
      // relayed by npm to its child. Only a press some time later means "stop waiting".
      if (performance.now() - firstSignalAt < SAME_SIGNAL_MS) return
      log.warn({ signal }, 'signal again: exiting now')
      process.exit(130)
    }
    firstSignalAt = performance.now()
    log.info({ signal, drainTimeoutS: boundS }, 'draining')
    // The bound holds whatever hangs (a room's dispose, the database, the chain).
    setTimeout(() => {
      log.error({ drainTimeoutS: boundS }, 'drain did not finish in time: exiting')
      process.exit(1)
    }, boundS * 1000)
    server.stop(Math.floor(boundS / 2)).then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ error: errorField(err) }, 'drain failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))

  // Scripts and tests find the URL with /Open (http\S+)/ and want it once in the output: keep
  // a space after it, and no copy of it in a field.
  log.info({ client: config.client }, `Open ${server.url} (苍穹 Cangqiong is running)`)
}

main().catch((err: unknown) => {
  log.fatal({ error: errorField(err) }, 'failed to start')
  process.exit(1)
})
