using System.Globalization;
using System.Net;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Inventory;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Holds as conditional patches of the product document (<c>catalog</c>, <c>product:{sku}</c>), atomic per item
/// in Azure and in the emulator (decision 0016b). A hold is one request: set <c>/data/stock/{wh}/holds/{holdId}</c>,
/// increment <c>/data/stock/{wh}/reserved</c> and decrement <c>/index/available</c> (what "in stock" listings filter on),
/// when on hand minus reserved there still covers it and the hold id holds nothing there. A 412 is told apart by one point
/// read: the hold is there (<see cref="HoldOutcome.AlreadyHeld"/>), too little is left (<see cref="HoldOutcome.Insufficient"/>),
/// or the warehouse record is gone (<see cref="HoldOutcome.NotStocked"/>).
/// <para>Numbers: Cosmos DB keeps doubles, so increments drift (0.1 + 0.2 is 0.30000000000000004). Conditions compare
/// with <see cref="Quantities.Tolerance"/> (half of 10^-6, the smallest step a quantity takes), and reads round to 6
/// decimals (<see cref="WarehouseStock"/>), so drift never refuses a hold that fits, never grants one that does not, and
/// never shows a negative reserve. Every full rewrite of the product (a count, an import) writes the rounded values back.</para>
/// <para>Keys in paths and conditions are ids (<see cref="Ids.IsWellFormed"/>: letters, digits, '-', '_', '.'), so they
/// need no escaping in a JSON pointer or a SQL string.</para></summary>
public sealed class CosmosStockHolds(CosmosContainers cosmos) : IStockHolds
{
    private static readonly string Tolerance = Number(Quantities.Tolerance);

    public async Task<HoldOutcome> HoldAsync(string supplierId, string sku, string warehouseId, string holdId, decimal quantity, CancellationToken cancellationToken)
    {
        RequireIds(warehouseId, holdId);
        if (quantity <= 0 || Quantities.Round(quantity) != quantity)
        {
            throw new ArgumentOutOfRangeException(nameof(quantity), quantity, $"A hold is above zero with at most {Quantities.MaxDecimals} decimals.");
        }

        var item = new Item(cosmos.Get(Containers.Catalog), CosmosProductStore.IdOf(sku), supplierId);
        if (!item.CanName)
        {
            return HoldOutcome.NotStocked;
        }

        var stock = StockSql(warehouseId);
        var fits = $"{stock}.onHand - {stock}.reserved >= {Number(quantity - Quantities.Tolerance)}";
        PatchOperation[] counts =
        [
            PatchOperation.Increment($"{StockPath(warehouseId)}/reserved", (double)quantity),
            PatchOperation.Increment(AvailablePath, -(double)quantity),
        ];
        for (var attempt = 1; attempt <= Concurrency.MaxAttempts; attempt++)
        {
            var patched = await item.PatchAsync(
                [PatchOperation.Set($"{StockPath(warehouseId)}/holds/{holdId}", quantity), .. counts],
                $"FROM c WHERE {fits} AND IS_DEFINED({stock}.holds) AND NOT IS_DEFINED({stock}.holds[\"{holdId}\"])",
                null,
                cancellationToken).ConfigureAwait(false);
            if (patched != HttpStatusCode.PreconditionFailed)
            {
                return patched == HttpStatusCode.OK ? HoldOutcome.Held : HoldOutcome.NotStocked;
            }

            var stored = await item.ReadStockAsync(warehouseId, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                return HoldOutcome.NotStocked;
            }

            if (stored.Stock.Holds?.ContainsKey(holdId) == true)
            {
                return HoldOutcome.AlreadyHeld;
            }

            if (Quantities.Round(stored.Stock.OnHand - stored.Stock.Reserved) < quantity)
            {
                return HoldOutcome.Insufficient;
            }

            if (stored.Stock.Holds is null)
            {
                // Written before holds were kept: a patch cannot set a key of a missing object, so the first hold sets it whole.
                patched = await item.PatchAsync(
                    [PatchOperation.Set($"{StockPath(warehouseId)}/holds", new Dictionary<string, decimal> { [holdId] = quantity }), .. counts],
                    $"FROM c WHERE {fits} AND NOT IS_DEFINED({stock}.holds)",
                    null,
                    cancellationToken).ConfigureAwait(false);
                if (patched != HttpStatusCode.PreconditionFailed)
                {
                    return patched == HttpStatusCode.OK ? HoldOutcome.Held : HoldOutcome.NotStocked;
                }
            }

            // It fitted when read: stock was released or counted between the patch and the read. Try again.
        }

        return HoldOutcome.Insufficient;
    }

    public async Task<bool> ReleaseAsync(string supplierId, string sku, string warehouseId, string holdId, CancellationToken cancellationToken) =>
        await ReleaseHeldAsync(supplierId, sku, warehouseId, holdId, 0, cancellationToken).ConfigureAwait(false) > 0;

