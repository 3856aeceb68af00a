using Agora.Core.Accounts;
using Agora.Core.Common;

namespace Agora.Core.Tests;

public sealed class CustomerAccountServiceTests
{
    [Fact]
    public async Task A_sales_manager_opens_an_account_in_their_own_portfolio_and_the_buyer_sees_it()
    {
        var given = await new Given().MarketplaceAsync();

        var created = await given.Accounts.CreateAsync(Given.SalesManager, "supplier", Given.Account(), default);
        var asBuyer = await given.Accounts.GetAsBuyerAsync(Given.Purchaser, "buyer", "supplier", default);
        var buyerList = await given.Accounts.ListAsBuyerAsync(Given.Purchaser, "buyer", null, null, default);

        Assert.Equal(Given.SalesManager.UserId, created.Value.SalesManagerId);
        Assert.Equal("30/60/90", created.Value.PaymentTerms.Code);
        Assert.Equal("Buyer SA", created.Value.BuyerName);
        Assert.Equal(created.Value, asBuyer.Value);
        Assert.Equal("supplier", Assert.Single(buyerList.Items).SupplierId);
    }

    [Fact]
    public async Task A_sales_manager_cannot_change_another_managers_account_nor_hand_theirs_over()
    {
        var given = await new Given().MarketplaceAsync();
        var created = await given.Accounts.CreateAsync(Given.SalesManager, "supplier", Given.Account(), default);

        var other = await Assert.ThrowsAsync<DomainException>(() => given.Accounts.UpdateAsync(Given.OtherSales, "supplier", "buyer", Given.Account(), created.ETag, default));
        var handOver = await Assert.ThrowsAsync<DomainException>(() =>
            given.Accounts.UpdateAsync(Given.SalesManager, "supplier", "buyer", Given.Account(salesManager: Given.OtherSales.UserId), created.ETag, default));
        var byAdmin = await given.Accounts.UpdateAsync(Given.SupplierAdmin, "supplier", "buyer", Given.Account(salesManager: Given.OtherSales.UserId), created.ETag, default);

        Assert.Equal(FailureKind.Forbidden, other.Kind);
        Assert.Equal(FailureKind.Forbidden, handOver.Kind);
        Assert.Equal(Given.OtherSales.UserId, byAdmin.Value.SalesManagerId);
    }

    [Fact]
    public async Task Pricing_and_warehouse_staff_read_accounts_but_do_not_open_them()
    {
        var given = await new Given().MarketplaceAsync();
        await given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", Given.Account(), default);

        var pricing = await Assert.ThrowsAsync<DomainException>(() => given.Accounts.CreateAsync(Given.Pricing, "supplier", Given.Account("elsewhere"), default));
        var read = await given.Accounts.GetAsync(Given.Warehouse, "supplier", "buyer", default);

        Assert.Equal(FailureKind.Forbidden, pricing.Kind);
        Assert.Equal("CIF", read.Value.DeliveryTerms.Incoterm);
    }

