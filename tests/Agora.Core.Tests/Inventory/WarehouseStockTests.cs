using System.Text.Json;
using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Tests.Inventory;

/// <summary>A stored stock record reads back its holds, rounded, whatever the store's doubles drifted to.</summary>
public sealed class WarehouseStockTests
{
    private static readonly DateTimeOffset Now = WarehouseChoiceTests.Now;

    [Fact]
    public void A_stored_record_reads_back_rounded_and_without_holds_reads_as_holding_nothing()
    {
        var drifted = JsonSerializer.Deserialize<WarehouseStock>("""{"onHand":10,"reserved":0.30000000000000004,"asOf":"2026-11-27T12:00:00Z","holds":{"o1":0.1,"o2":0.2}}""", Json.Options)!;
        var released = JsonSerializer.Deserialize<WarehouseStock>("""{"onHand":10,"reserved":-2.7755575615628914e-17,"asOf":"2026-11-27T12:00:00Z","holds":{}}""", Json.Options)!;
        var old = JsonSerializer.Deserialize<WarehouseStock>("""{"onHand":10,"reserved":4,"asOf":"2026-11-27T12:00:00Z"}""", Json.Options)!;

        Assert.Equal((0.3m, 9.7m), (drifted.Reserved, drifted.Available));
        Assert.Equal("0.3", drifted.Reserved.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((0m, 10m), (released.Reserved, released.Available));
        Assert.Equal("0", released.Reserved.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new WarehouseStock(10, 4, Now), old);
        Assert.Empty(old.Holds!);
        Assert.Equal(new WarehouseStock(10, 0.3m, Now, new Dictionary<string, decimal> { ["o2"] = 0.2m, ["o1"] = 0.1m }), drifted);
        Assert.NotEqual(new WarehouseStock(10, 0.3m, Now, new Dictionary<string, decimal> { ["o1"] = 0.3m }), drifted);
    }

    [Fact]
    public void A_record_is_written_with_its_holds_and_an_empty_map_when_nothing_is_held()
    {
        Assert.Equal("""{"onHand":10,"asOf":"2026-11-27T12:00:00+00:00","reserved":0,"holds":{}}""", JsonSerializer.Serialize(new WarehouseStock(10, 0, Now), Json.Options));
        Assert.Equal("""{"onHand":10,"asOf":"2026-11-27T12:00:00+00:00","reserved":3,"holds":{"o1":3}}""",
            JsonSerializer.Serialize(new WarehouseStock(10, 3, Now, new Dictionary<string, decimal> { ["o1"] = 3 }), Json.Options));
    }
}
