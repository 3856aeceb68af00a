using Agora.Core.Accounts;
using Agora.Core.Billing;
using Agora.Core.Common;
using Agora.Core.Ordering;
using Agora.Testing;

namespace Agora.Infrastructure.Tests;

/// <summary>The billing stores on the emulator (issue 12, decision 0018c): an issued document is created once and never
/// replaced, the customer ledger is written only on the version read (so a lost race is decided again), and summaries
/// list by side and status in one partition.</summary>
public sealed class BillingStoreTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static Invoice InvoiceOf(string id, string supplier, string buyer, decimal total) => new()
    {
        Id = id, Kind = InvoiceKind.Invoice, SupplierId = supplier, BuyerId = buyer, Series = "nf1", Number = 1,
        Seller = new InvoiceParty(supplier, "Acme", null, null), Buyer = new InvoiceParty(buyer, "Buyer", null, null), Currency = "BRL",
        Lines = [new InvoiceLine(1, "P-1", "Drill", "UN", 1, total, total, "o1", "2026-000001")], Total = total,
        Installments = [new Installment(1, new DateOnly(2026, 12, 31), total)], PaymentTerms = "30", IssuedOn = new DateOnly(2026, 12, 1), IssuedAt = At, Language = "en",
    };

    [Fact]
    public async Task An_invoice_is_created_once_and_a_second_document_under_its_id_returns_the_first()
    {
        var store = fixture.Get<IBillingStore>();
        var id = SharedEmulators.Unique("inv");

        var first = await store.CreateIfAbsentAsync(InvoiceOf(id, "acme", "buyer", 10m), default);
        var second = await store.CreateIfAbsentAsync(InvoiceOf(id, "acme", "buyer", 99m), default);

        Assert.Equal(10m, first.Total);
        Assert.Equal(10m, second.Total);
        Assert.Equal(10m, (await store.FindAsync(id, default))!.Total);
        Assert.Null(await store.FindAsync(SharedEmulators.Unique("none"), default));
    }

    [Fact]
    public async Task A_ledger_written_with_a_stale_version_is_refused_as_a_conflict_and_concurrent_payments_are_each_recorded_once_after_retrying()
    {
        var ledgers = fixture.Get<ISalesDocuments<CustomerLedger>>();
        var supplier = SharedEmulators.Unique("sup");
        var ledger = CustomerLedger.Empty(supplier, "buyer", At).Record(InvoiceOf("i1", supplier, "buyer", 100m), [new BilledPart(0, 1)], OrderOf(supplier), pending: false);
        var created = await ledgers.CreateAsync(ledger, default);
        await ledgers.ReplaceAsync(ledger with { UpdatedAt = At.AddMinutes(1) }, created.ETag, default);

        var stale = await Assert.ThrowsAsync<DomainException>(() => ledgers.ReplaceAsync(ledger, created.ETag, default));
        Assert.True(stale.IsWriteConflict);

        await Task.WhenAll(Enumerable.Range(1, 5).Select(i => Concurrency.RetryAsync("The ledger", async _ =>
        {
            var current = (await ledgers.FindAsync(ledger.Id, default))!;
            var allocation = PaymentAllocation.Allocate(current.Value.OpenInstallments(), 10m);
            return await ledgers.ReplaceAsync(current.Value.RecordPayment(new LedgerPayment($"p{i}", 10m, new DateOnly(2026, 12, 1), At, null, allocation.Allocations, allocation.Credit)),
                current.ETag, default);
        })));

        var stored = (await ledgers.FindAsync(ledger.Id, default))!.Value;
        Assert.Equal(["p1", "p2", "p3", "p4", "p5"], stored.Payments.Select(p => p.PaymentId).Order(StringComparer.Ordinal));
        Assert.Equal(50m, stored.Balance);
        Assert.Equal("ledger", stored.Kind);
    }

    [Fact]
    public async Task Summaries_list_in_each_partys_partition_by_status()
    {
        var store = fixture.Get<IBillingStore>();
        var supplier = SharedEmulators.Unique("sup");
        var buyer = SharedEmulators.Unique("buy");
        var today = new DateOnly(2027, 1, 10);
        InvoiceSummary Summary(string id, decimal open, DateOnly? due) =>
            new(id, InvoiceKind.Invoice, id.ToUpperInvariant(), supplier, "Acme", buyer, "Buyer", "o1", null, "BRL", 100m, open, new DateOnly(2026, 12, 1), At, due);
        await store.UpsertAsync(Summary("a", 100m, new DateOnly(2026, 12, 31)), default); // overdue on the 10th
        await store.UpsertAsync(Summary("b", 40m, new DateOnly(2027, 1, 31)), default);
        await store.UpsertAsync(Summary("c", 0m, null), default);

        async Task<string[]> Ids(string org, OrderSide side, InvoiceStatus? status) =>
            (await store.ListAsync(org, side, new InvoiceFilter(null, status, today), null, 10, default)).Items.Select(i => i.Id).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["a", "b", "c"], await Ids(supplier, OrderSide.Sales, null));
        Assert.Equal(["a", "b"], await Ids(buyer, OrderSide.Purchases, InvoiceStatus.Open));
        Assert.Equal(["a"], await Ids(supplier, OrderSide.Sales, InvoiceStatus.Overdue));
        Assert.Equal(["c"], await Ids(buyer, OrderSide.Purchases, InvoiceStatus.Paid));
        Assert.Empty(await Ids(buyer, OrderSide.Sales, null));
    }

    [Fact]
    public async Task A_payment_id_is_bound_to_the_first_customer_it_was_claimed_for()
    {
        var store = fixture.Get<IBillingStore>();
        var supplier = SharedEmulators.Unique("sup");

        var claims = await Task.WhenAll(store.ClaimPaymentAsync(supplier, "pix-1", "a", default), store.ClaimPaymentAsync(supplier, "pix-1", "a", default));
        var other = await store.ClaimPaymentAsync(supplier, "pix-1", "b", default);

        Assert.Equal(["a", "a", "a"], claims.Append(other));
        Assert.Equal("b", await store.ClaimPaymentAsync(SharedEmulators.Unique("sup"), "pix-1", "b", default)); // per supplier
    }

    private static Order OrderOf(string supplier) => new()
    {
        Id = "o1", Number = "2026-000001", SupplierId = supplier, SupplierName = "Acme", BuyerId = "buyer", BuyerName = "Buyer",
        PlacedBy = new Actor("pat", "Pat", null, "buyer"), Status = OrderStatus.Confirmed, Currency = "BRL", Lines = [], ListTotal = 0, DiscountTotal = 0, Total = 0,
        DeliveryAddress = new Address("hq", "HQ", "R", "L1", null, "São Paulo", "SP", "01000-000", "BR", null), DeliveryTerms = new DeliveryTerms("FOB", null),
        PaymentTerms = new PaymentTerms([30]), Approval = ApprovalProcess.None, Stock = StockState.Held, CreatedAt = At, UpdatedAt = At,
    };
}
