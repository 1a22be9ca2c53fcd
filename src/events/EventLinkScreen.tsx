// What a visitor who followed an event link sees until the event's world opens: the tries
// ("try 2 of 4") and why the last one failed, then a readable error with Retry and a way to the
// directory. Never the directory by surprise. Small and in the first bundle (App mounts it).
import { useEffect, useRef } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { fill } from '../app/format'
import { addStrings, useT } from '../i18n'
import { useEventLink } from './linkStore'
import type { Language } from '../state/settings'
import { followEvent, forgetEvent } from './link'

const LINK_STRINGS = {
  'eventLink.opening': { 'zh-CN': '正在打开活动…', en: 'Opening the event…' },
  'eventLink.try': { 'zh-CN': '第 {n} 次尝试，共 {total} 次', en: 'try {n} of {total}' },
  'eventLink.lastFailed': { 'zh-CN': '上一次失败：{why}', en: 'The last try failed: {why}' },
  'eventLink.failedTitle': { 'zh-CN': '无法打开这个活动', en: 'This event cannot be opened' },
  'eventLink.failed': {
    'zh-CN': '多次尝试后仍然无法读取活动：{why}',
    en: 'The event could not be loaded, even after several tries: {why}',
  },
  'eventLink.notFound': {
    'zh-CN': '这个活动不存在（链接可能有误，或活动已被删除）。',
    en: 'This event does not exist (the link may be wrong, or the event was removed).',
  },
  'eventLink.ended': { 'zh-CN': '这个活动已经结束。', en: 'This event has ended.' },
  'eventLink.retry': { 'zh-CN': '重试', en: 'Try again' },
  'eventLink.back': { 'zh-CN': '返回世界列表', en: 'Back to the worlds' },
} satisfies Record<string, Record<Language, string>>
addStrings(LINK_STRINGS)

/** A deep link that is loading or failed: shown over everything, in place of the directory. */
export function EventLinkScreen() {
  const t = useT()
  const link = useEventLink(
    useShallow((s) => ({
      id: s.id,
      status: s.status,
      error: s.error,
      attempt: s.attempt,
      attempts: s.attempts,
      lastError: s.lastError,
    })),
  )
  const retryRef = useRef<HTMLButtonElement>(null)
  const backRef = useRef<HTMLButtonElement>(null)
  const failed = link.status === 'error'
  const ended = link.error?.code === 'event_ended'
  useEffect(() => {
    if (failed) (retryRef.current ?? backRef.current)?.focus()
  }, [failed])

  if (link.status === 'loading') {
    return (
      <div className="loading" data-testid="event-link" data-state="loading">
        <div className="box" role="status" aria-live="polite">
          <h2>{t('eventLink.opening')}</h2>
          <div className="bar indeterminate" aria-hidden>
            <div />
          </div>
          {link.attempts > 0 && (
            <p className="label" data-testid="event-link-try">
              {fill(t('eventLink.try'), { n: link.attempt, total: link.attempts })}
            </p>
          )}
          {link.lastError && (
            <p className="label">{fill(t('eventLink.lastFailed'), { why: link.lastError })}</p>
          )}
        </div>
      </div>
    )
  }
  if (!failed || !link.error || !link.id) return null
  const id = link.id
  const message =
    link.error.code === 'unknown_event'
      ? t('eventLink.notFound')
      : ended
        ? t('eventLink.ended')
        : fill(t('eventLink.failed'), { why: link.error.message })
  return (
    <div className="backdrop">
      <section
        className="panel error-panel"
        role="alertdialog"
        aria-labelledby="event-link-title"
        aria-describedby="event-link-why"
        data-testid="event-link"
        data-state="error"
        data-code={link.error.code}
      >
        <h2 id="event-link-title">{t('eventLink.failedTitle')}</h2>
        <p id="event-link-why">{message}</p>
        <div className="actions">
          {!ended && (
            <button
              ref={retryRef}
              className="btn"
              data-testid="event-link-retry"
              onClick={() => void followEvent(id)}
            >
              {t('eventLink.retry')}
            </button>
          )}
          <button
            ref={backRef}
            className="btn primary"
            data-testid="event-link-back"
            onClick={() => forgetEvent()}
          >
            {t('eventLink.back')}
          </button>
        </div>
      </section>
    </div>
  )
}
