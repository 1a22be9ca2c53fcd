// Gifts on the HUD: the visitor's own offer from start to the chain (GiftCards), the offers made
// to them with what the server verified and the issuer's rules (accept or decline), and the
// "Give…" control in the wallet's card of an item (GiveAction: the people near enough).
import { useEffect, useState } from 'react'
import { fill, shortAddress } from '../app/format'
import { useT } from '../i18n'
import { useNet } from '../state/net'
import { useSettings } from '../state/settings'
import { localMotion } from '../state/player'
import { remotes } from '../net/remotes'
import type { CollectibleActionProps } from '../wallet/slots'
import { CirculationRules } from '../wallet/CirculationRules'
import { useWallet } from '../wallet/store'
import { signAndGive } from './sign'
import { FINISHED, useGifts, type Incoming, type Outgoing, type Refusal } from './store'
import './strings'
import './gifts.css'

/** How close the recipient must stand (the server's GIFT_NEAR_M). */
export const GIFT_NEAR_M = 12

type T = ReturnType<typeof useT>

function reasonText(t: T, lang: string, r: Refusal | undefined): string {
  if (!r) return ''
  const key = `gift.reason.${r.code}`
  const known = t(key)
  // A code without words of its own (a chain's refusal) says what the server said.
  const reason = known === key ? r.message : known
  if (!r.until) return reason
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(r.until)
  return fill(t('gift.reason.until'), { reason, date })
}

function OutgoingCard({ out }: { out: Outgoing }) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const gifts = useGifts()
  const v = {
    name: out.name,
    to: out.to.name,
    block: out.block ?? '',
    error: out.error ?? '',
    reason: reasonText(t, lang, out.refusal),
  }
  const finished = FINISHED.has(out.state)
  const canTakeBack = ['pending', 'accepted', 'failed'].includes(out.state)
  return (
    <section className={`gift-card out ${out.state}`} data-testid="gift-out" data-state={out.state}>
      <p role="status">
        {fill(
          t(
            out.state === 'accepted' && out.to.address
              ? 'gift.out.toAddress'
              : `gift.out.${out.state}`,
          ),
          v,
        )}
      </p>
      <div className="gift-actions">
        {(out.state === 'accepted' || out.state === 'failed') && (
          <button className="btn primary" onClick={() => void signAndGive()}>
            {out.state === 'failed' ? t('gift.retry') : t('gift.sign')}
          </button>
        )}
        {canTakeBack && (
          <button className="btn" onClick={() => gifts.cancel()}>
            {t('gift.takeBack')}
          </button>
        )}
        {finished && (
          <button className="btn" onClick={() => gifts.dismiss(null)}>
            {t('gift.close')}
          </button>
        )}
      </div>
    </section>
  )
}

