using Agora.Core.Billing;
using Agora.Infrastructure.Cosmos;
using Agora.Testing;

namespace Agora.Infrastructure.Tests;

/// <summary>Gap-free invoice numbers on the emulator (issue 12, decision 0018): concurrent issuers get consecutive
/// numbers, a retried issue keeps its number, and numbers not yet settled are listed for the sweep.</summary>
public sealed class InvoiceNumbersTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task A_hundred_invoices_issued_at_once_get_a_hundred_consecutive_numbers_and_a_retry_keeps_its_number()
    {
        var numbers = fixture.Get<IInvoiceNumbers>();
        var supplier = SharedEmulators.Unique("sup");
        var invoices = Enumerable.Range(1, 100).Select(i => $"inv-{i:000}").ToArray();

        // Each invoice asked for twice at once, as a duplicated queue message would.
        var taken = await Task.WhenAll(invoices.Concat(invoices).Select(async invoice => (invoice, await numbers.TakeAsync(supplier, "nf-1", invoice, default))));

        var byInvoice = taken.GroupBy(t => t.invoice).ToDictionary(g => g.Key, g => g.Select(t => t.Item2).Distinct().ToArray());
        Assert.All(byInvoice.Values, n => Assert.Single(n));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), byInvoice.Values.Select(n => n[0]).Order());
        Assert.Equal(byInvoice["inv-042"][0], await numbers.TakeAsync(supplier, "nf-1", "inv-042", default));
        Assert.Equal(1, await numbers.TakeAsync(supplier, "credit-notes", "cn-1", default)); // another series counts on its own
    }

    [Fact]
    public async Task Settled_numbers_age_out_of_the_journal_and_unsettled_ones_stay_listed_in_order()
    {
        var numbers = fixture.Get<IInvoiceNumbers>();
        var supplier = SharedEmulators.Unique("sup");
        var count = CosmosInvoiceNumbers.Kept + 20;
        for (var i = 1; i <= count; i++)
        {
            Assert.Equal(i, await numbers.TakeAsync(supplier, "nf-1", $"inv-{i:000}", default));
            if (i != 3)
            {
                await numbers.SettleAsync(supplier, "nf-1", $"inv-{i:000}", default);
            }
        }

        var next = await numbers.TakeAsync(supplier, "nf-1", "inv-next", default);
        var unsettled = await numbers.UnsettledAsync(supplier, "nf-1", default);

        Assert.Equal(count + 1, next);
        Assert.Equal([(3L, "inv-003"), (count + 1L, "inv-next")], unsettled);
        Assert.Equal(3, await numbers.TakeAsync(supplier, "nf-1", "inv-003", default)); // never settled: still its number
    }
}
