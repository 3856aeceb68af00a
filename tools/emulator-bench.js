#!/usr/bin/env node
// Measures the local Cosmos DB emulator on the shapes that decide how local imports and quotes scale (issue 11, decision
// 0017a): a partition of 100,000 price entries beside a small one, the per-batch and per-quote queries Agora sends, a
// keyset page, and write throughput at 16 in flight before and after the queries have registered their paths.
//
//   node tools/emulator-bench.js [--emulator tools/emulator.js] [--items 100000] [--runs 15]
//
// It starts its own emulator (through the given emulator.js, so an older copy of the file can be compared) on a free
// port and speaks the REST API directly, as the SDK does in gateway mode. Only for measuring; no test depends on it.
"use strict";
const http = require("http");
const path = require("path");
const { spawn } = require("child_process");

const options = { emulator: path.join(__dirname, "emulator.js"), items: 100000, runs: 15 };
for (let i = 2; i < process.argv.length; i += 2) options[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
const items = Number(options.items);
const runs = Number(options.runs);

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
let port;

function request(method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? "" : JSON.stringify(body);
    const req = http.request(
      { host: "127.0.0.1", port, method, path: url, agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers } },
      res => {
        const chunks = [];
        res.on("data", c => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString();
          if (res.statusCode >= 400) reject(new Error(`${method} ${url}: ${res.statusCode} ${raw}`));
          else resolve(raw ? JSON.parse(raw) : null);
        });
      }
    );
    req.on("error", reject);
    req.end(text);
  });
}

const docs = "/dbs/bench/colls/catalog/docs";
const upsert = doc => request("POST", docs, { "x-ms-documentdb-is-upsert": "true", "x-ms-documentdb-partitionkey": JSON.stringify([doc.pk]) }, doc);
const query = (pk, text, parameters) =>
  request("POST", docs, { "x-ms-documentdb-isquery": "true", "content-type": "application/query+json", "x-ms-documentdb-partitionkey": JSON.stringify([pk]) }, { query: text, parameters });

const lists = ["general", "category-a"];
const skuCount = items / lists.length;
const sku = i => `SKU-${String(i).padStart(6, "0")}`;
const priceEntry = (pk, list, i, price) => ({
  id: `price:${list}:${sku(i)}:UN:1`,
  pk,
  type: "price",
  sortKey: `${list}\u001f${sku(i)}\u001fUN\u001f0000000001`,
  data: { supplierId: pk, priceListId: list, sku: sku(i), unit: "UN", minQuantity: 1, price, currency: "BRL" },
});

