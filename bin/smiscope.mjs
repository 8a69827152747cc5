#!/usr/bin/env node
// SmiScope CLI: runs the TypeScript core in Node through tsx (no build step needed).
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
