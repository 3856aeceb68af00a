using System.Collections.Concurrent;

namespace Agora.Core.Marketing;

/// <summary>The suppliers' marketing settings as the hot paths read them (every cart write asks whether idle carts raise
/// tasks): kept <see cref="Keep"/> per supplier in this process, so a cart write costs no settings read. A change through
/// <see cref="CampaignService"/> is seen at once by this process and within <see cref="Keep"/> by the others; the rules
/// that must be exact at their moment (a campaign run's cap and quiet hours) read the store.</summary>
public sealed class MarketingSettingsCache(IMarketingStore store, TimeProvider clock)
{
    public static readonly TimeSpan Keep = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (MarketingSettings Settings, DateTimeOffset Until)> _settings = new(StringComparer.Ordinal);

    public async Task<MarketingSettings> GetAsync(string supplierId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_settings.TryGetValue(supplierId, out var kept) && kept.Until > now)
        {
            return kept.Settings;
        }

        var settings = (await store.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false)).Value;
        _settings[supplierId] = (settings, now + Keep);
        return settings;
    }

    /// <summary>The supplier's settings changed: the next read asks the store.</summary>
    public void Forget(string supplierId) => _settings.TryRemove(supplierId, out _);
}
