using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Agora.Benchmarks;

/// <summary>A campaign to 10,000 people through the running local backend (issue 13): customers made through the API
/// (an organization per customer, its shoppers as members, its account at a supplier made for the run), one broadcast to
/// all of them, SendGrid made to refuse one request mid-send, the campaign timer run by the admin endpoint until every
/// person has it. It checks at the mail sink that the requests are ⌈recipients / 1,000⌉ accepted (plus the refused one),
/// that every person got exactly one email and nobody was missed, and prints the times. It never starts a backend: run the
/// README's <c>dotnet run --project functions/Agora.LocalHost</c> first. Usage: <c>local-campaign [recipients] [--per-customer
/// 5] [--fail-request 5] [--url http://localhost:7071]</c>.</summary>
internal static class LocalCampaign
{
    private const string MasterKey = "local-master-key";
    private const int InFlight = 16;

    public static async Task<int> RunAsync(int recipients, int perCustomer, int failRequest, Uri url)
    {
        if (recipients < 1 || perCustomer is < 1 or > 1000 || failRequest < 0)
        {
            Console.Error.WriteLine("local-campaign [recipients ≥ 1] [--per-customer 1 to 1000] [--fail-request n ≥ 0, 0 for none] [--url http://localhost:7071]");
            return 2;
        }

        var run = DateTimeOffset.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
        var supplier = $"mk{run}-supplier";
        using var anonymous = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
        using var admin = await ClientAsync(url, $"mk{run}-admin", $"admin@mk{run}.test");
        await Ok(await admin.PostAsJsonAsync("/api/orgs", new { id = supplier, name = $"Benchmark supplier {run}", country = "BR", defaultCurrency = "BRL", capabilities = new[] { "supplier" } }), "create the supplier");
        await Ok(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/marketing/settings", new { maxPerWeek = 50, quietFrom = "00:00", quietUntil = "00:00" }), "the marketing settings");

        // Customers: an organization each, created by its first shopper, with the others as purchasers, and its account.
        var customers = (recipients + perCustomer - 1) / perCustomer;
        var seeding = Stopwatch.StartNew();
        var requests = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, customers), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (c, ct) =>
        {
            var buyer = $"mk{run}-c{c}";
            var people = Math.Min(perCustomer, recipients - (c * perCustomer));
            using var owner = await ClientAsync(url, $"{buyer}-p0", $"p0@c{c}.mk{run}.test");
            await Ok(await owner.PostAsJsonAsync("/api/orgs", new { id = buyer, name = $"Cliente {c}", country = "BR", defaultCurrency = "BRL", capabilities = new[] { "buyer" } }, ct), "create a customer");
            for (var p = 1; p < people; p++)
            {
                await Ok(await owner.PutAsJsonAsync($"/api/orgs/{buyer}/members/{buyer}-p{p}", new { email = $"p{p}@c{c}.mk{run}.test", name = $"Pessoa {p}", roles = new[] { "purchaser" } }, ct), "add a shopper");
            }

            await Ok(await admin.PostAsJsonAsync($"/api/orgs/{supplier}/customers",
                new { buyerId = buyer, category = "bench", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 1000 }, ct), "create the account");
            Interlocked.Add(ref requests, people + 2);
        }).ConfigureAwait(false);
        seeding.Stop();
        Console.WriteLine($"seeded {customers} customers, {recipients} people in {seeding.Elapsed.TotalSeconds:F1} s ({requests} requests)");

        var created = await Json(await admin.PostAsJsonAsync($"/api/orgs/{supplier}/campaigns", new
        {
            name = $"Benchmark {run}",
            segment = new { categories = new[] { "bench" } },
            messages = new Dictionary<string, object> { ["pt-BR"] = new { subject = "Novidades para a {{company}}", body = "Olá {{name}},\n\nChegaram furadeiras novas: {{link}}" } },
        }), "create the campaign");
        var campaign = (string)created["campaign"]!["id"]!;
        await Ok(await anonymous.DeleteAsync(new Uri("/dev/mail", UriKind.Relative)), "clear the mail sink");
        if (failRequest > 0)
        {
            await Ok(await anonymous.PostAsJsonAsync("/dev/sendgrid/faults", new { failRequest }), "inject the fault");
        }