    /// <inheritdoc/>
    /// <remarks>Removes the hold, decrements <c>reserved</c> by it and increments <c>/index/available</c>, on the condition
    /// that the hold is still the quantity expected and the warehouse's availability is not negative. When a count has
    /// fallen below what is reserved (on hand &lt; reserved, which shows as nothing available), the index must grow by only
    /// what becomes available, max(0, on hand − reserved + hold): that case reads the product and writes with its ETag.</remarks>
    public async Task<decimal> ReleaseHeldAsync(string supplierId, string sku, string warehouseId, string holdId, decimal expected, CancellationToken cancellationToken)
    {
        RequireIds(warehouseId, holdId);
        var item = new Item(cosmos.Get(Containers.Catalog), CosmosProductStore.IdOf(sku), supplierId);
        if (!item.CanName)
        {
            return 0;
        }

        var stock = StockSql(warehouseId);
        var held = expected;
        string? ifMatch = null;
        var gain = held;
        for (var attempt = 1; attempt <= Concurrency.MaxAttempts; attempt++)
        {
            if (held > 0)
            {
                var patched = await item.PatchAsync(
                    [
                        PatchOperation.Remove($"{StockPath(warehouseId)}/holds/{holdId}"),
                        PatchOperation.Increment($"{StockPath(warehouseId)}/reserved", -(double)held),
                        PatchOperation.Increment(AvailablePath, (double)gain),
                    ],
                    ifMatch is null
                        ? $"FROM c WHERE ABS({stock}.holds[\"{holdId}\"] - {Number(held)}) < {Tolerance} AND {stock}.onHand - {stock}.reserved >= -{Tolerance}"
                        : null,
                    ifMatch,
                    cancellationToken).ConfigureAwait(false);
                if (patched == HttpStatusCode.OK)
                {
                    return held;
                }

                if (patched == HttpStatusCode.NotFound)
                {
                    return 0;
                }
            }

            var stored = await item.ReadStockAsync(warehouseId, cancellationToken).ConfigureAwait(false);
            if (stored?.Stock.Holds is not { } holds || !holds.TryGetValue(holdId, out var now))
            {
                return 0;
            }

            held = Quantities.Round(now);
            var before = Quantities.Round(stored.Stock.OnHand - stored.Stock.Reserved);
            (ifMatch, gain) = before >= 0 ? (null, held) : (stored.ETag, Math.Max(0, before + held));
        }

        throw DomainException.Busy($"The stock of '{sku}'", Concurrency.RetryAfter);
    }

    private const string AvailablePath = "/index/available";

    private static string StockPath(string warehouseId) => $"/data/stock/{warehouseId}";

    private static string StockSql(string warehouseId) => $"c.data.stock[\"{warehouseId}\"]";

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static void RequireIds(string warehouseId, string holdId)
    {
        if (!Ids.IsWellFormed(warehouseId) || !Ids.IsWellFormed(holdId))
        {
            throw new ArgumentException("Warehouse and hold ids are ids: 1 to 64 letters, digits, '-', '_' or '.'.");
        }
    }

    /// <summary>One product document and the two requests made on it.</summary>
    private readonly record struct Item(Container Container, string Id, string Pk)
    {
        public bool CanName => CosmosContainers.CanName(Id) && CosmosContainers.CanName(Pk);

        /// <summary>OK, NotFound, or PreconditionFailed when the condition or ETag did not hold.</summary>
        public async Task<HttpStatusCode> PatchAsync(IReadOnlyList<PatchOperation> operations, string? condition, string? ifMatch, CancellationToken cancellationToken)
        {
            try
            {
                await Container.PatchItemAsync<object>(Id, new PartitionKey(Pk), operations,
                    new PatchItemRequestOptions { FilterPredicate = condition, IfMatchEtag = ifMatch, EnableContentResponseOnWrite = false }, cancellationToken).ConfigureAwait(false);
                return HttpStatusCode.OK;
            }
            catch (CosmosException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)
            {
                return e.StatusCode;
            }
        }

        /// <summary>The warehouse's stock as stored (a missing <c>holds</c> stays null here, unlike in the domain), with the
        /// document's ETag; null when the product or its warehouse record is gone.</summary>
        public async Task<Stored?> ReadStockAsync(string warehouseId, CancellationToken cancellationToken) =>
            await CosmosContainers.ReadAsync<StoredProduct>(Container, Id, Pk, cancellationToken).ConfigureAwait(false) is { } document
                && document.Data.Stock?.GetValueOrDefault(warehouseId) is { } stock
                ? new Stored(stock, document.ETag!)
                : null;
    }

    private sealed record Stored(StoredStock Stock, string ETag);

    private sealed record StoredProduct(Dictionary<string, StoredStock>? Stock);

    private sealed record StoredStock(decimal OnHand, decimal Reserved, Dictionary<string, decimal>? Holds);
}
