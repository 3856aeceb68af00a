using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace Agora.Benchmarks;

/// <summary>The latency of ordinary requests through the running local backend, one at a time: a 2-line quote and GET
/// /api/me as igor of the demo data, after a warm-up. Made to compare configurations of the same backend (issue 14: with
/// and without an OpenTelemetry exporter): run the README's backend one way, this, then the other way, this again. It
/// never starts a backend. Usage: <c>local-requests [requests] [--url http://localhost:7071]</c>.</summary>
internal static class LocalRequests
{
    public static async Task<int> RunAsync(int requests, Uri url)
    {
        if (requests < 1)
        {
            Console.Error.WriteLine("local-requests [requests ≥ 1] [--url http://localhost:7071]");
            return 2;
        }

        HttpClient client;
        try
        {
            client = await LocalCampaign.ClientAsync(url, "igor").ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
        {
            Console.Error.WriteLine($"{e.Message} (is the README's backend running with its demo data?)");
            return 1;
        }

        using var _ = client;
        var quote = new { lines = new object[] { new { sku = "FER-001", unit = "UN", quantity = 4 }, new { sku = "FIX-002", unit = "UN", quantity = 30 } } };
        async Task<double> TimeAsync(Func<Task<HttpResponseMessage>> send, string what)
        {
            var watch = Stopwatch.StartNew();
            using var response = await send().ConfigureAwait(false);
            watch.Stop();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
            }

            return watch.Elapsed.TotalMilliseconds;
        }

        Task<double> Quote() => TimeAsync(() => client.PostAsJsonAsync("/api/orgs/construtora-horizonte/suppliers/acme-distribuidora/quote", quote), "the quote");
        Task<double> Me() => TimeAsync(() => client.GetAsync(new Uri("/api/me", UriKind.Relative)), "GET /api/me");
        for (var i = 0; i < 20; i++)
        {
            await Quote().ConfigureAwait(false);
            await Me().ConfigureAwait(false);
        }

        var quotes = new List<double>(requests);
        var mes = new List<double>(requests);
        for (var i = 0; i < requests; i++)
        {
            quotes.Add(await Quote().ConfigureAwait(false));
            mes.Add(await Me().ConfigureAwait(false));
        }

        static string Figures(List<double> ms)
        {
            ms.Sort();
            double At(double p) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(p * ms.Count) - 1)];
            return string.Create(CultureInfo.InvariantCulture, $"mean {ms.Average():F1} ms, p50 {At(0.5):F1}, p95 {At(0.95):F1}, p99 {At(0.99):F1}");
        }

        Console.WriteLine($"{requests} quotes (2 lines): {Figures(quotes)}");
        Console.WriteLine($"{requests} GET /api/me:      {Figures(mes)}");
        return 0;
    }
}
