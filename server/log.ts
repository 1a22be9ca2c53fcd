// Structured logs of the server process: pino writes one JSON line per event to stdout (no
// pretty printer: that would be one more dependency). Child loggers carry a request id (HTTP)
// or a room and session id (rooms), so one visitor's lines can be followed.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { pino, type Logger } from 'pino'

export type { Logger }

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

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

/** One parsed log line, as tests read it (see captureLogs). */
export interface LogEntry {
  level: string
  msg: string
  [field: string]: unknown
}

/** Tests' readers of the log; while one is there, lines go to it instead of stdout. */
const captures = new Set<LogEntry[]>()

function write(line: string) {
  if (captures.size > 0) {
    const entry = JSON.parse(line) as LogEntry
    for (const entries of captures) entries.push(entry)
    return
  }
  process.stdout.write(terminal ? readableLine(line) : line)
}

/** The process's logger. main.ts sets its level from LOG_LEVEL once the config is read. */
export const log: Logger = pino(
  {
    level: process.env.LOG_LEVEL || 'info',
    base: { pid: process.pid },
    // `time` as an ISO string is easier to read and to search than epoch milliseconds.
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  { write },
)

/**
 * For tests: every line the process logger (and its children) writes from now on, parsed,
 * until `stop()`. Lines captured are not printed.
 */
export function captureLogs(): { entries: LogEntry[]; stop(): void } {
  const entries: LogEntry[] = []
  captures.add(entries)
  return { entries, stop: () => captures.delete(entries) }
}

export function setLogLevel(level: LogLevel) {
  log.level = level
}

/**
 * At most `max` characters of text that may come from outside (client input, remote errors),
 * on one line: control characters (escape sequences a terminal would obey) become spaces.
 */
export function clip(text: unknown, max = 200): string {
  const raw = typeof text === 'string' ? text : text instanceof Error ? text.message : String(text)
  // eslint-disable-next-line no-control-regex
  const s = raw.replace(/[\u0000-\u001f\u007f]+/g, ' ')
  return s.length > max ? `${s.slice(0, max)}…` : s
}

/** An error as a bounded log field: name and message, not the whole object. */
export function errorField(err: unknown): { name: string; message: string } {
  return {
    name: err instanceof Error ? err.name : typeof err,
    message: clip(err, 500),
  }
}

const requestLogs = new WeakMap<IncomingMessage, Logger>()

/**
 * A logger for one HTTP request: its id (a client's X-Request-Id when sane) on every line.
 * Given the request, handlers further on find it with `logFor(req)`.
 */
export function requestLogger(
  header: string | string[] | undefined,
  req?: IncomingMessage,
): Logger {
  const given = typeof header === 'string' && /^[\w.:-]{1,64}$/.test(header) ? header : null
  const child = log.child({ reqId: given ?? randomUUID() })
  if (req) requestLogs.set(req, child)
  return child
}

/** The request's logger (its reqId on the line), or the process's. */
export function logFor(req: IncomingMessage): Logger {
  return requestLogs.get(req) ?? log
}

/** A logger for one visitor in one room. */
export function sessionLogger(roomId: string, sessionId: string): Logger {
  return log.child({ roomId, sessionId })
}
