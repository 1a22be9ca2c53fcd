// Structured logs of the server process: pino writes one JSON line per event to stdout (no
// pretty printer: that would be one more dependency). Child loggers carry a request id (HTTP)
// or a room and session id (rooms), so one visitor's lines can be followed.
import { randomUUID } from 'node:crypto'
import { pino, type Logger } from 'pino'
import type { LogLevel } from './config'

export type { Logger }

const LEVEL_TAGS: Record<string, string> = { warn: 'WARN ', error: 'ERROR ', fatal: 'FATAL ' }

/**
 * One JSON log line as a person reads it in a terminal: `12:00:01 message key=value …`.
 * Used only when stdout is a terminal (npm start by hand); pipes and files get the JSON.
 */
export function readableLine(json: string): string {
  let o: Record<string, unknown>
  try {
    o = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json
  }
  const { level, time, msg, pid: _pid, ...rest } = o
  const clock = typeof time === 'string' ? time.slice(11, 19) : ''
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ')
  const tag = LEVEL_TAGS[String(level)] ?? ''
  return `${clock} ${tag}${String(msg ?? '')}${fields ? `  ${fields}` : ''}\n`
}

const terminal = process.stdout.isTTY && process.env.LOG_FORMAT !== 'json'

/** The process's logger. main.ts sets its level from LOG_LEVEL once the config is read. */
export const log: Logger = pino(
  {
    level: process.env.LOG_LEVEL || 'info',
    base: { pid: process.pid },
    // `time` as an ISO string is easier to read and to search than epoch milliseconds.
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  terminal ? { write: (line: string) => process.stdout.write(readableLine(line)) } : undefined,
)

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
