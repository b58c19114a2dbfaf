/**
 * `npm run bench <name>`: runs one benchmark. Each prints its figure beside a baseline
 * measured in the same run and writes bench/results/<name>.json.
 */
const benches: Record<string, () => Promise<unknown>> = {
  http: () => import('./http/http.bench.ts').then((m) => m.main()),
  media: () => import('./media/media.bench.ts').then((m) => m.main()),
  realtime: () => import('./realtime/realtime.bench.ts').then((m) => m.main()),
  wallet: () => import('./wallet/wallet.bench.ts').then((m) => m.main()),
};

const requested = process.argv[2];
if (!requested || !(requested in benches)) {
  process.stderr.write(`Usage: npm run bench -- <${Object.keys(benches).join('|')}>\n`);
  process.exit(1);
}
await benches[requested]!();

export {};
