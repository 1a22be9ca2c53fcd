// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title Cangqiong Landmarks (苍穹地标)
/// @notice A plain ERC-721 WITHOUT ERC721Enumerable, on purpose: many real collections are like
/// this, so a wallet's holdings can only be found from Transfer logs and re-checked with ownerOf.
/// The demo chain keeps one such collection so that code path is exercised. Owner-only mint.
contract CangqiongLandmarks is ERC721URIStorage, Ownable {
    uint256 private _nextTokenId = 1;

    constructor() ERC721("Cangqiong Landmarks", "CQLM") Ownable(msg.sender) {}

    function mint(address to, string calldata uri) external onlyOwner returns (uint256 tokenId) {
        tokenId = _nextTokenId++;
        _safeMint(to, tokenId);
        _setTokenURI(tokenId, uri);
    }
}
