// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title Village Seals (乡村印章)
/// @notice The demo collection of the second local chain, shaped like an older consortium
/// chain's issuer: plain ERC-721 with per-token URIs and no Enumerable extension, so a wallet's
/// tokens can only be found from Transfer logs. Only the issuer (owner) mints; ids count up from 1.
contract VillageSeals is ERC721, ERC721URIStorage, Ownable {
    uint256 private _nextTokenId = 1;

    constructor() ERC721("Village Seals", "SEAL") Ownable(msg.sender) {}

    function mint(address to, string calldata uri) external onlyOwner returns (uint256 tokenId) {
        tokenId = _nextTokenId++;
        _safeMint(to, tokenId);
        _setTokenURI(tokenId, uri);
    }

    function tokenURI(uint256 tokenId) public view override(ERC721, ERC721URIStorage) returns (string memory) {
        return super.tokenURI(tokenId);
    }

    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(ERC721, ERC721URIStorage)
        returns (bool)
    {
        return super.supportsInterface(interfaceId);
    }
}