    [Fact]
    public async Task Whether_a_buyer_exists_is_not_told_to_a_caller_who_may_not_open_the_account_nor_told_apart_from_not_buying()
    {
        var given = await new Given().MarketplaceAsync();

        // A sales manager who names another manager is refused before the buyer is looked up: the same 403 for a real
        // buyer and for an id that names nothing.
        var real = await Assert.ThrowsAsync<DomainException>(() => given.Accounts.CreateAsync(Given.SalesManager, "supplier", Given.Account("buyer", salesManager: Given.OtherSales.UserId), default));
        var made = await Assert.ThrowsAsync<DomainException>(() => given.Accounts.CreateAsync(Given.SalesManager, "supplier", Given.Account("no-such-org", salesManager: Given.OtherSales.UserId), default));
        var missing = await Assert.ThrowsAsync<DomainException>(() => given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", Given.Account("no-such-org"), default));
        await given.Organizations.CreateAsync(Given.Stranger, new CreateOrganization("seller", "Seller", null, "BR", "BRL", [Capability.Supplier]), default);
        var notBuying = await Assert.ThrowsAsync<DomainException>(() => given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", Given.Account("seller"), default));

        Assert.Equal((FailureKind.Forbidden, real.Message), (made.Kind, made.Message));
        Assert.Equal(FailureKind.Validation, missing.Kind);
        Assert.Equal(missing.Errors["buyerId"][0].Replace("no-such-org", "seller", StringComparison.Ordinal), notBuying.Errors["buyerId"][0]);
        Assert.Equal(missing.Errors.Keys, notBuying.Errors.Keys);
    }

    [Fact]
    public async Task Account_terms_are_validated_field_by_field()
    {
        var given = await new Given().MarketplaceAsync();
        var bad = new CustomerAccountInput("nobody", "bad category!", "XYZ", [60, 30], "ABC", null, -1m, "sup-wh", null, null);

        var e = await Assert.ThrowsAsync<DomainException>(() => given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", bad, default));

        Assert.Equal(["buyerId", "category", "creditLimit", "currency", "incoterm", "paymentTermsDays", "salesManagerId"], e.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_credit_limit_finer_than_the_currency_allows_is_refused()
    {
        var given = await new Given().MarketplaceAsync();

        var e = await Assert.ThrowsAsync<DomainException>(() =>
            given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", Given.Account() with { CreditLimit = 10.005m }, default));

        Assert.Contains("decimals", Assert.Single(e.Errors["creditLimit"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opening_a_second_account_for_the_same_buyer_is_a_conflict()
    {
        var given = await new Given().MarketplaceAsync();
        await given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", Given.Account(), default);

        var e = await Assert.ThrowsAsync<DomainException>(() => given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", Given.Account(), default));

        Assert.Equal(FailureKind.Conflict, e.Kind);
    }

    [Fact]
    public async Task Listings_page_by_buyer_id_with_an_opaque_cursor_and_filter_by_category()
    {
        var given = await new Given().MarketplaceAsync();
        foreach (var id in new[] { "b3", "b1", "b2", "b4" })
        {
            await given.Organizations.CreateAsync(new Caller("u-" + id, null, null), new CreateOrganization(id, id, null, "BR", "BRL", [Capability.Buyer]), default);
            await given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", Given.Account(id) with { Category = id == "b2" ? "retail" : "distributor" }, default);
        }

        var first = await given.Accounts.ListAsync(Given.Pricing, "supplier", null, null, 2, default);
        var second = await given.Accounts.ListAsync(Given.Pricing, "supplier", null, first.Next, 2, default);
        var retail = await given.Accounts.ListAsync(Given.Pricing, "supplier", "retail", null, null, default);
        var badCursor = await Assert.ThrowsAsync<DomainException>(() => given.Accounts.ListAsync(Given.Pricing, "supplier", null, "!!", null, default));
        var badLimit = await Assert.ThrowsAsync<DomainException>(() => given.Accounts.ListAsync(Given.Pricing, "supplier", null, null, 500, default));

        Assert.Equal(["b1", "b2"], first.Items.Select(a => a.BuyerId));
        Assert.Equal(["b3", "b4"], second.Items.Select(a => a.BuyerId));
        Assert.Null(second.Next);
        Assert.Equal("b2", Assert.Single(retail.Items).BuyerId);
        Assert.True(badCursor.Errors.ContainsKey("cursor"));
        Assert.True(badLimit.Errors.ContainsKey("limit"));
    }

    [Fact]
    public async Task A_buyer_member_cannot_read_another_buyers_account_and_supplier_staff_cannot_use_the_buyer_view()
    {
        var given = await new Given().MarketplaceAsync();
        await given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", Given.Account(), default);

        var stranger = await Assert.ThrowsAsync<DomainException>(() => given.Accounts.GetAsBuyerAsync(Given.Stranger, "buyer", "supplier", default));
        var supplierStaff = await Assert.ThrowsAsync<DomainException>(() => given.Accounts.ListAsBuyerAsync(Given.SalesManager, "supplier", null, null, default));

        Assert.Equal(FailureKind.NotFound, stranger.Kind);
        Assert.Equal(FailureKind.Forbidden, supplierStaff.Kind);
    }
}
