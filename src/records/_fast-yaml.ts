// PLACEHOLDER until the fast-path parser lands: always defers to gray-matter. (To be overwritten.)
export function parseFastYaml(_yaml: string): Record<string, unknown> | undefined {
  return undefined;
}
