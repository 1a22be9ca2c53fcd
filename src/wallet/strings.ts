// The wallet panel's zh-CN and en strings. They ride in the panel's lazy chunk and join
// src/i18n/index.ts's table when it loads, so `useT()` finds them and the first-frame bundle
// does not carry them.
import { addStrings } from '../i18n'
import type { Language } from '../state/settings'

const WALLET_STRINGS = {
  'wallet.close': { 'zh-CN': '关闭', en: 'Close' },
  'wallet.config.loading': { 'zh-CN': '正在读取链的设置…', en: 'Reading the chain settings…' },
  'wallet.config.failed': {
    'zh-CN': '无法读取链的设置',
    en: 'Could not read the chain settings',
  },
  'wallet.connect.heading': { 'zh-CN': '连接钱包', en: 'Connect a wallet' },
  'wallet.connect': { 'zh-CN': '连接', en: 'Connect' },
  'wallet.connecting': { 'zh-CN': '连接中…', en: 'Connecting…' },
  'wallet.browserWallet': { 'zh-CN': '浏览器钱包', en: 'Browser wallet' },
  'wallet.noWallets': {
    'zh-CN': '没有发现浏览器钱包。支持 EIP-6963 的钱包扩展会出现在这里。',
    en: 'No browser wallet found. Wallet extensions that support EIP-6963 appear here.',
  },
  'wallet.dev.name': { 'zh-CN': '开发钱包', en: 'Development wallet' },
  'wallet.dev.warning': {
    'zh-CN': '仅限本地开发，切勿用于真实资产',
    en: 'Local only — never use for real assets',
  },
  'wallet.dev.explain': {
    'zh-CN': '使用本地测试链（anvil）的公开测试账户，私钥人人皆知。',
    en: "Uses the local test chain's (anvil's) public test accounts: everyone knows their keys.",
  },
  'wallet.dev.account': { 'zh-CN': '账户 #{n}', en: 'Account #{n}' },
  'wallet.dev.accounts': { 'zh-CN': '测试账户', en: 'Test account' },
  'wallet.copy': { 'zh-CN': '复制地址', en: 'Copy address' },
  'wallet.copied': { 'zh-CN': '已复制', en: 'Copied' },
  'wallet.copyFailed': { 'zh-CN': '无法复制', en: 'Could not copy' },
  'wallet.chains': { 'zh-CN': '可信链', en: 'Trusted chains' },
  'wallet.local': { 'zh-CN': '本地', en: 'local' },
  'wallet.signIn': { 'zh-CN': '签名登录', en: 'Sign in' },
  'wallet.signIn.hint': {
    'zh-CN': '签名一条登录消息，证明你控制这个地址。签名不会发起交易，也不花费任何费用。',
    en: 'Sign a sign-in message to prove you control this address. Signing sends no transaction and costs nothing.',
  },
  'wallet.signingIn': {
    'zh-CN': '请在钱包中确认签名…',
    en: 'Confirm the signature in your wallet…',
  },
  'wallet.signedIn': { 'zh-CN': '已登录', en: 'Signed in' },
  'wallet.signOut': { 'zh-CN': '退出登录', en: 'Sign out' },
  'wallet.switch': { 'zh-CN': '更换钱包', en: 'Use another wallet' },
  'wallet.collectibles': { 'zh-CN': '数字藏品', en: 'Collectibles' },
  'wallet.count': { 'zh-CN': '共 {n} 件 · {v} 件已验证', en: '{n} items · {v} verified' },
  'wallet.atBlock': { 'zh-CN': '区块 {block}', en: 'block {block}' },
  'wallet.refresh': { 'zh-CN': '重新核验', en: 'Check again' },
  'wallet.checking': { 'zh-CN': '正在链上核验藏品…', en: 'Checking collectibles on chain…' },
  'wallet.truncated': {
    'zh-CN': '藏品太多，只显示了其中一部分（已验证的优先）',
    en: 'This wallet holds more than one listing can show: some items are left out (verified ones are kept first)',
  },
  'wallet.empty': {
    'zh-CN': '这个钱包在可信链上没有数字藏品',
    en: 'This wallet has no collectibles on trusted chains',
  },
  'wallet.retry': { 'zh-CN': '重试', en: 'Try again' },
  'wallet.verified': { 'zh-CN': '已验证', en: 'Verified' },
  'wallet.unverified': { 'zh-CN': '未验证', en: 'Unverified' },
  'wallet.noImage': { 'zh-CN': '无图片', en: 'No image' },
  'wallet.untitled': { 'zh-CN': '未命名', en: 'Untitled' },
  'wallet.back': { 'zh-CN': '返回藏品列表', en: 'Back to the collectibles' },
  'wallet.detail.verified': {
    'zh-CN': '服务器已在可信链上核验：它来自可信发行方，由这个地址持有，元数据完整。',
    en: 'The server checked it on a trusted chain: it comes from a trusted issuer, this address owns it, and its metadata is intact.',
  },
  'wallet.detail.unverified': {
    'zh-CN': '服务器没能验证这件藏品：',
    en: 'The server could not verify this collectible:',
  },
  'wallet.detail.proof': { 'zh-CN': '核验依据', en: 'How it was checked' },
  'wallet.detail.chain': { 'zh-CN': '链', en: 'Chain' },
  'wallet.detail.chainValue': { 'zh-CN': '{name}（链 ID {id}）', en: '{name} (chain id {id})' },
  'wallet.detail.chainUnknown': { 'zh-CN': '链 {id}', en: 'Chain {id}' },
  'wallet.detail.issuer': { 'zh-CN': '发行方', en: 'Issuer' },
  'wallet.detail.platform': { 'zh-CN': '平台', en: 'Platform' },
  'wallet.detail.notListed': {
    'zh-CN': '未知：不在可信发行方名单上',
    en: 'Unknown: not on the trusted issuer list',
  },
  'wallet.detail.contract': { 'zh-CN': '合约', en: 'Contract' },
  'wallet.detail.copyContract': { 'zh-CN': '复制合约地址', en: 'Copy the contract address' },
  'wallet.detail.tokenId': { 'zh-CN': '编号', en: 'Token id' },
  'wallet.detail.standard': { 'zh-CN': '标准', en: 'Standard' },
  'wallet.detail.balance': { 'zh-CN': '持有数量', en: 'Balance' },
  'wallet.detail.owner': { 'zh-CN': '持有核验', en: 'Ownership' },
  'wallet.detail.ownerValue': {
    'zh-CN': '在区块 {block} 核验持有（{time}）',
    en: 'Owner check at block {block} ({time})',
  },
  'wallet.detail.metadata': { 'zh-CN': '元数据哈希', en: 'Metadata hash' },
  'wallet.giving': { 'zh-CN': '转赠规则', en: 'Giving' },
  'wallet.history': { 'zh-CN': '流转记录', en: 'History' },
  'wallet.history.loading': { 'zh-CN': '正在读取流转记录…', en: 'Reading its history…' },
  'wallet.history.failed': {
    'zh-CN': '暂时无法读取流转记录。',
    en: 'Its history cannot be read just now.',
  },
  'wallet.history.none': {
    'zh-CN': '服务器没有见到任何转移。',
    en: 'The server saw no transfers.',
  },
  'wallet.history.minted': {
    'zh-CN': '发行给 {to} · 区块 {block} · {time}',
    en: 'Issued to {to} · block {block} · {time}',
  },
  'wallet.history.moved': {
    'zh-CN': '{from} → {to} · 区块 {block} · {time}',
    en: '{from} → {to} · block {block} · {time}',
  },
  'wallet.detail.pinned': {
    'zh-CN': '与可信名单登记的哈希一致',
    en: 'matches the hash pinned in the trusted registry',
  },
  'wallet.detail.notPinned': {
    'zh-CN': '名单没有登记哈希，这里只记录当前内容',
    en: 'not pinned by the registry; this records the current content only',
  },
  'wallet.detail.noMetadata': {
    'zh-CN': '无法读取元数据',
    en: 'The metadata could not be read',
  },
  'wallet.detail.description': { 'zh-CN': '描述', en: 'Description' },
  'wallet.model.badge': { 'zh-CN': '3D', en: '3D' },
  'wallet.model.hint': {
    'zh-CN': '带有立体模型：展出在展台上时以 3D 显示',
    en: 'Has a 3D model: shown in 3D when exhibited on a pedestal',
  },
  'wallet.detail.model': { 'zh-CN': '立体模型', en: '3D model' },
  'wallet.detail.modelValue': {
    'zh-CN': 'glTF 模型，展出在展台上时会立体显示并缓缓转动；墙上展位显示图片',
    en: 'glTF model: stands and slowly turns on a pedestal; wall slots show the picture',
  },
  'wallet.wear': { 'zh-CN': '形象', en: 'Avatar' },
  'wallet.wear.hint': {
    'zh-CN': '这件藏品带有 VRM 形象：只有它的持有者可以穿上，转让后就会脱下。',
    en: 'This collectible comes with a VRM avatar: only its holder can wear it, and it comes off when the collectible leaves the wallet.',
  },
  'wallet.wear.button': { 'zh-CN': '穿作我的形象', en: 'Wear as avatar' },
  'wallet.wear.busy': {
    'zh-CN': '正在链上核对持有并读取形象…',
    en: 'Checking on the chain that you hold it, and reading the avatar…',
  },
  'wallet.wear.worn': {
    'zh-CN': '你正穿着它作为自己的形象，大家都能看到。',
    en: 'You are wearing it as your avatar: everyone here sees it.',
  },
  'wallet.wear.failed': { 'zh-CN': '无法穿上：', en: 'Could not wear it:' },
  'wallet.wear.signIn': { 'zh-CN': '签名登录后才能穿上它。', en: 'Sign in to wear it.' },
  'wallet.reason.chain_not_trusted': {
    'zh-CN': '这条链不在可信链名单上，它的数据无法作为依据。',
    en: 'This chain is not on the trusted chain list, so its data proves nothing here.',
  },
  'wallet.reason.issuer_not_allowlisted': {
    'zh-CN': '这个合约不在可信发行方名单上：它可能是仿冒品。',
    en: 'This contract is not on the trusted issuer list: it may be a copy.',
  },
  'wallet.reason.standard_mismatch': {
    'zh-CN': '合约的代币标准与名单登记的不一致。',
    en: 'The contract does not follow the token standard the registry lists for it.',
  },
  'wallet.reason.not_owner': {
    'zh-CN': '在核验的区块上，这个地址并不持有它。',
    en: 'At the block checked, this address does not own it.',
  },
  'wallet.reason.metadata_unavailable': {
    'zh-CN': '元数据无法读取，名称和图片都未经确认。',
    en: 'Its metadata could not be fetched, so its name and image are unconfirmed.',
  },
  'wallet.reason.metadata_invalid': {
    'zh-CN': '元数据格式不正确。',
    en: 'Its metadata is malformed.',
  },
  'wallet.reason.metadata_hash_mismatch': {
    'zh-CN': '元数据与发行方登记的哈希不一致：内容可能被改动过。',
    en: 'Its metadata does not match the hash the issuer registered: the content may have been changed.',
  },
  'wallet.reason.metadata_outside_base': {
    'zh-CN': '元数据不在发行方登记的位置，可能被替换过。',
    en: 'Its metadata is hosted outside the location the issuer registered, so it may have been replaced.',
  },
  'wallet.reason.chain_unavailable': {
    'zh-CN': '它所在的链暂时无法读取：这是上次核验时的记录，现在不能作为已验证藏品。',
    en: 'Its chain cannot be read just now: this is what the last check found, and it does not count as verified until the chain is back.',
  },
  'wallet.chain.unavailable': {
    'zh-CN': '暂时无法读取，这条链上的藏品未经核验',
    en: 'cannot be read now: its collectibles are unchecked',
  },
  'wallet.reason.none': {
    'zh-CN': '服务器没有确认这件藏品。',
    en: 'The server did not confirm this collectible.',
  },
  'wallet.error.network': {
    'zh-CN': '网络错误，连不上服务器',
    en: 'Network error: the server could not be reached',
  },
  'wallet.error.timeout': { 'zh-CN': '服务器响应超时', en: 'The server took too long to answer' },
  'wallet.error.bad_response': {
    'zh-CN': '服务器返回了无法识别的数据',
    en: 'The server answered with data this page does not understand',
  },
  'wallet.error.chain_unavailable': {
    'zh-CN': '暂时无法读取区块链。',
    en: 'The blockchain cannot be read right now.',
  },
  'wallet.error.chain_starting': {
    'zh-CN': '区块链正在启动。',
    en: 'The blockchain is starting.',
  },
  'wallet.error.chain_off': {
    'zh-CN': '这台服务器没有开启区块链功能',
    en: 'This server runs without a blockchain',
  },
  'wallet.error.bad_address': {
    'zh-CN': '这不是一个有效的地址',
    en: 'That is not a valid address',
  },
  'wallet.error.bad_request': {
    'zh-CN': '请求格式不正确',
    en: 'The request was malformed',
  },
  'wallet.error.no_session': {
    'zh-CN': '登录已过期，请重新签名登录',
    en: 'Your sign-in expired; sign in again',
  },
  'wallet.error.not_yet_valid': {
    'zh-CN': '登录消息尚未生效，请检查设备时间后重试',
    en: "The sign-in message is not valid yet; check your device's clock and try again",
  },
  'wallet.error.retryAfter': { 'zh-CN': '约 {n} 秒后可重试。', en: 'Try again in about {n} s.' },
  'wallet.error.rejected': {
    'zh-CN': '你在钱包中拒绝了这个请求',
    en: 'You declined the request in your wallet',
  },
  'wallet.error.reconnect': {
    'zh-CN': '找不到之前连接的钱包，请重新连接',
    en: 'The wallet connected before is not available; connect it again',
  },
  'wallet.error.address_mismatch': {
    'zh-CN': '签名的地址与连接的钱包不一致',
    en: 'The signing address differs from the connected wallet',
  },
  'wallet.error.session_expired': {
    'zh-CN': '登录已过期，请重新签名登录',
    en: 'Your sign-in expired; sign in again',
  },
  'wallet.error.bad_signature': { 'zh-CN': '签名无效', en: 'The signature is not valid' },
  'wallet.error.bad_message': {
    'zh-CN': '登录消息的格式不正确',
    en: 'The sign-in message is malformed',
  },
  'wallet.error.wrong_domain': {
    'zh-CN': '登录消息中的网站与服务器不符',
    en: 'The sign-in message names a different site',
  },
  'wallet.error.wrong_chain': {
    'zh-CN': '登录消息中的链与服务器不符',
    en: 'The sign-in message names a different chain',
  },
  'wallet.error.unknown_nonce': {
    'zh-CN': '登录请求已失效，请重试',
    en: 'The sign-in request is no longer valid; try again',
  },
  'wallet.error.nonce_used': {
    'zh-CN': '这条登录消息已经用过，请重试',
    en: 'This sign-in message was already used; try again',
  },
  'wallet.error.nonce_expired': {
    'zh-CN': '登录请求已过期，请重试',
    en: 'The sign-in request expired; try again',
  },
  'wallet.error.message_expired': {
    'zh-CN': '登录消息已过期，请重试',
    en: 'The sign-in message expired; try again',
  },
  'wallet.error.sign_in_off': {
    'zh-CN': '此服务器未开放钱包登录（运营者需设置 PUBLIC_ORIGIN）',
    en: 'Wallet sign-in is off on this server (its operator must set PUBLIC_ORIGIN)',
  },
  'wallet.error.generic': { 'zh-CN': '出错了：{message}', en: 'Something went wrong: {message}' },
} satisfies Record<string, Record<Language, string>>

addStrings(WALLET_STRINGS)
