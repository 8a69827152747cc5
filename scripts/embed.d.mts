// Types of scripts/embed.mjs for the TypeScript generators (scripts/gen-savestate.ts).
export function writeGenerated(root: string, out: string, text: string, from: string, script: string): void;
export function byName(a: string, b: string): number;
export function literal(text: string): string;
