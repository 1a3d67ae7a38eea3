// The lower bound: list the folder and read every file, doing nothing with the bytes.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
let bytes = 0;
for (const name of readdirSync(dir).sort()) bytes += readFileSync(join(dir, name)).length;
process.stdout.write(`${bytes}\n`);
