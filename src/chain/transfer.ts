// The call that gives one collectible: ERC-721 safeTransferFrom(from, to, id), or one unit of
// an ERC-1155 id. The server prepares it for the development wallet (server/gifts/relay.ts);
// a wallet of one's own sends the same call from the page (src/wallet/signers.ts).
import { Interface } from 'ethers'

const TRANSFERS = new Interface([
  'function safeTransferFrom(address from, address to, uint256 tokenId)',
  'function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data)',
])

/** The call data that moves one token (one unit of an ERC-1155 id) from `from` to `to`. */
export function transferData(
  standard: 'erc721' | 'erc1155',
  from: string,
  to: string,
  tokenId: string,
): string {
  return standard === 'erc721'
    ? TRANSFERS.encodeFunctionData('safeTransferFrom(address,address,uint256)', [from, to, tokenId])
    : TRANSFERS.encodeFunctionData('safeTransferFrom(address,address,uint256,uint256,bytes)', [
        from,
        to,
        tokenId,
        1,
        '0x',
      ])
}
