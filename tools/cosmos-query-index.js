// An index for the local Cosmos DB emulator's single-partition queries (issue 11, decision 0017a), installed by
// tools/emulator.js before the server module loads.
//
// @vercel/cosmosdb-server 1.0.1 answers every query by materializing and evaluating every item of the container. Azure
// Cosmos DB answers a query that names its partition from that partition's index, so there a query costs what it finds,
// and Agora's stores are written for that: a batch of an import looks up its price entries with ARRAY_CONTAINS(@ids, c.id)
// in a supplier partition that holds 100,000 of them, a quote finds its entries by SKU and list, a page filters on type.
// Here each query that names its partition (the x-ms-documentdb-partitionkey header the SDK sends for every Agora query)
// runs the package's own query code on a candidate set instead of the whole container:
//
// - Per container, items are kept by partition; per partition, a path that a query has filtered on by equality is indexed
//   (value -> rids), built in one pass the first time a query uses it and maintained by every write from then on.
// - The candidates come from the WHERE clause's top-level tree of AND and OR: `path = value`, `path IN (values)` and
//   `ARRAY_CONTAINS(values, path)`, values being parameters or constants. AND takes its smallest indexable side, OR the union
//   of two indexable sides; anything else means the whole partition.
// - The full query still runs on the candidates, so a candidate set may only ever hold too much, never too little: results
//   are those of the package's engine on the partition, and ORDER BY, TOP, projections and aggregates work as before.
"use strict";
const { AsyncLocalStorage } = require("async_hooks");

