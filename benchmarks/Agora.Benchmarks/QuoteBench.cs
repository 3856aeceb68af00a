using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Security.Cryptography;
using System.Text.Json;
using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Pricing;

namespace Agora.Benchmarks;

/// <summary>The <c>quote</c> mode: a 500-line cart priced for one customer against <see cref="QuoteData"/> (100,000
/// products, 5,000 lists, 200 active promotions...). The book is the one <see cref="PricingService.QuoteAsync"/> reads
/// (<see cref="PricingService.BookAsync"/>, and the run checks that the engine on it and the service price the cart to
/// the same JSON); <see cref="PricingEngine.Price"/> is timed on it, one quote at a time, with the bytes each quote
/// allocates. Also timed: the engine given every one of the 5,000 lists and their entries for the cart's SKUs, the
/// engine with lowest-price resolution, and <see cref="PricingService.QuoteAsync"/> itself over the in-memory stores.</summary>
internal static class QuoteBench
{
    private const string ServicePath = "PricingService.QuoteAsync, in-memory stores";

    public static async Task RunAsync(int rounds, int quotesPerRound, int seed, string? dump, string? only)
    {
        var generate = Stopwatch.StartNew();
        var data = new QuoteData(seed);
        var stores = new QuoteStores(data);
        Console.WriteLine(Invariant($"quote: seed {seed}, generated in {generate.Elapsed.TotalSeconds:F1} s: {data.Products.Count:N0} products, {data.Lists.Count:N0} price lists, {data.Entries.Count:N0} price entries, {data.Rules.Count - data.Lists.Count:N0} other pricing rules"));
        Console.WriteLine(Invariant($".NET {Environment.Version}, {Environment.ProcessorCount} cores, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, load average {LoadAverage()}"));

        var service = new PricingService(stores, stores, stores, stores, stores, new AccessControl(stores), new FixedClock(), stores);
        var caller = new Caller(QuoteStores.PurchaserId, "compras@example.com", "Compras");
        var request = data.Cart;
        var book = await service.BookAsync(QuoteData.SupplierId, data.Customer, request, CancellationToken.None);
        var everyList = book with { Lists = data.Lists, Entries = stores.AllEntriesOf(book.Products.Keys) };
        var lowest = book with { Settings = book.Settings with { Resolution = ListResolution.LowestPrice } };
        Describe(data, book, request);
        Console.WriteLine(Invariant($"the every-list variant: all {everyList.Lists.Count:N0} lists and the {everyList.Entries.Count:N0} entries of the cart's SKUs in any of them"));

        // The mirrored book must price exactly as the service does.
        var fromEngine = PricingEngine.Price(QuoteData.SupplierId, data.Customer, book, request, QuoteData.Now);
        var fromService = await service.QuoteAsync(caller, QuoteData.BuyerId, QuoteData.SupplierId, request, CancellationToken.None);
        var json = JsonSerializer.Serialize(fromEngine, Json.Options);
        Check(json == JsonSerializer.Serialize(fromService, Json.Options), "the benchmark's book and PricingService.QuoteAsync price the cart differently");
        Summarize(fromEngine, json);
        if (dump is not null)
        {
            File.WriteAllText(dump, json);
            foreach (var (name, variant) in new[] { ("every-list", everyList), ("lowest", lowest) })
            {
                File.WriteAllText(Path.ChangeExtension(dump, $".{name}.json"), JsonSerializer.Serialize(PricingEngine.Price(QuoteData.SupplierId, data.Customer, variant, request, QuoteData.Now), Json.Options));
            }

            Console.WriteLine($"quotes written to {dump} (and .every-list.json, .lowest.json)");
        }

        // What a quote allocates before its lines (the book's indexes) and per line, on the same book.
        var oneLine = request with { Lines = request.Lines!.Take(1).ToArray() };
        var perQuote = Allocated(() => PricingEngine.Price(QuoteData.SupplierId, data.Customer, book, oneLine, QuoteData.Now));
        var whole = Allocated(() => PricingEngine.Price(QuoteData.SupplierId, data.Customer, book, request, QuoteData.Now));
        Console.WriteLine(Invariant($"engine allocations: {perQuote / 1024.0:N0} KiB for a 1-line cart, {whole / 1024.0:N0} KiB for the {request.Lines!.Count}-line cart: {(whole - perQuote) / (request.Lines.Count - 1.0) / 1024:N2} KiB per more line"));

        var callsBefore = stores.Calls;
        _ = await service.QuoteAsync(caller, QuoteData.BuyerId, QuoteData.SupplierId, request, CancellationToken.None);
        Console.WriteLine(Invariant($"store calls per quote through PricingService: {stores.Calls - callsBefore}"));

        var paths = new (string Name, Func<object> Run)[]
        {
            ("engine, the book PricingService builds", () => PricingEngine.Price(QuoteData.SupplierId, data.Customer, book, request, QuoteData.Now)),
            ("engine, every one of the 5,000 lists", () => PricingEngine.Price(QuoteData.SupplierId, data.Customer, everyList, request, QuoteData.Now)),
            ("engine, lowest-price resolution", () => PricingEngine.Price(QuoteData.SupplierId, data.Customer, lowest, request, QuoteData.Now)),
            (ServicePath, () => service.QuoteAsync(caller, QuoteData.BuyerId, QuoteData.SupplierId, request, CancellationToken.None).GetAwaiter().GetResult()),
        };

        if (only is not null)
        {
            paths = paths.Where(p => p.Name.StartsWith(only, StringComparison.Ordinal)).ToArray();
        }

        // Warm-up: past tiered JIT's promotion to optimized code (30 calls, then a background compile).
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(3))
        {
            foreach (var (_, run) in paths)
            {
                _ = run();
            }
        }

