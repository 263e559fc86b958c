// Preloaded into every measured child (`--require dist/bench/usage.js`): at exit, it writes the process's
// own resource usage to BENCH_USAGE_FILE. `maxRSS` is getrusage's ru_maxrss, the peak resident set of
// the whole process (every thread and the heap), in KiB.
import * as fs from "node:fs";

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    fs.writeFileSync(
      file,
      JSON.stringify({
        maxRssKiB: usage.maxRSS,
        userMs: usage.userCPUTime / 1000,
        systemMs: usage.systemCPUTime / 1000,
      }),
    );
  });
}
