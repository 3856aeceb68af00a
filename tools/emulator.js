#!/usr/bin/env node
// Runs one local emulator in this process and ends it when the process that started it goes away,
// so that a test run or `dotnet run` that is killed never leaves an emulator holding its ports.
//
//   node tools/emulator.js <parentPid> azurite --blobPort 10000 --queuePort 10001 --tablePort 10002 --location DIR
//   node tools/emulator.js <parentPid> cosmos --port 8081
//
// Both emulators are the npm packages pinned in package.json. This file starts them, and patches the Cosmos DB one in this
// process where it differs from Azure or cannot carry Agora's data (decisions 0002 and 0017a).
"use strict";
const path = require("path");

const [parentArg, kind, ...args] = process.argv.slice(2);
const parentPid = Number(parentArg);
if (!parentPid || !kind) {
  console.error("usage: emulator.js <parentPid> azurite|cosmos [options]");
  process.exit(2);
}

// Stop when the parent is gone (checked every second; signal 0 only tests that the pid exists).
setInterval(() => {
  try {
    process.kill(parentPid, 0);
  } catch {
    process.exit(0);
  }
}, 1000);
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => process.exit(0));

if (kind === "azurite") {
  // Azurite reads its options from process.argv, as its own CLI does.
  process.argv = [process.argv[0], "azurite", ...args];
  require(path.join(__dirname, "..", "node_modules", "azurite", "dist", "src", "azurite.js"));
} else if (kind === "cosmos") {
  let port = 8081;
  for (let i = 0; i < args.length; i++) if (args[i] === "--port") port = Number(args[++i]);
  // @vercel/cosmosdb-server 1.0.1 answers a point read of a missing document with a 500 (it reads a property of the
  // undefined document while comparing partition keys). Azure Cosmos DB answers 404, which is what the application
  // relies on; the handler is wrapped here so the emulator does too. The routes take their handlers when the server module
  // loads, so every handler is wrapped before it is required (at the end of this file).
  const readDocument = require("@vercel/cosmosdb-server/lib/handler/read-document");
  const read = readDocument.default;
  readDocument.default = (account, req, res, params) => {
    try {
      return read(account, req, res, params);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      res.statusCode = 404;
      return { code: "NotFound", message: "Entity with the specified id does not exist in the system." };
    }
  };
  // Its SQL engine (@zeit/cosmosdb-query) parses and compiles every query text again on every request, and its parser
  // takes hundreds of milliseconds for queries with a few parentheses. Query texts repeat (values are parameters), so
  // compiled queries are kept, as Azure Cosmos DB's own query plan cache does. Callers look `default` up at call time.
  const sql = require("@zeit/cosmosdb-query");
  const compile = sql.default;
  const compiled = new Map();
  sql.default = text => {
    let query = compiled.get(text);
    if (!query) {
      query = compile(text);
      if (compiled.size >= 1000) compiled.delete(compiled.keys().next().value);
      compiled.set(text, query);
    }
    return query;
  };
  // Its generated code gathers the rows of FROM with `collection.reduce(($, c) => [...$, { c }], [])`, copying the rows so
  // far for every document, and strips undefined values from results the same way: a query cost the square of the
  // documents it was given (2.3 s for 20,000, a minute for 100,000) and of the rows it returned. The reduce is rewritten to
  // append (`($.push({ c }), $)`, same rows in the same order) before the code is generated, and stripUndefined builds its
  // result in one pass. The executor reads `code` and the helpers (`$h`) at every exec, so both are replaced here.
  const sqlDirectory = path.dirname(require.resolve("@zeit/cosmosdb-query"));
  const toJavaScript = require(path.join(sqlDirectory, "transformer")).default;
  const generate = require(require.resolve("@babel/generator", { paths: [sqlDirectory] })).default;
  const appendsToAccumulator = node =>
    node && node.type === "ArrayExpression" && node.elements.length >= 2 && node.elements[0].type === "SpreadElement" &&
    node.elements[0].argument.type === "Identifier" && node.elements[0].argument.name === "$" &&
    node.elements.slice(1).every(e => e && e.type !== "SpreadElement");
  const pushToAccumulator = node => ({
    type: "SequenceExpression",
    expressions: [
      { type: "CallExpression", callee: { type: "MemberExpression", object: { type: "Identifier", name: "$" }, property: { type: "Identifier", name: "push" }, computed: false }, arguments: node.elements.slice(1) },
      { type: "Identifier", name: "$" },
    ],
  });
  const linearize = node => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(linearize);
    // Only `x.reduce(($, d) => [...$, row] or cond ? [...$, row] : $, [])`: the accumulator is the reduce's own new array.
    const [reducer, initial] = node.arguments || [];
    if (node.type === "CallExpression" && node.callee.type === "MemberExpression" && node.callee.property.name === "reduce" &&
        initial && initial.type === "ArrayExpression" && initial.elements.length === 0 &&
        reducer && reducer.type === "ArrowFunctionExpression" && reducer.params.length === 2 && reducer.params[0].type === "Identifier" && reducer.params[0].name === "$") {
      const body = reducer.body;
      if (body.type === "ConditionalExpression" && appendsToAccumulator(body.consequent) && body.alternate.type === "Identifier" && body.alternate.name === "$") {
        body.consequent = pushToAccumulator(body.consequent);
      } else if (appendsToAccumulator(body)) {
        reducer.body = pushToAccumulator(body);
      }
    }
    for (const key of Object.keys(node)) if (key !== "type") linearize(node[key]);
  };
  Object.defineProperty(Object.getPrototypeOf(compile("SELECT * FROM c")), "code", {
    configurable: true,
    get() {
      if (!this._code) {
        const program = toJavaScript(this.ast);
        linearize(program);
        this._code = generate(program).code;
      }
      return this._code;
    },
  });
  const helpers = require(path.join(sqlDirectory, "helpers"));
  helpers.stripUndefined = function stripUndefined(value) {
    if (Array.isArray(value)) {
      const stripped = [];
      for (const v of value) if (typeof v !== "undefined") stripped.push(stripUndefined(v));
      return stripped;
    }
    if (value && typeof value === "object") {
      const stripped = {};
      for (const [k, v] of Object.entries(value)) if (typeof v !== "undefined") stripped[k] = stripUndefined(v);
      return stripped;
    }
    return value;
  };
  // Its conditional patch (PATCH with a filter predicate) lower-cases the whole condition before running it, so a
  // condition on a camelCase property (c.data.stock["SP"].onHand) or on a key with capitals never holds; and it runs the
  // condition as a query over the whole container that matches on the id alone, so a document with the same id in
  // another partition can satisfy it. Azure Cosmos DB evaluates the condition, as written, on the one document the patch
  // addresses (stock holds rely on it: decision 0016b). Here the condition is checked that way, and the patch then runs
  // without it in the same turn of the event loop, so check and write stay atomic. Callers look the function up at call time.
  const patchOperations = require("@vercel/cosmosdb-server/lib/handler/_patch-operations");
  const { parsePartitionKey } = require("@vercel/cosmosdb-server/lib/utils/get-partition-from-header");
  const patchOperation = patchOperations.patchOperation;
  patchOperations.patchOperation = (collection, input) => {
    if (!input.condition) return patchOperation(collection, input);
    const where = /^\s*from\s+(\w+)\s+where\s+([\s\S]+)$/i.exec(input.condition);
    if (!where) return { statusCode: 400, body: { code: "BadRequest", message: "Invalid condition in patch request." } };
    const data = collection.document(input.id, parsePartitionKey(input.partitionKey, input.id)).read();
    if (data && !(input.ifMatch && input.ifMatch !== data._etag)) {
      let holds;
      try {
        holds = sql.default(`SELECT * FROM ${where[1]} WHERE ${where[2]}`).exec([data], {}).result.length > 0;
      } catch {
        return { statusCode: 400, body: { code: "BadRequest", message: "Invalid condition in patch request." } };
      }
      if (!holds) {
        return { statusCode: 412, body: { code: "PreconditionFailed", message: "Condition specified in the patch request is not satisfied." } };
      }
    }
    return patchOperation(collection, { ...input, condition: undefined });
  };
  // Its router decodes ids in the URL with decodeURIComponent, which throws on an escape that is no UTF-8 (`%FF`), and the
  // throw ends the whole process: every later request then fails. Azure Cosmos DB answers such a request, so here a
  // segment that does not decode stays as sent, and names no item. Routes are built when the server module loads, so
  // this is patched before it is required.
  const pathMatch = require("@vercel/cosmosdb-server/lib/path-match");
  const match = pathMatch.default;
  pathMatch.default = (path, opts) => {
    const matcher = match(path, opts);
    return pathname => {
      try {
        return matcher(pathname);
      } catch (err) {
        if (!(err instanceof URIError)) throw err;
        return matcher(pathname.replace(/%(?![0-7][0-9A-Fa-f])/g, "%25"));
      }
    };
  };
  // Its queries materialize and evaluate every item of the container, whatever partition they name (issue 11): a query's
  // cost grew with everything stored, so local imports were quadratic and every page slowed as data grew. Azure Cosmos DB
  // answers a single-partition query from that partition's index. tools/cosmos-query-index.js does the same here for a
  // query that names its partition (decision 0017a): it keeps items by partition, indexes the paths queries filter on by
  // equality, and runs the package's own query on the candidates the WHERE clause allows, so results are unchanged.
  require("./cosmos-query-index").install(sql);
  // Azure Cosmos DB answers a write over the provisioned throughput with 429 and a delay; the SDK waits and retries by
  // itself. Nothing here is ever busy, so that path would go untested: a write whose partition key starts with
  // `throttled-` is answered 429 once (x-ms-retry-after-ms: 20, substatus 3200, as Azure sends), and the same write sent
  // again passes. The next different write to that document is throttled once again.
  const json = require("@vercel/cosmosdb-server/lib/json");
  const readJson = json.default;
  const bodies = new WeakMap();
  // The body can be read from the request once; the throttle reads it (for the id of a create or upsert) before the handler.
  json.default = req => {
    let body = bodies.get(req);
    if (!body) bodies.set(req, (body = readJson(req)));
    return body;
  };
  const pendingRetries = new Map();
  const throttle = (handler, write) => {
    const module = require(`@vercel/cosmosdb-server/lib/handler/${handler}`);
    const handle = module.default;
    module.default = async (account, req, res, params) => {
      let partitionKey;
      try {
        const keys = JSON.parse(req.headers["x-ms-documentdb-partitionkey"] || "null");
        partitionKey = Array.isArray(keys) ? keys[0] : keys;
      } catch {
        partitionKey = undefined;
      }
      if (typeof partitionKey === "string" && partitionKey.startsWith("throttled-")) {
        let id = params.docId;
        if (id === undefined) {
          try {
            id = (await json.default(req)).id;
          } catch {
            return handle(account, req, res, params); // a body that is no JSON: the handler answers it as it always does
          }
        }
        const key = JSON.stringify([params.dbId, params.collId, partitionKey, id]);
        if (pendingRetries.get(key) === write) {
          pendingRetries.delete(key);
        } else {
          pendingRetries.set(key, write);
          res.statusCode = 429;
          res.setHeader("x-ms-retry-after-ms", "20");
          res.setHeader("x-ms-substatus", "3200");
          return { code: "TooManyRequests", message: "Request rate is large. More Request Units may be needed, so no changes were made. Please retry this request later." };
        }
      }
      return handle(account, req, res, params);
    };
  };
  throttle("create-document", "create");
  throttle("upsert-document", "upsert");
  throttle("replace-document", "replace");
  throttle("patch-document", "patch");
  throttle("delete-document", "delete");
  const { createHttpServer } = require("@vercel/cosmosdb-server");
  const server = createHttpServer({ keepAlive: true }).listen(port, "127.0.0.1", () => {
    console.log(`Cosmos DB emulator listening at http://127.0.0.1:${server.address().port}`);
  });
  server.on("error", err => {
    console.error(err.message);
    process.exit(1);
  });
} else {
  console.error(`unknown emulator '${kind}'`);
  process.exit(2);
}