/** Installs the index; `sql` is the @zeit/cosmosdb-query module (its `default` compiles, through the emulator's cache). */
exports.install = sql => {
  const requestPartition = new AsyncLocalStorage();

  // The handler reads its body asynchronously, so the partition the request names travels with it in an AsyncLocalStorage.
  const queryDocuments = require("@vercel/cosmosdb-server/lib/handler/query-documents");
  const handleQuery = queryDocuments.default;
  queryDocuments.default = (account, req, res, params) => {
    let partition;
    try {
      const header = req.headers["x-ms-documentdb-partitionkey"];
      const keys = header ? JSON.parse(header) : null;
      if (Array.isArray(keys) && keys.length === 1 && typeof keys[0] === "string") partition = keys[0];
    } catch {
      partition = undefined;
    }
    return partition === undefined ? handleQuery(account, req, res, params) : requestPartition.run(partition, () => handleQuery(account, req, res, params));
  };

  // Documents (a container's items) inherit _set, delete and query from Items, which databases and containers use too;
  // only documents are indexed. A replace is a delete then a _set, so these two see every write.
  const Items = require("@vercel/cosmosdb-server/lib/account/items").default;
  const Documents = require("@vercel/cosmosdb-server/lib/account/documents").default;
  const set = Items.prototype._set;
  const remove = Items.prototype.delete;
  const query = Items.prototype.query;

  /** Per Documents instance: partition key value -> { items: Map<rid, item>, paths: Map<pathKey, Path> }. */
  const partitionsOf = new WeakMap();
  const partitions = documents => {
    let found = partitionsOf.get(documents);
    if (!found) partitionsOf.set(documents, (found = new Map()));
    return found;
  };

  Documents.prototype._set = function (data) {
    const previous = this._data.get(data._rid);
    if (previous) unindex(this, previous.read());
    const result = set.call(this, data);
    const key = this._getPartition(data);
    let partition = partitions(this).get(key);
    if (!partition) partitions(this).set(key, (partition = { items: new Map(), paths: new Map() }));
    partition.items.set(data._rid, this._data.get(data._rid));
    for (const path of partition.paths.values()) add(path, data._rid, data);
    return result;
  };

  Documents.prototype.delete = function (idOrRid, partitionKey) {
    // The same lookup the package's delete makes, before it forgets the item.
    const data = this._item("/id", idOrRid, partitionKey).read();
    remove.call(this, idOrRid, partitionKey);
    if (data) unindex(this, data);
  };

  function unindex(documents, data) {
    const all = partitions(documents);
    const key = documents._getPartition(data);
    const partition = all.get(key);
    if (!partition || !partition.items.delete(data._rid)) return;
    for (const path of partition.paths.values()) drop(path, data._rid, data);
    if (partition.items.size === 0) all.delete(key);
  }

  Documents.prototype.query = function (params, options) {
    const key = requestPartition.getStore();
    if (key === undefined) return query.call(this, params, options);
    const partition = partitions(this).get(key);
    let candidates;
    if (!partition) {
      candidates = new Map();
    } else {
      const rids = candidatesOf(partition, key, this._getPartitionKeyPath(), params);
      if (rids === null) {
        candidates = partition.items;
      } else {
        candidates = new Map();
        for (const rid of rids) {
          const item = partition.items.get(rid);
          if (item) candidates.set(rid, item);
        }
      }
    }
    // query() is synchronous: no other request runs while it sees the candidates.
    const all = this._data;
    this._data = candidates;
    try {
      return query.call(this, params, options);
    } finally {
      this._data = all;
    }
  };

  // ---- Paths and values ------------------------------------------------------------------------------------------

  /** What the engine reads for `root.a.b` (its member access: `typeof $_ === "object" && $_ ? $_[key] : undefined`). */
  function valueAt(data, keys) {
    let value = data;
    for (const key of keys) value = typeof value === "object" && value ? value[key] : undefined;
    return value;
  }

  /** A key per primitive value that tells types apart ("1", 1 and true differ, as they do for `=`, IN and ARRAY_CONTAINS);
   *  undefined for anything else (objects and arrays compare deeply, so they are never indexed nor looked up). */
  function valueKey(value) {
    switch (typeof value) {
      case "string":
        return "s" + value;
      case "number":
        return "n" + value;
      case "boolean":
        return value ? "t" : "f";
      default:
        return value === null ? "z" : undefined;
    }
  }

  // A Path's values map a value key to one rid (a string: most indexed paths, such as id, are unique) or to a Set of rids.
  function add(path, rid, data) {
    const value = valueKey(valueAt(data, path.keys));
    if (value === undefined) return;
    const entry = path.values.get(value);
    if (entry === undefined) path.values.set(value, rid);
    else if (typeof entry === "string") path.values.set(value, new Set([entry, rid]));
    else entry.add(rid);
  }

  function drop(path, rid, data) {
    const value = valueKey(valueAt(data, path.keys));
    if (value === undefined) return;
    const entry = path.values.get(value);
    if (entry === rid) path.values.delete(value);
    else if (entry instanceof Set) {
      entry.delete(rid);
      if (entry.size === 1) path.values.set(value, entry.values().next().value);
    }
  }

  function pathOf(partition, keys) {
    const name = JSON.stringify(keys);
    let path = partition.paths.get(name);
    if (!path) {
      path = { keys, values: new Map() };
      for (const [rid, item] of partition.items) add(path, rid, item.read());
      partition.paths.set(name, path);
    }
    return path;
  }

  // ---- Candidates from the WHERE clause ----------------------------------------------------------------------------

  const plans = new Map();

  /** The rids that can match (an iterable, possibly with repeats), or null for the whole partition. */
  function candidatesOf(partition, partitionValue, partitionKeyPath, params) {
    let plan = plans.get(params.query);
    if (plan === undefined) {
      try {
        plan = planOf(sql.default(params.query).ast);
      } catch {
        plan = null; // the query itself will report the error
      }
      if (plans.size >= 1000) plans.delete(plans.keys().next().value);
      plans.set(params.query, plan);
    }
    if (plan === null) return null;
    // The engine binds parameters by name without the '@', the last one of a name winning; so does this.
    const parameters = new Map();
    for (const { name, value } of params.parameters || []) if (typeof name === "string") parameters.set(name.slice(1), value);
    const bound = bind(plan, partition, partitionValue, JSON.stringify(partitionKeyPath), parameters);
    return bound === null ? null : rids(bound);
  }

  /** A plan: { and: [plan|null] } | { or: [plan, plan] } | { keys, operands: [{ constant } | { parameter, spread }] }. */
  function planOf(ast) {
    const body = ast && ast.body;
    if (!body || body.type !== "select_query" || !body.where || body.where.type !== "filter_condition") return null;
    const root = rootOf(body.from);
    return root === null ? null : conditionPlan(body.where.condition, root);
  }

  /** The name the documents themselves are bound to: `FROM c` or `FROM root r`; JOINs keep it unless they rebind it. */
  function rootOf(from) {
    if (!from || from.type !== "from_specification") return null;
    const source = from.source;
    if (!source || source.type !== "from_source" || source.iteration) return null;
    const collection = source.expression;
    if (!collection || collection.type !== "collection_expression" || !collection.expression || collection.expression.type !== "identifier") return null;
    if (source.alias && source.alias.type !== "identifier") return null;
    const root = source.alias ? source.alias.name : collection.expression.name;
    for (const join of from.joins || []) {
      if (!join.alias || join.alias.type !== "identifier" || join.alias.name === root) return null;
    }
    return root;
  }

  function conditionPlan(node, root) {
    if (!node) return null;
    switch (node.type) {
      case "scalar_binary_expression": {
        if (node.operator === "AND") {
          const and = [];
          for (const side of [conditionPlan(node.left, root), conditionPlan(node.right, root)]) {
            if (side && side.and) and.push(...side.and);
            else and.push(side);
          }
          return and.some(p => p !== null) ? { and } : null;
        }
        if (node.operator === "OR") {
          const left = conditionPlan(node.left, root);
          const right = conditionPlan(node.right, root);
          return left && right ? { or: [left, right] } : null;
        }
        if (node.operator === "=") {
          const left = keysOf(node.left, root);
          const right = keysOf(node.right, root);
          if (left && !right) return leaf(left, [operandOf(node.right)]);
          if (right && !left) return leaf(right, [operandOf(node.left)]);
        }
        return null;
      }
      case "scalar_in_expression": {
        const keys = keysOf(node.value, root);
        return keys ? leaf(keys, (node.list || []).map(operandOf)) : null;
      }
      case "scalar_function_expression": {
        if (node.udf || !node.name || node.name.type !== "identifier" || node.name.name.toUpperCase() !== "ARRAY_CONTAINS") return null;
        if (!node.arguments || node.arguments.length !== 2) return null; // a third argument (partial match) compares objects
        const [array, value] = node.arguments;
        const keys = keysOf(value, root);
        if (!keys) return null;
        if (array.type === "parameter_name") return leaf(keys, [{ parameter: array.name.slice(1), spread: true }]);
        if (array.type === "array_constant") return leaf(keys, (array.elements || []).map(operandOf));
        return null;
      }
      default:
        return null;
    }
  }

  function leaf(keys, operands) {
    return operands.every(o => o !== null) ? { keys, operands } : null;
  }

  /** `root.a["b"].c` -> ["a", "b", "c"]; null for anything that is not a member path of the root. */
  function keysOf(node, root) {
    const keys = [];
    while (node && node.type === "scalar_member_expression") {
      const property = node.property;
      if (!node.computed && property.type === "identifier") keys.unshift(property.name);
      else if (node.computed && (property.type === "string_constant" || property.type === "number_constant")) keys.unshift(property.value);
      else return null;
      node = node.object;
    }
    return node && node.type === "identifier" && node.name === root && keys.length > 0 ? keys : null;
  }

  function operandOf(node) {
    if (!node) return null;
    switch (node.type) {
      case "parameter_name":
        return { parameter: node.name.slice(1), spread: false };
      case "string_constant":
      case "number_constant":
      case "boolean_constant":
        return { constant: node.value };
      case "null_constant":
        return { constant: null };
      default:
        return null;
    }
  }

  /** Binds a plan to this request's parameters and this partition's paths: a tree of { and }, { or } and { entries }
   *  (each entry a rid or a Set of rids), or null where the whole partition must be read. */
  function bind(plan, partition, partitionValue, partitionKeyPath, parameters) {
    if (plan === null) return null;
    if (plan.and) {
      // The smallest indexable side: every match is in each side's candidates.
      let best = null;
      let bestSize = Infinity;
      for (const side of plan.and) {
        const bound = bind(side, partition, partitionValue, partitionKeyPath, parameters);
        if (bound === null) continue;
        const size = sizeOf(bound);
        if (size < bestSize) [best, bestSize] = [bound, size];
      }
      return best;
    }
    if (plan.or) {
      const sides = plan.or.map(side => bind(side, partition, partitionValue, partitionKeyPath, parameters));
      return sides.every(s => s !== null) ? { or: sides } : null;
    }
    const values = [];
    for (const operand of plan.operands) {
      if ("constant" in operand) {
        values.push(operand.constant);
        continue;
      }
      if (!parameters.has(operand.parameter)) return null;
      const value = parameters.get(operand.parameter);
      if (!operand.spread) values.push(value);
      else if (Array.isArray(value)) values.push(...value);
      else return null;
    }
    const keys = values.map(valueKey);
    if (keys.some(k => k === undefined)) return null; // an object or array (deep equality), or a missing value
    if (JSON.stringify(plan.keys) === partitionKeyPath) {
      // The partition key: every item of this partition has the value the request named, so no index is needed.
      return keys.includes(valueKey(partitionValue)) ? null : { entries: [] };
    }
    const path = pathOf(partition, plan.keys);
    const entries = [];
    for (const key of keys) {
      const entry = path.values.get(key);
      if (entry !== undefined) entries.push(entry);
    }
    return { entries };
  }

  function sizeOf(bound) {
    if (bound.or) return bound.or.reduce((total, side) => total + sizeOf(side), 0);
    return bound.entries.reduce((total, entry) => total + (typeof entry === "string" ? 1 : entry.size), 0);
  }

  function* rids(bound) {
    if (bound.or) {
      for (const side of bound.or) yield* rids(side);
      return;
    }
    for (const entry of bound.entries) {
      if (typeof entry === "string") yield entry;
      else yield* entry;
    }
  }
};