        var storeTicks = 0L;
        var samples = paths.ToDictionary(p => p.Name, _ => new List<(double Micros, long Bytes)>());
        var roundMedians = paths.ToDictionary(p => p.Name, _ => new List<double>());
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        for (var round = 0; round < rounds; round++)
        {
            // Alternate the order so no path always follows another's garbage.
            foreach (var (name, run) in round % 2 == 0 ? paths : paths.Reverse())
            {
                var times = new List<double>(quotesPerRound);
                var ticksBefore = stores.Ticks;
                for (var q = 0; q < quotesPerRound; q++)
                {
                    var bytes = GC.GetAllocatedBytesForCurrentThread();
                    var start = Stopwatch.GetTimestamp();
                    _ = run();
                    var micros = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                    samples[name].Add((micros, GC.GetAllocatedBytesForCurrentThread() - bytes));
                    times.Add(micros);
                }

                roundMedians[name].Add(Median(times));
                storeTicks += name == ServicePath ? stores.Ticks - ticksBefore : 0;
            }
        }

        var gcAfter = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        Console.WriteLine(Invariant($"{rounds} rounds × {quotesPerRound} quotes per path, after a 3 s warm-up; load average now {LoadAverage()}"));
        Console.WriteLine(Invariant($"{"path",-46} {"median µs",10} {"mean µs",10} {"min µs",10} {"p90 µs",10} {"lines/s (1 core)",17} {"alloc/quote",12}  round medians µs"));
        foreach (var (name, _) in paths)
        {
            var micros = samples[name].Select(s => s.Micros).Order().ToArray();
            var median = Median(micros);
            var bytes = Median(samples[name].Select(s => (double)s.Bytes).ToArray());
            Console.WriteLine(Invariant($"{name,-46} {median,10:N0} {micros.Average(),10:N0} {micros[0],10:N0} {micros[(int)(micros.Length * 0.9)],10:N0} {QuoteData.CartLines / (median / 1e6),17:N0} {bytes / 1024,9:N0} KiB  {string.Join(" ", roundMedians[name].Select(m => m.ToString("N0", CultureInfo.InvariantCulture)))}"));
        }

