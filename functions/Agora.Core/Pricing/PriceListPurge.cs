using Microsoft.Extensions.Logging;

namespace Agora.Core.Pricing;

/// <summary>A deleted price list whose prices are to be removed.</summary>
public sealed record PriceListPurge(string SupplierId, string ListId);

/// <summary>The queue that carries <see cref="PriceListPurge"/>s to <see cref="PriceListPurger"/>.</summary>
public interface IPriceListPurgeQueue
{
    Task SendAsync(PriceListPurge purge, CancellationToken cancellationToken);
}

/// <summary>Removes the prices of a deleted list, in the background: a list can hold a hundred thousand entries, too many
/// writes for the request that deletes it. Until then they no longer price (a quote reads entries only of the lists that
/// exist). Its deletes run as an import's writes do (<see cref="Imports.ImportOptions.WritesInFlight"/> at a time). A message removes at most <see cref="PerMessage"/> entries and queues the rest as a new message, so no run
/// outlives its host's timeout; running one twice removes nothing more.</summary>
public sealed partial class PriceListPurger(IPricingStore pricing, IPriceStore prices, IPriceListPurgeQueue queue, ILogger<PriceListPurger> logger, Imports.ImportOptions? options = null)
{
    private readonly Imports.ImportOptions _options = options ?? new Imports.ImportOptions();

    public const int PerMessage = 2000;
    private const int PageSize = 100;

    /// <summary>Removes up to <see cref="PerMessage"/> of the list's entries; returns how many.</summary>
    public async Task<int> PurgeAsync(PriceListPurge purge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purge);
        if (purge.ListId == PriceEntry.BaseList)
        {
            return 0; // the general prices are never a deleted list's: they price whether or not 'base' is described as a list
        }

        if (await pricing.FindAsync(purge.SupplierId, PricingRuleKind.Lists, purge.ListId, cancellationToken).ConfigureAwait(false) is not null)
        {
            LogRecreated(logger, purge.SupplierId, purge.ListId);
            return 0; // created again since: the prices it holds now are the new list's
        }

        var removed = 0;
        while (removed < PerMessage)
        {
            var page = await prices.ListAsync(purge.SupplierId, purge.ListId, null, null, PageSize, cancellationToken).ConfigureAwait(false);
            if (page.Items.Count == 0)
            {
                LogPurged(logger, purge.SupplierId, purge.ListId, removed);
                return removed;
            }

            await _options.ForEachAsync(page.Items, async (entry, ct) => await prices.DeleteAsync(purge.SupplierId, entry.Key, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            removed += page.Items.Count;
        }

        await queue.SendAsync(purge, cancellationToken).ConfigureAwait(false);
        LogContinued(logger, purge.SupplierId, purge.ListId, removed);
        return removed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Price list {SupplierId}/{ListId} was created again: its prices are kept")]
    private static partial void LogRecreated(ILogger logger, string supplierId, string listId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Price list {SupplierId}/{ListId} deleted: its last {Removed} prices removed")]
    private static partial void LogPurged(ILogger logger, string supplierId, string listId, int removed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Price list {SupplierId}/{ListId} deleted: {Removed} prices removed, the rest queued")]
    private static partial void LogContinued(ILogger logger, string supplierId, string listId, int removed);
}