async function writeAll(documents, inFlight) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < documents.length) await upsert(documents[next++]);
    })
  );
  return documents.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function time(label, run, expected) {
  const times = [];
  let first;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const result = await run(i);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.Documents.length !== expected) throw new Error(`${label}: ${result.Documents.length} results, expected ${expected}`);
    if (i === 0) first = times[0];
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(58)} first ${first.toFixed(1).padStart(8)} ms   median ${times[times.length >> 1].toFixed(1).padStart(8)} ms`);
}

async function main() {
  const emulator = spawn(process.execPath, [options.emulator, String(process.pid), "cosmos", "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_PATH: path.join(__dirname, "..", "node_modules") },
  });
  port = await new Promise((resolve, reject) => {
    emulator.stdout.on("data", d => {
      const m = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(String(d));
      if (m) resolve(Number(m[1]));
    });
    emulator.on("exit", code => reject(new Error(`emulator exited with ${code}`)));
  });
  try {
    await request("POST", "/dbs", {}, { id: "bench" });
    await request("POST", "/dbs/bench/colls", {}, { id: "catalog", partitionKey: { paths: ["/pk"], kind: "Hash" } });
    console.log(`emulator ${path.relative(process.cwd(), options.emulator)}; ${items} price entries in one partition, 16 writes in flight`);

    const big = [];
    for (let i = 0; i < skuCount; i++) for (const list of lists) big.push(priceEntry("sup-big", list, i, 10 + (i % 90)));
    for (let i = 0; i < 200; i++) big.push({ id: `product:${sku(i)}`, pk: "sup-big", type: "product", sortKey: sku(i), data: { sku: sku(i), status: "active" } });
    big.push({ id: "pricingSettings", pk: "sup-big", type: "pricingSettings", data: {} });
    for (let i = 0; i < 20; i++) big.push({ id: `promotion:p${i}`, pk: "sup-big", type: "pricingRule", index: { audiences: [i % 2 ? "all" : "category:a"] }, data: {} });
    const small = [];
    for (let i = 0; i < 100; i++) small.push(priceEntry("sup-small", "general", i, 5));
    const loadRate = await writeAll(big.concat(small), 16);
    console.log(`${"load: upserts (creates) per second".padEnd(58)} ${loadRate.toFixed(0).padStart(8)} /s`);

    const ids = run => Array.from({ length: 100 }, (_, k) => priceEntry("sup-big", lists[k % 2], (run * 7919 + k * 499) % skuCount, 0).id);
    await time(
      "ARRAY_CONTAINS(@ids, c.id), 100 ids",
      run => query("sup-big", "SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND ARRAY_CONTAINS(@ids, c.id)", [
        { name: "@pk", value: "sup-big" },
        { name: "@type", value: "price" },
        { name: "@ids", value: ids(run) },
      ]),
      100
    );
    await time(
      "ARRAY_CONTAINS(@skus, c.data.sku) AND (@lists, ...), 100 x 2",
      run => query("sup-big", "SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND ARRAY_CONTAINS(@skus, c.data.sku) AND ARRAY_CONTAINS(@lists, c.data.priceListId)", [
        { name: "@pk", value: "sup-big" },
        { name: "@type", value: "price" },
        { name: "@skus", value: Array.from({ length: 100 }, (_, k) => sku((run * 7919 + k * 499) % skuCount)) },
        { name: "@lists", value: lists },
      ]),
      200
    );
    await time(
      "settings OR rules with ARRAY_CONTAINS(c.index.audiences, ...)",
      () => query("sup-big", "SELECT * FROM c WHERE c.pk = @pk AND (c.type = @settings OR c.type = @rule AND (ARRAY_CONTAINS(c.index.audiences, @a0) OR ARRAY_CONTAINS(c.index.audiences, @a1)))", [
        { name: "@pk", value: "sup-big" },
        { name: "@settings", value: "pricingSettings" },
        { name: "@rule", value: "pricingRule" },
        { name: "@a0", value: "all" },
        { name: "@a1", value: "category:a" },
      ]),
      21
    );
    await time(
      "TOP 51 products ORDER BY c.sortKey (200 products)",
      () => query("sup-big", "SELECT TOP @take * FROM c WHERE c.pk = @pk AND c.type = @type ORDER BY c.sortKey", [
        { name: "@take", value: 51 },
        { name: "@pk", value: "sup-big" },
        { name: "@type", value: "product" },
      ]),
      51
    );
    await time(
      "TOP 51 price entries of one list ORDER BY c.sortKey",
      () => query("sup-big", "SELECT TOP @take * FROM c WHERE c.pk = @pk AND c.type = @type AND c.sortKey > @after AND c.data.priceListId = @list ORDER BY c.sortKey", [
        { name: "@take", value: 51 },
        { name: "@pk", value: "sup-big" },
        { name: "@type", value: "price" },
        { name: "@after", value: "" },
        { name: "@list", value: "general" },
      ]),
      51
    );
    await time(
      "the small partition: ARRAY_CONTAINS(@ids, c.id), 10 ids",
      () => query("sup-small", "SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND ARRAY_CONTAINS(@ids, c.id)", [
        { name: "@pk", value: "sup-small" },
        { name: "@type", value: "price" },
        { name: "@ids", value: Array.from({ length: 10 }, (_, k) => priceEntry("sup-small", "general", k * 3, 0).id) },
      ]),
      10
    );

    const rewrites = [];
    for (let i = 0; i < 20000; i++) rewrites.push(priceEntry("sup-big", lists[i % 2], (i * 37) % skuCount, 99));
    const rewriteRate = await writeAll(rewrites, 16);
    console.log(`${"upserts replacing 20,000 entries (after the queries), per second".padEnd(58)} ${rewriteRate.toFixed(0).padStart(8)} /s`);
  } finally {
    emulator.kill();
    agent.destroy();
  }
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
