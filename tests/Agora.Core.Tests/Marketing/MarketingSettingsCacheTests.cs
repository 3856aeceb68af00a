using Agora.Core.Marketing;

namespace Agora.Core.Tests.Marketing;

/// <summary>The settings every cart write consults, kept 30 s per process: read once for many writes, a change made here
/// seen at once, one made by another instance within the 30 s.</summary>
public sealed class MarketingSettingsCacheTests
{
    [Fact]
    public async Task Many_reads_cost_one_store_read_a_forgotten_supplier_is_read_again_and_a_change_elsewhere_is_seen_after_30_seconds()
    {
        var world = new RunnerWorld();
        var cache = new MarketingSettingsCache(world.Marketing, world.Clock);
        world.Marketing.Settings = world.Marketing.Settings with { TaskCartAfterHours = 24 };

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(24, (await cache.GetAsync("acme", default)).TaskCartAfterHours);
        }

        Assert.Equal(1, world.Marketing.SettingsReads);

        world.Marketing.Settings = world.Marketing.Settings with { TaskCartAfterHours = 48 }; // changed by another instance
        Assert.Equal(24, (await cache.GetAsync("acme", default)).TaskCartAfterHours);
        world.Clock.Advance(MarketingSettingsCache.Keep);
        Assert.Equal(48, (await cache.GetAsync("acme", default)).TaskCartAfterHours);

        world.Marketing.Settings = world.Marketing.Settings with { TaskCartAfterHours = 72 }; // changed through this process
        cache.Forget("acme");
        Assert.Equal(72, (await cache.GetAsync("acme", default)).TaskCartAfterHours);
        Assert.Equal(3, world.Marketing.SettingsReads);
    }
}
