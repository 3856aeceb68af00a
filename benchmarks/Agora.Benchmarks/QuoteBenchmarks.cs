using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Pricing;
using BenchmarkDotNet.Attributes;

namespace Agora.Benchmarks;

/// <summary>The <c>quote</c> mode's two main paths under BenchmarkDotNet (<c>--filter '*QuoteBenchmarks*'</c>): the engine
/// on the book <see cref="PricingService.QuoteAsync"/> builds for a 500-line cart, and the service itself over the
/// in-memory stores. Same data as <see cref="QuoteBench"/>.</summary>
[MemoryDiagnoser]
public class QuoteBenchmarks
{
    private QuoteData data = null!;
    private PricingBook book = null!;
    private PricingService service = null!;
    private Caller caller = null!;

    [GlobalSetup]
    public void Setup()
    {
        data = new QuoteData(QuoteData.Seed);
        var stores = new QuoteStores(data);
        service = new PricingService(stores, stores, stores, stores, stores, new AccessControl(stores), new FixedClock(), stores);
        book = service.BookAsync(QuoteData.SupplierId, data.Customer, data.Cart, CancellationToken.None).GetAwaiter().GetResult();
        caller = new Caller(QuoteStores.PurchaserId, "compras@example.com", "Compras");
    }

    [Benchmark(Baseline = true)]
    public Quote Engine() => PricingEngine.Price(QuoteData.SupplierId, data.Customer, book, data.Cart, QuoteData.Now);

    [Benchmark]
    public Task<Quote> Service() => service.QuoteAsync(caller, QuoteData.BuyerId, QuoteData.SupplierId, data.Cart, CancellationToken.None);
}
