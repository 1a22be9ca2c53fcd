// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title Scenic Souvenirs (景区纪念品)
/// @notice The demo ERC-1155 collection: ticket stubs and badges of scenic spots, several copies
/// per id. The metadata URI is the ERC-1155 template `ipfs://<dirCid>/{id}.json`, given at deploy
/// (clients substitute `{id}` with the id as 64 lowercase hex digits). Owner-only mint.
contract ScenicSouvenirs is ERC1155, Ownable {
    string public name = "Scenic Souvenirs";
    string public symbol = "CQSV";

    constructor(string memory uri_) ERC1155(uri_) Ownable(msg.sender) {}

    function mint(address to, uint256 id, uint256 amount) external onlyOwner {
        _mint(to, id, amount, "");
    }

    function mintBatch(address to, uint256[] calldata ids, uint256[] calldata amounts) external onlyOwner {
        _mintBatch(to, ids, amounts, "");
    }
}
