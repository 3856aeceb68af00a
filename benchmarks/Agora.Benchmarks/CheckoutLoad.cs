using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Agora.Core.Ordering;
using Agora.Functions.Tests;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Benchmarks;

/// <summary>Checkout through the local runtime, over HTTP, against the emulators: the end-to-end time and Cosmos requests
/// of a 1,000-line checkout, the size of its order document, then a load run of concurrent checkouts (orders/s, p50, p99).
/// Usage: <c>checkout [lines] [runs] [orders] [concurrency]</c> (defaults 1000 5 200 16).</summary>
public static class CheckoutLoad
{
    public static async Task RunAsync(int lines, int runs, int orders, int concurrency)
    {
        var backend = new BackendFixture();
        await backend.InitializeAsync();
        try
        {
            Console.WriteLine($"Seeding a supplier with {lines} products and a buyer with {orders} purchasers...");
            using var m = await SalesMarket.CreateAsync(backend, products: lines, stockW1: 1_000_000, stockW2: 1_000_000, extraPurchasers: orders);

            var big = new List<(double Ms, long Requests, int Bytes, double QuoteMs)>();
            for (var run = 0; run < runs + 1; run++)
            {
                await FillAsync(m, m.Purchaser, lines);

                // The same lines priced alone: what of the checkout is the pricing engine and its reads.
                var quoteWatch = Stopwatch.StartNew();
                var quote = await m.Purchaser.PostAsync($"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/quote", System.Net.Http.Json.JsonContent.Create(new
                {
                    lines = Enumerable.Range(0, lines).Select(i => new { sku = SalesMarket.Sku(i), unit = i % 3 == 0 ? "CX" : "UN", quantity = (decimal)(i % 5 + 1) }).ToArray(),
                }));
                var quoteMs = quoteWatch.Elapsed.TotalMilliseconds;
                await Ensure(quote, HttpStatusCode.OK);
                var watch = Stopwatch.StartNew();
                var response = await m.CheckoutAsync(m.Purchaser);
                var ms = watch.Elapsed.TotalMilliseconds;
                await Ensure(response, HttpStatusCode.Created);
                var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
                var stored = await backend.Backend.Services.GetRequiredService<ISalesDocuments<Order>>().FindAsync(id, default);
                var bytes = JsonSerializer.SerializeToUtf8Bytes(stored!.Value, Core.Common.Json.Options).Length;
                if (run > 0)
                {
                    big.Add((ms, long.Parse(response.Headers.GetValues("x-cosmos-requests").Single(), CultureInfo.InvariantCulture), bytes, quoteMs));
                }
            }

            var sorted = big.Select(b => b.Ms).Order().ToArray();
            var quotes = big.Select(b => b.QuoteMs).Order().ToArray();
            Console.WriteLine($"{lines}-line quote of the same lines: median {quotes[quotes.Length / 2]:0} ms, min {quotes[0]:0} ms");
            Console.WriteLine($"{lines}-line checkout, {runs} runs after a warm-up: median {sorted[sorted.Length / 2]:0} ms, min {sorted[0]:0} ms, max {sorted[^1]:0} ms; " +
                $"{big[0].Requests} Cosmos requests; order document {big.Max(b => b.Bytes) / 1024.0:0} KB ({big.Max(b => b.Bytes) * 100.0 / (2 * 1024 * 1024):0.0}% of the 2 MB item limit)");

            // The load: every purchaser's cart filled first (10 lines each), then every checkout, `concurrency` at a time.
            var clients = Enumerable.Range(0, orders).Select(i => m.As($"p{i}")).ToArray();
            await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (client, _) => await FillAsync(m, client, 10, offset: Random.Shared.Next(lines - 10)));
            var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
            var failures = 0;
            var wall = Stopwatch.StartNew();
            await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (client, _) =>
            {
                var watch = Stopwatch.StartNew();
                var response = await m.CheckoutAsync(client);
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref failures);
                }
            });
            var elapsed = wall.Elapsed.TotalSeconds;
            var all = latencies.Order().ToArray();
            Console.WriteLine($"Load: {orders} checkouts of 10 lines, {concurrency} at a time: {orders / elapsed:0.0} orders/s over {elapsed:0.0} s; " +
                $"latency p50 {all[all.Length / 2]:0} ms, p99 {all[(int)Math.Min(all.Length - 1, Math.Ceiling(all.Length * 0.99) - 1)]:0} ms, max {all[^1]:0} ms; {failures} not created");
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
        finally
        {
            await backend.DisposeAsync();
        }
    }

    private static async Task FillAsync(SalesMarket m, HttpClient client, int lines, int offset = 0)
    {
        foreach (var part in Enumerable.Range(offset, lines).Chunk(250))
        {
            await m.AddAsync(client, part.Select(i => (SalesMarket.Sku(i), i % 3 == 0 ? "CX" : (string?)"UN", (decimal)(i % 5 + 1))).ToArray());
        }
    }

    private static async Task Ensure(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
