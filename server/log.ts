// Structured logs of the server process: pino writes one JSON line per event to stdout (no
// pretty printer: that would be one more dependency). Child loggers carry a request id (HTTP)
// or a room and session id (rooms), so one visitor's lines can be followed.
import { randomUUID } from 'node:crypto'
import { pino, type Logger } from 'pino'
import type { LogLevel } from './config'

export type { Logger }

/** The process's logger. main.ts sets its level from LOG_LEVEL once the config is read. */
export const log: Logger = pino({
  level: process.env.LOG_LEVEL || 'info',
  base: { pid: process.pid },
  // `time` as an ISO string is easier to read and to search than epoch milliseconds.
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
})

export function setLogLevel(level: LogLevel) {
  log.level = level
}

/** At most `max` characters of text that may come from outside (client input, remote errors). */
export function clip(text: unknown, max = 200): string {
  const s = typeof text === 'string' ? text : text instanceof Error ? text.message : String(text)
  return s.length > max ? `${s.slice(0, max)}…` : s
}

/** An error as a bounded log field: name and message, not the whole object. */
export function errorField(err: unknown): { name: string; message: string } {
  return {
    name: err instanceof Error ? err.name : typeof err,
    message: clip(err, 500),
  }
}

/** A logger for one HTTP request: its id (a client's X-Request-Id when sane) on every line. */
export function requestLogger(header: string | string[] | undefined): Logger {
  const given = typeof header === 'string' && /^[\w.:-]{1,64}$/.test(header) ? header : null
  return log.child({ reqId: given ?? randomUUID() })
}

/** A logger for one visitor in one room. */
export function sessionLogger(roomId: string, sessionId: string): Logger {
  return log.child({ roomId, sessionId })
}
