#!/usr/bin/env node
// Runs the TypeScript CLI on the Node.js that runs this file (the project's pinned Node 24 under npm scripts).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
