// An issuer's circulation rules in words: the wallet's card of an item and the gifts feature's
// offer card both say them this way. Its strings are its own (small), so a feature that shows
// the rules does not pull in the wallet panel's chunk.
import type { Circulation } from '../chain/types'
import { fill } from '../app/format'
import { addStrings, useT } from '../i18n'
import type { Language } from '../state/settings'

const RULE_STRINGS = {
  'wallet.giving.no': {
    'zh-CN': '发行方不允许转赠这件藏品。',
    en: 'Its issuer does not allow it to be given.',
  },
  'wallet.giving.yes': {
    'zh-CN': '可作为礼物转赠，不可出售。',
    en: 'It may be given as a gift; it is never sold here.',
  },
  'wallet.giving.hold': {
    'zh-CN': '持有满 {n} 天后才能转赠。',
    en: 'Its holder must have held it for {n} days first.',
  },
  'wallet.giving.signedIn': {
    'zh-CN': '受赠人须已用钱包登录。',
    en: 'The recipient must be signed in with a wallet.',
  },
  'wallet.giving.samePlatform': {
    'zh-CN': '受赠人须持有「{platform}」的已验证藏品。',
    en: 'The recipient must hold a verified collectible of {platform}.',
  },
} satisfies Record<string, Record<Language, string>>

addStrings(RULE_STRINGS)

/** The rules (null: none, so it cannot be given), the platform named in the words. */
export function CirculationRules({
  rules,
  platform,
}: {
  rules: Circulation | null
  platform: string | null
}) {
  const t = useT()
  if (!rules?.transferable) return <p>{t('wallet.giving.no')}</p>
  return (
    <ul>
      <li>{t('wallet.giving.yes')}</li>
      {rules.minHoldingDays > 0 && (
        <li>{fill(t('wallet.giving.hold'), { n: rules.minHoldingDays })}</li>
      )}
      <li>
        {rules.recipients === 'same-platform'
          ? fill(t('wallet.giving.samePlatform'), { platform: platform ?? '—' })
          : t('wallet.giving.signedIn')}
      </li>
    </ul>
  )
}
