// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Multicall3 (Cangqiong's own implementation of the standard interface subset)
/// @notice Batches many read calls into one eth_call. `aggregate3` and `getBlockNumber` have the
/// same signatures, structs and revert message as the widely deployed Multicall3
/// (github.com/mds1/multicall3), so ethers code written against that ABI works unchanged: the
/// chain adapter reads balances and token URIs of many tokens at one block in one round trip.
contract Multicall3 {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Calls each target in order. A failing call with `allowFailure` false reverts the
    /// whole batch; otherwise its failure and revert data are returned in its Result.
    function aggregate3(Call3[] calldata calls) public payable returns (Result[] memory returnData) {
        uint256 length = calls.length;
        returnData = new Result[](length);
        for (uint256 i = 0; i < length; ++i) {
            Call3 calldata call = calls[i];
            (bool success, bytes memory ret) = call.target.call(call.callData);
            require(success || call.allowFailure, "Multicall3: call failed");
            returnData[i] = Result(success, ret);
        }
    }

    /// @notice The block the batch runs in, so callers know which block their reads describe.
    function getBlockNumber() public view returns (uint256 blockNumber) {
        blockNumber = block.number;
    }
}