        if (samples.TryGetValue(ServicePath, out var quotes))
        {
            Console.WriteLine(Invariant($"{ServicePath}: of its mean, {Stopwatch.GetElapsedTime(0, storeTicks).TotalMicroseconds / quotes.Count:N0} µs in the in-memory stores' lookups (the database's work in production)"));
        }

        Console.WriteLine(Invariant($"GCs during the rounds: gen0 {gcAfter.Item1 - gcBefore.Item1}, gen1 {gcAfter.Item2 - gcBefore.Item2}, gen2 {gcAfter.Item3 - gcBefore.Item3}, pauses {(gcAfter.Item4 - gcBefore.Item4).TotalMilliseconds:F0} ms"));
    }

    private static void Describe(QuoteData data, PricingBook book, QuoteRequest request)
    {
        var now = QuoteData.Now;
        var customer = data.Customer;
        var candidates = book.Lists.Where(l => l.Active && l.IsValidAt(now) && l.Audience.Includes(customer)).ToArray();
        var active = book.Promotions.Where(p => p.IsValidAt(now)).ToArray();
        Console.WriteLine(Invariant($"the book: {book.Lists.Count} of the {data.Lists.Count:N0} lists (the customer's audiences; {candidates.Length} valid and active: {string.Join(", ", candidates.Select(l => l.Id))}), {book.Entries.Count:N0} entries for {book.Products.Count} products"));
        Console.WriteLine(Invariant($"  {book.Discounts.Count} discount rates ({book.Discounts.Count(d => d.IsValidAt(now))} in their window), {book.Promotions.Count} promotions ({active.Length} in their window: {string.Join(", ", active.GroupBy(p => p.Clearance ? "Clearance" : p.Reward.Kind.ToString()).Select(g => $"{g.Count()} {g.Key}"))}; {active.Count(p => p.CouponCode is not null)} with coupons, {active.Count(p => p.UsageLimitPerCustomer is not null)} with usage limits, {active.Count(p => p.Stacking == Stacking.Exclusive)} exclusive)"));
        Console.WriteLine(Invariant($"  {book.VolumeDiscounts.Count} volume discounts, {book.QuantityRules.Count} quantity rules, {book.PromotionUses.Count} promotions used before, {book.Settings.ExchangeRates.Count} exchange rates; {data.Rules.Count - data.Lists.Count - book.Discounts.Count - book.Promotions.Count - book.VolumeDiscounts.Count - book.QuantityRules.Count} rules for other customers left out by the store"));
        var lines = request.Lines!;
        Console.WriteLine(Invariant($"the cart: {lines.Count} lines, {lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).Count()} SKUs, units {string.Join(", ", lines.GroupBy(l => l.Unit!.ToUpperInvariant()).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"))}, {request.CouponCodes!.Count} coupons"));
    }

    private static void Summarize(Quote quote, string json)
    {
        var adjustments = quote.Lines.SelectMany(l => l.Adjustments).GroupBy(a => a.Kind).Select(g => $"{g.Count()} {g.Key}");
        Console.WriteLine(Invariant($"the quote: {string.Join(", ", quote.Lines.GroupBy(l => l.Status).Select(g => $"{g.Count()} {g.Key}"))}; adjustments {string.Join(", ", adjustments)}; {quote.Lines.Count(l => l.Hints.Count > 0)} lines with a tier hint, {quote.Lines.Count(l => l.Issues.Count > 0)} with issues, {quote.Lines.Count(l => l.Source?.ExchangeRate is not null)} converted"));
        Console.WriteLine(Invariant($"  list total {quote.ListTotal:N2} {quote.Currency}, discounts {quote.DiscountTotal:N2}, total {quote.Total:N2}; {json.Length / 1024:N0} KiB of JSON, SHA-256 {Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)))[..16]}"));
    }

    private static long Allocated(Func<Quote> run)
    {
        for (var i = 0; i < 30; i++)
        {
            _ = run();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        _ = run();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
