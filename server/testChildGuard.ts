// Tests only: preloaded (`--import`) into the server processes a test starts
// (server/testCluster.ts), each the leader of a process group of its own. The test keeps this
// process's stdin open; when the test's process ends without stopping it (a killed or timed-out
// worker, an interrupted run), stdin ends and this process stops its whole group: itself through
// its own SIGTERM handling (server/main.ts), then, if that has not ended it in time, everything in
// the group (its Janus, its anvil) with SIGKILL. So no test server outlives its test run.

/** How long the server gets to stop by itself before its group is killed. */
const GRACE_MS = 5_000

function stopGroup() {
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-process.pid, signal)
    } catch {
      // Not a group leader (started by hand): this process alone.
      process.kill(process.pid, signal)
    }
  }
  setTimeout(() => kill('SIGKILL'), GRACE_MS).unref()
  kill('SIGTERM')
}

process.stdin.on('end', stopGroup)
process.stdin.on('error', stopGroup)
process.stdin.resume()
