using Agora.Core.Catalog;
using Agora.Core.Ordering;
using Agora.Core.Tests.Pricing;

namespace Agora.Core.Tests.Ordering;

public sealed class CartViewTests
{
    private static readonly DateTimeOffset Now = Book.Now;

    private static Cart CartOf(params (string Sku, string Unit, decimal Quantity)[] lines) => new()
    {
        Id = "c1",
        Type = CartKind.Cart,
        BuyerId = "construtora",
        SupplierId = "acme",
        OwnerId = "pat",
        Lines = lines.Select((l, i) => new CartItem($"l{i}", l.Sku, l.Unit, l.Quantity, Now)).ToArray(),
        CreatedAt = Now,
        UpdatedAt = Now,
        LastActivityAt = Now,
    };

    private static (Book Book, Dictionary<string, Product> Products) Stocked(decimal onHand, decimal reserved = 0)
    {
        var book = new Book().Price("base", "PAR-1", "UN", 1m);
        var products = book.Products.ToDictionary(p => p.Sku);
        products["PAR-1"] = products["PAR-1"] with { Stock = new Dictionary<string, WarehouseStock> { ["w1"] = new(onHand, reserved, Now), ["off"] = new(1000, 0, Now) } };
        return (book, products);
    }

    [Fact]
    public void A_line_beyond_the_stock_of_active_warehouses_stops_checkout_when_the_supplier_takes_no_backorders()
    {
        var (book, products) = Stocked(30, reserved: 6);
        var cart = CartOf(("PAR-1", "CX", 2), ("PAR-1", "UN", 1));
        var view = CartViews.Build(cart, "BRL", book.Quote(("PAR-1", "CX", 2), ("PAR-1", "UN", 1)), products, new HashSet<string> { "w1" }, backorders: false, Now);

        // 24 available (30 - 6) in w1; the inactive warehouse's 1,000 do not count. 2 CX = 24 UN fit, then nothing is left.
        Assert.Empty(view.Lines[0].Problems);
        Assert.Equal(2m, view.Lines[0].Available);
        Assert.Contains("out of stock", Assert.Single(view.Lines[1].Problems), StringComparison.Ordinal);
        Assert.False(view.CanCheckOut);
    }

    [Fact]
    public void With_backorders_the_same_line_is_a_note_and_checkout_may_go_ahead()
    {
        var (book, products) = Stocked(10);
        var cart = CartOf(("PAR-1", "CX", 1));
        var view = CartViews.Build(cart, "BRL", book.Quote(("PAR-1", "CX", 1)), products, new HashSet<string> { "w1" }, backorders: true, Now);
        Assert.Empty(view.Lines[0].Problems);
        Assert.Contains("2 UN of PAR-1 are not in stock and will be backordered", Assert.Single(view.Lines[0].Notes), StringComparison.Ordinal);
        Assert.True(view.CanCheckOut);
    }

    [Fact]
    public void An_empty_cart_cannot_check_out_and_shows_zero_totals_in_the_accounts_currency()
    {
        var view = CartViews.Build(CartOf(), "BRL", null, new Dictionary<string, Product>(), new HashSet<string>(), backorders: false, Now);
        Assert.False(view.CanCheckOut);
        Assert.Equal(0m, view.Total);
        Assert.Equal("BRL", view.Currency);
    }

    [Fact]
    public void Backorder_policies_allow_until_their_last_day()
    {
        var until = new OrderingSettings(BackorderPolicy.AllowUntil, new DateOnly(2026, 12, 24), 72, 10, 30);
        Assert.True(until.AllowsBackorders(new DateOnly(2026, 12, 24)));
        Assert.False(until.AllowsBackorders(new DateOnly(2026, 12, 25)));
        Assert.False(OrderingSettings.Default.AllowsBackorders(new DateOnly(2026, 12, 1)));
    }
}