function IncomingCard({ offer }: { offer: Incoming }) {
  const t = useT()
  const lang = useSettings((s) => s.language)
  const gifts = useGifts()
  const item = offer.item
  const name = item?.name || fill(t('gift.in.unknown'), { chain: offer.token.chainId })
  const titleId = `gift-in-${offer.id}`
  const v = {
    from: offer.from.name,
    block: offer.block ?? '',
    reason: reasonText(t, lang, offer.refusal),
  }
  return (
    <section
      className={`gift-card in ${offer.state}`}
      role="dialog"
      aria-labelledby={titleId}
      data-testid="gift-in"
      data-state={offer.state}
    >
      <h3 id={titleId}>
        {fill(t(offer.state === 'pending' ? 'gift.in.title' : 'gift.in.titleFrom'), {
          from: offer.from.name,
        })}
      </h3>
      <div className="gift-item">
        {item?.image && <img src={item.image} alt="" referrerPolicy="no-referrer" />}
        <div>
          <b data-testid="gift-name">{name}</b>
          {item?.collection && (
            <small className="muted">
              {item.collection[lang]}
              {item.platform && ` · ${item.platform[lang]}`}
            </small>
          )}
        </div>
      </div>
      {offer.state === 'pending' && (
        <>
          <h4>{t('gift.in.rules')}</h4>
          <div className="gift-rules" data-testid="gift-rules">
            <CirculationRules rules={offer.rules} platform={item?.platform?.[lang] ?? null} />
          </div>
          <div className="gift-actions">
            <button className="btn primary" onClick={() => gifts.answer(offer.id, true)}>
              {t('gift.accept')}
            </button>
            <button className="btn" onClick={() => gifts.answer(offer.id, false)}>
              {t('gift.decline')}
            </button>
          </div>
        </>
      )}
      {offer.state !== 'pending' && (
        <>
          <p role="status">{fill(t(`gift.in.${offer.state}`), v)}</p>
          {FINISHED.has(offer.state) && (
            <div className="gift-actions">
              {offer.state === 'done' && (
                <button
                  className="btn primary"
                  onClick={() => {
                    gifts.dismiss(offer.id)
                    useWallet.getState().openWallet()
                  }}
                >
                  {t('gift.openWallet')}
                </button>
              )}
              <button className="btn" onClick={() => gifts.dismiss(offer.id)}>
                {t('gift.close')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  )
}

/** The visitor's offer and the offers made to them, over the world. */
export function GiftCards() {
  const outgoing = useGifts((s) => s.outgoing)
  const incoming = useGifts((s) => s.incoming)
  if (!outgoing && incoming.length === 0) return null
  return (
    <div className="gift-cards">
      {outgoing && <OutgoingCard out={outgoing} />}
      {incoming.map((o) => (
        <IncomingCard key={o.id} offer={o} />
      ))}
    </div>
  )
}

interface Near {
  id: string
  name: string
  d: number
}

/** The people in the room within reach, nearest first, read again every second. */
function useNearPeople(active: boolean): Near[] {
  const [near, setNear] = useState<Near[]>([])
  useEffect(() => {
    if (!active) return
    const read = () => {
      const { people, sessionId } = useNet.getState()
      const list: Near[] = []
      for (const p of people) {
        const r = remotes.get(p.id)
        if (p.id === sessionId || !r) continue
        const d = Math.hypot(r.motion.x - localMotion.x, r.motion.z - localMotion.z)
        if (d <= GIFT_NEAR_M) list.push({ id: p.id, name: p.name, d })
      }
      list.sort((a, b) => a.d - b.d)
      setNear(list)
    }
    read()
    const timer = setInterval(read, 1000)
    return () => clearInterval(timer)
  }, [active])
  return near
}

/** "Give…" under one of the visitor's own collectibles in the wallet. */
export function GiveAction({ item, closePanel }: CollectibleActionProps) {
  const t = useT()
  const [open, setOpen] = useState(false)
  const send = useGifts((s) => s.send)
  const outgoing = useGifts((s) => s.outgoing)
  const near = useNearPeople(open)
  if (!item.verified) return null
  const busy = outgoing !== null && !FINISHED.has(outgoing.state)
  if (!item.circulation?.transferable) {
    return (
      <div className="gift-give">
        <button className="btn" disabled aria-describedby="gift-give-no" data-testid="give">
          {t('gift.give')}
        </button>
        <span id="gift-give-no" className="muted small">
          {t('wallet.giving.no')}
        </span>
      </div>
    )
  }
  const give = (to: { session?: string; address?: string; name: string }) => {
    const ok = useGifts.getState().offer({
      token: {
        chainId: item.chainId,
        contract: item.contract,
        tokenId: item.tokenId,
        standard: item.standard,
      },
      name: item.name,
      image: item.image,
      to,
    })
    if (ok) closePanel()
  }
  return (
    <div className="gift-give">
      <button
        className="btn"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid="give"
      >
        {t('gift.give')}
      </button>
      {open && (
        <div className="gift-picker" data-testid="give-picker">
          {!send ? (
            <p className="muted small">{t('gift.give.offline')}</p>
          ) : busy ? (
            <p className="muted small">{t('gift.give.busy')}</p>
          ) : (
            <>
              {near.length === 0 ? (
                <p className="muted small">{fill(t('gift.give.nobody'), { m: GIFT_NEAR_M })}</p>
              ) : (
                <p className="small">{t('gift.give.to')}</p>
              )}
              <ul>
                {near.map((p) => (
                  <li key={p.id}>
                    <button
                      className="btn"
                      data-session={p.id}
                      onClick={() => give({ session: p.id, name: p.name })}
                    >
                      {fill(t('gift.give.person'), { name: p.name, d: Math.round(p.d) })}
                    </button>
                  </li>
                ))}
              </ul>
              <ToAddress onGive={(address) => give({ address, name: shortAddress(address) })} />
            </>
          )}
        </div>
      )}
    </div>
  )
}

/** Or to a wallet address (signed in here): no one to ask, so it goes once the wallet signs. */
function ToAddress({ onGive }: { onGive: (address: string) => void }) {
  const t = useT()
  const [value, setValue] = useState('')
  const ok = /^0x[0-9a-fA-F]{40}$/.test(value.trim())
  return (
    <form
      className="gift-address"
      onSubmit={(e) => {
        e.preventDefault()
        if (ok) onGive(value.trim())
      }}
    >
      <label>
        {t('gift.give.address')}
        <input
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="0x…"
          spellCheck={false}
          autoComplete="off"
          data-testid="give-address"
        />
      </label>
      <button className="btn" type="submit" disabled={!ok}>
        {t('gift.give.toAddress')}
      </button>
      <small className="muted">{t('gift.give.addressHint')}</small>
    </form>
  )
}
