import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// Every name the package exports carries a doc comment, and every exported function, class and
// constant also an `@example`: what an editor shows on hover is the first documentation users read.
// Biome has no JSDoc rules, so the TypeScript compiler reads the public surface here.
const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));

function undocumentedExports(): string[] {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`cannot read ${entry}`);
  const problems: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const isValue = (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable)) !== 0;
    const summary = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    const tags = symbol.getJsDocTags(checker).map((t) => t.name);
    if (summary === "") problems.push(`${exported.name}: no doc comment`);
    if (isValue && !tags.includes("example")) problems.push(`${exported.name}: no @example`);
  }
  return problems;
}

describe("public API documentation", () => {
  it("gives every export a doc comment and every exported value an @example", () => {
    expect(undocumentedExports()).toEqual([]);
  });
});
