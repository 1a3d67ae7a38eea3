#!/usr/bin/env node
// The process boundary: everything else is in runCli, loaded only when there is work to do, so
// `--version` answers without loading the parsers.
import { VERSION } from "./version.js";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  process.stdout.write(`${VERSION}\n`);
} else {
  const { runCli } = await import("./cli/run-cli.js");
  const { useColor } = await import("./cli/_style.js");
  process.exitCode = await runCli(argv, {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    now: () => Date.now(),
    progress: process.stderr.isTTY === true,
    color: useColor(process.env, process.stderr),
    env: process.env,
  });
}