        await Ok(await admin.PostAsJsonAsync($"/api/orgs/{supplier}/campaigns/{campaign}/status", new { status = "active" }), "activate the campaign");
        // Run 1 ends at the refused request (its entry stays due) or, without a fault, when the campaign records its run;
        // each later run when the campaign records it. The timer also fires on its own every 15 minutes: harmless, a run
        // of a campaign already being sent waits for the one sending (its claim).
        var sending = Stopwatch.StartNew();
        var runs = new List<(TimeSpan Took, int Accepted, int Refused, long Sent)>();
        long sent = 0;
        while (sent < recipients && runs.Count < 5)
        {
            var before = await SinkAsync(anonymous);
            var lastRun = (string?)(await Json(await admin.GetAsync($"/api/orgs/{supplier}/campaigns/{campaign}"), "read the campaign"))["campaign"]!["lastRunAt"];
            var watch = Stopwatch.StartNew();
            await RunTimerAsync(anonymous);
            Sink now;
            while (true)
            {
                await Task.Delay(200).ConfigureAwait(false);
                now = await SinkAsync(anonymous);
                var read = await Json(await admin.GetAsync($"/api/orgs/{supplier}/campaigns/{campaign}"), "read the campaign");
                sent = (long)read["results"]!["sent"]!;
                if (now.Refused > before.Refused || (string?)read["campaign"]!["lastRunAt"] != lastRun || watch.Elapsed > TimeSpan.FromMinutes(10))
                {
                    break;
                }
            }

            runs.Add((watch.Elapsed, now.Accepted - before.Accepted, now.Refused - before.Refused, sent));
            Console.WriteLine($"run {runs.Count}: {watch.Elapsed.TotalSeconds:F1} s, {now.Accepted - before.Accepted} requests accepted, {now.Refused - before.Refused} refused; {sent} sent so far");
        }

        sending.Stop();
        var sink = await SinkAsync(anonymous);
        var mail = (JsonNode.Parse(await anonymous.GetStringAsync(new Uri("/dev/mail", UriKind.Relative)).ConfigureAwait(false)) as JsonArray)!
            .Where(m => (string?)m!["customArgs"]?["campaignId"] == campaign).ToArray();
        var people = mail.Select(m => (string)m!["to"]!).ToArray();
        var expected = (recipients + 999) / 1000;
        Console.WriteLine($"requests: {sink.Accepted} accepted (⌈{recipients} / 1,000⌉ = {expected}), {sink.Refused} refused; emails {people.Length}, distinct people {people.Distinct(StringComparer.Ordinal).Count()}");
        var busy = runs.Sum(r => r.Took.TotalSeconds);
        Console.WriteLine($"sending: {busy:F1} s in {runs.Count} runs ({string.Join(" + ", runs.Select(r => r.Took.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)))}); {recipients / Math.Max(0.001, busy):F0} emails/s");
        var ok = sink.Accepted == expected && sink.Refused == (failRequest is > 0 && failRequest <= expected ? 1 : 0)
            && people.Length == recipients && people.Distinct(StringComparer.Ordinal).Count() == recipients && sent == recipients;
        Console.WriteLine(ok ? "OK: every person exactly once, no request beyond the batches" : "FAILED: see the counts above");
        return ok ? 0 : 1;
    }

    /// <summary>A client of the running backend signed in as <paramref name="user"/> through its dev token route (with
    /// <paramref name="email"/> in the token when given: a person the demo data does not know).</summary>
    internal static async Task<HttpClient> ClientAsync(Uri url, string user, string? email = null)
    {
        var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
        var query = email is null ? string.Empty : $"?email={Uri.EscapeDataString(email)}";
        using var response = await client.PostAsync(new Uri($"/dev/token/{user}{query}", UriKind.Relative), null).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            client.Dispose();
            throw new InvalidOperationException($"POST /dev/token/{user} answered {(int)response.StatusCode}: {body}");
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)JsonNode.Parse(body)!["access_token"]!);
        return client;
    }

    private static async Task RunTimerAsync(HttpClient host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/admin/functions/RunCampaigns", UriKind.Relative)) { Content = JsonContent.Create(new { input = "" }) };
        request.Headers.Add("x-functions-key", MasterKey);
        await Ok(await host.SendAsync(request).ConfigureAwait(false), "run the campaign timer");
    }

    private sealed record Sink(int Count, int Accepted, int Refused);

    private static async Task<Sink> SinkAsync(HttpClient client)
    {
        var node = JsonNode.Parse(await client.GetStringAsync(new Uri("/dev/mail/requests", UriKind.Relative)).ConfigureAwait(false))!;
        return new Sink((int)node["count"]!, (int)node["accepted"]!, (int)node["refused"]!);
    }

    private static async Task<JsonNode> Json(HttpResponseMessage response, string what)
    {
        await Ok(response, what).ConfigureAwait(false);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false))!;
    }

    private static async Task Ok(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }
    }
}
