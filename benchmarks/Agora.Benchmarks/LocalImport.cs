using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.Azure.Cosmos;

namespace Agora.Benchmarks;

/// <summary>A large price file through the local runtime as a supplier sends it (issue 11): uploaded over HTTP, then the
/// identical bytes dropped in blob storage, each timed from the moment the file is handed over to <c>completed</c>, while
/// a buyer asks for quotes every 2 s; and, in the same run, the Cosmos emulator's own speed for plain upserts and point
/// reads, so the import's writes/s are judged against what the database under it can take here rather than against a
/// figure from another day's load. It drives a backend started separately with the README's command (<c>dotnet run
/// --project functions/Agora.LocalHost</c>) and never starts one: what is measured is that runtime, its emulators and its
/// configuration, exactly as a developer runs them. Usage: <c>local-import [rows] [--url http://localhost:7071] [--skus
/// 1000] [--timeout 60] [--quote-every 2]</c>: minutes per import before it counts as failed, seconds between quotes (0: no
/// quotes, to see what the quotes cost the import).</summary>
internal static class LocalImport
{
    private const string Supplier = "acme-distribuidora";
    private const string Buyer = "construtora-horizonte";

    /// <summary>Under the demo's "Ferramentas", which the construction category's assortment includes, so igor's buyer may
    /// quote the benchmark's SKUs; the run checks it rather than assuming it.</summary>
    private const string Category = "Ferramentas > Bancada de testes";

    /// <summary>Documents per level of the raw emulator measurement: enough for a steady rate, about 5 s each here.</summary>
    private const int RawDocuments = 10_000;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Runs every step and prints the summary; returns the process's exit code: 1 when a check failed (a job
    /// failed or timed out, a quote was not 200, a row that should have been written was not, the re-drop wrote rows).</summary>
    public static async Task<int> RunAsync(int rows, Uri url, int skus, TimeSpan timeout, TimeSpan quoteEvery)
    {
        if (rows < 1 || skus is < 1 or > 99_999 || quoteEvery < TimeSpan.Zero)
        {
            Console.Error.WriteLine("local-import [rows ≥ 1] [--url http://localhost:7071] [--skus 1 to 99999] [--timeout minutes] [--quote-every seconds, 0 for none]");
            return 2;
        }

        try
        {
            return await new Run(rows, url, skus, timeout, quoteEvery).ExecuteAsync().ConfigureAwait(false);
        }
        catch (BenchmarkFailure e)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"FAILED: {e.Message}");
            return 1;
        }
    }

    /// <summary>A step that cannot go on: the run stops and says why.</summary>
    private sealed class BenchmarkFailure(string message) : Exception(message);

    /// <summary>One state of a job as the API returned it; <see cref="UpdatedAt"/> is the server's time of that save.</summary>
    private sealed record Sample(TimeSpan Observed, DateTimeOffset UpdatedAt, string Status, long RowsRead, long Applied, long Unchanged, long Rejected)
    {
        public long Done => Applied + Unchanged + Rejected;
    }

    /// <summary>A followed job: every state seen, the run's start and end by the server's clock, the final record.</summary>
    private sealed record Followed(JsonNode Job, IReadOnlyList<Sample> Samples, DateTimeOffset RunStart, DateTimeOffset FinishedAt, TimeSpan Observed)
    {
        public long Applied => (long?)Job["applied"] ?? 0;

        public long Unchanged => (long?)Job["unchanged"] ?? 0;

        public long Rejected => (long?)Job["rejected"] ?? 0;

        /// <summary>Runs of the job: more than 1 when the blob trigger retried it after a failure (1, 2, 4, 8 minutes later, locally).</summary>
        public int Attempts => (int?)Job["attempts"] ?? 0;
    }

    /// <summary>One quote asked while an import ran.</summary>
    private sealed record QuoteResult(TimeSpan At, double Milliseconds, HttpStatusCode Status, string? Detail);

    /// <summary>Rates of the emulator alone: upserts and point reads per second at each number of requests in flight.</summary>
    private sealed record RawSpeed(double Upserts32, double Upserts16, double Reads32, double Reads16);

    /// <summary>A scratch document shaped like a stored price entry (<c>Document&lt;PriceEntry&gt;</c>), so the raw rate is
    /// for documents of the import's size.</summary>
    private sealed record ScratchDocument(string Id, string Pk, string Type, ScratchPrice Data);

    private sealed record ScratchPrice(string SupplierId, string PriceListId, string Sku, string Unit, int MinQuantity, decimal Price, string Currency, DateTimeOffset UpdatedAt);

    /// <summary>The endpoints the backend was started with: local.settings.json at the repository root (as
    /// <c>Agora.LocalHost</c> reads it), else its sample, with environment variables over either, as the backend does.</summary>
    private sealed record Endpoints(string CosmosEndpoint, string CosmosKey, string Storage, string Source)
    {
        public static Endpoints Read()
        {
            string? path = null;
            foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null && path is null; dir = dir.Parent)
                {
                    path = new[] { "local.settings.json", "local.settings.sample.json" }.Select(f => Path.Combine(dir.FullName, f)).FirstOrDefault(File.Exists);
                }

                if (path is not null)
                {
                    break;
                }
            }

            var values = path is null ? null : JsonNode.Parse(File.ReadAllText(path))?["Values"];
            string Value(string name, string fallback) => Environment.GetEnvironmentVariable(name) ?? (string?)values?[name] ?? fallback;
            return new Endpoints(
                Value("CosmosDb__Endpoint", "http://127.0.0.1:8081/"),
                Value("CosmosDb__Key", "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="),
                Value("AzureWebJobsStorage", "UseDevelopmentStorage=true"),
                path ?? "defaults");
        }
    }

    private sealed class Run(int rows, Uri url, int skus, TimeSpan timeout, TimeSpan quoteEvery)
    {
        private readonly List<string> _failures = [];
        private readonly List<(string Verdict, string What)> _facts = [];

        public async Task<int> ExecuteAsync()
        {
            var endpoints = Endpoints.Read();
            var loadBefore = LoadAverage();
            Console.WriteLine($"local-import: {rows:N0} rows over {skus:N0} SKUs against {url} (endpoints from {endpoints.Source})");
            using var anon = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
            await CheckBackendAsync(anon).ConfigureAwait(false);
            using var admin = await SignInAsync(anon, "ana").ConfigureAwait(false);
            using var buyer = await SignInAsync(anon, "igor").ConfigureAwait(false);

            // 1. The catalog the prices name, idempotent: the same file every run (its rows unchanged after the first).
            Console.WriteLine($"Catalog: {skus:N0} products BENCH-00001... in UN and CX ({Category})...");
            var catalogWatch = Stopwatch.StartNew();
            var catalogJob = await UploadAsync(admin, "catalog", $"bench-catalogo-{skus}.csv", CatalogFile(skus)).ConfigureAwait(false);
            var catalog = await FollowAsync(admin, catalogJob, catalogWatch, "catalog").ConfigureAwait(false);
            Check(catalog.Applied + catalog.Unchanged == skus && catalog.Rejected == 0,
                $"the catalog import applied or kept every product ({catalog.Applied:N0} applied, {catalog.Unchanged:N0} unchanged, {catalog.Rejected:N0} rejected of {skus:N0})");
            Console.WriteLine($"  completed in {catalog.Observed.TotalSeconds:N1} s: {catalog.Applied:N0} applied, {catalog.Unchanged:N0} unchanged");

            // 5 (first half). Which SKUs the buyer's quotes name: the benchmark's if its assortment shows them.
            var quote = await ChooseQuoteAsync(buyer).ConfigureAwait(false);

            // 2. The emulator alone, in this run, before the import loads it.
            Console.WriteLine($"Raw emulator speed: {RawDocuments:N0} upserts and point reads at 32 and at 16 in flight, scratch database...");
            var raw = await MeasureEmulatorAsync(endpoints).ConfigureAwait(false);
            Console.WriteLine($"  upserts/s {raw.Upserts32:N0} (32 in flight), {raw.Upserts16:N0} (16); point reads/s {raw.Reads32:N0} (32), {raw.Reads16:N0} (16)");

            // 3. The price file: new prices every run, so the first import writes every row.
            var seed = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var file = $"bench-precos-{rows}.csv";
            var bytes = PriceFile(rows, skus, seed);
            var units = Math.Min(2, (rows + skus - 1) / skus);
            var tiers = (rows + 2L * skus - 1) / (2L * skus);
            Console.WriteLine($"Price file {file}: {rows:N0} rows ({Math.Min(skus, rows):N0} SKUs × {units} units × up to {tiers:N0} minimum quantities, list base), {bytes.Length / 1024.0 / 1024:N2} MiB, seed {seed}");

            // 4. Uploaded over HTTP as ana, followed to completed, with igor's quotes every 2 s meanwhile.
            Console.WriteLine($"Upload over HTTP, followed every 500 ms, {(quoteEvery > TimeSpan.Zero ? $"a quote every {quoteEvery.TotalSeconds:0.#} s" : "no quotes")}...");
            var uploaded = await TimedAsync(buyer, quote, quoteEvery, async watch =>
            {
                var id = await UploadAsync(admin, "prices", file, bytes).ConfigureAwait(false);
                return await FollowAsync(admin, id, watch, "price upload").ConfigureAwait(false);
            }).ConfigureAwait(false);
            var (first, uploadStart, firstQuotes) = uploaded;
            // A run retried after a failure resumes from its last checkpoint, and the rows an earlier attempt wrote after it
            // are found unchanged: only then may the upload count unchanged rows.
            Check(first.Applied + first.Unchanged == rows && first.Rejected == 0 && (first.Unchanged == 0 || first.Attempts > 1),
                $"the upload wrote every row ({first.Applied:N0} applied, {first.Unchanged:N0} unchanged, {first.Rejected:N0} rejected of {rows:N0}, in {first.Attempts} attempt(s))");
            CheckQuotes(firstQuotes, "during the upload's import");

            // 6. The identical bytes dropped in storage, as a supplier's system re-sends a file: nothing to write.
            Console.WriteLine($"Re-drop of the identical bytes at imports/{Supplier}/prices/{file}...");
            var blobs = new BlobServiceClient(endpoints.Storage).GetBlobContainerClient("imports").GetBlobClient($"{Supplier}/prices/{file}");
            var redropped = await TimedAsync(buyer, quote, quoteEvery, async watch =>
            {
                var etag = (await blobs.UploadAsync(new BinaryData(bytes), overwrite: true).ConfigureAwait(false)).Value.ETag.ToString();
                var id = await FindDroppedJobAsync(admin, file, etag, watch).ConfigureAwait(false);
                return await FollowAsync(admin, id, watch, "re-drop").ConfigureAwait(false);
            }).ConfigureAwait(false);
            var (second, dropStart, secondQuotes) = redropped;
            Check(second.Applied == 0, $"the re-drop wrote nothing ({second.Applied:N0} applied)");
            Check(second.Unchanged == rows && second.Rejected == 0, $"the re-drop found every row unchanged ({second.Unchanged:N0} unchanged, {second.Rejected:N0} rejected of {rows:N0})");
            CheckQuotes(secondQuotes, "during the re-drop's import");

            // 7. Everything in one table.
            Summarize(raw, catalog, file, bytes.Length, first, uploadStart, firstQuotes, second, dropStart, secondQuotes, quote, loadBefore, LoadAverage());
            return _failures.Count == 0 ? 0 : 1;
        }

        private void Check(bool passed, string what)
        {
            _facts.Add((passed ? "PASS" : "FAIL", what));
            if (!passed)
            {
                _failures.Add(what);
            }
        }

        private void CheckQuotes(IReadOnlyList<QuoteResult> quotes, string when)
        {
            if (quoteEvery == TimeSpan.Zero)
            {
                return;
            }

            var bad = quotes.Where(q => q.Status != HttpStatusCode.OK).ToArray();
            Check(quotes.Count > 0 && bad.Length == 0,
                $"every quote {when} answered 200 ({quotes.Count - bad.Length} of {quotes.Count}{(bad.Length > 0 ? $"; first failure {(int)bad[0].Status}: {bad[0].Detail}" : string.Empty)})");
        }

        private static async Task CheckBackendAsync(HttpClient anon)
        {
            try
            {
                using var health = await anon.GetAsync(new Uri("/api/health", UriKind.Relative)).ConfigureAwait(false);
                if (health.StatusCode != HttpStatusCode.OK)
                {
                    throw new BenchmarkFailure($"{anon.BaseAddress}api/health answered {(int)health.StatusCode}: {await health.Content.ReadAsStringAsync().ConfigureAwait(false)}");
                }
            }
            catch (HttpRequestException e)
            {
                throw new BenchmarkFailure($"no backend at {anon.BaseAddress} ({e.Message}). Start it in another terminal with `dotnet run --project functions/Agora.LocalHost` and run this again.");
            }
        }

        private static async Task<HttpClient> SignInAsync(HttpClient anon, string user)
        {
            using var response = await anon.PostAsync(new Uri($"/dev/token/{user}", UriKind.Relative), null).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new BenchmarkFailure($"POST /dev/token/{user} answered {(int)response.StatusCode}: {body} (the dev token route exists only with the local settings).");
            }

            var client = new HttpClient { BaseAddress = anon.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)JsonNode.Parse(body)!["access_token"]!);
            return client;
        }

        /// <summary>Uploads a supplier file (POST /api/orgs/{supplierId}/imports) and returns its job's id.</summary>
        private static async Task<string> UploadAsync(HttpClient admin, string kind, string file, byte[] bytes)
        {
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            using var response = await admin.PostAsync(new Uri($"/api/orgs/{Supplier}/imports?kind={kind}&file={Uri.EscapeDataString(file)}", UriKind.Relative), content).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new BenchmarkFailure($"uploading {file} answered {(int)response.StatusCode}: {body}");
            }

            return (string)JsonNode.Parse(body)!["id"]!;
        }

        /// <summary>The job the blob trigger creates for the dropped version, found in the supplier's list of imports.</summary>
        private async Task<string> FindDroppedJobAsync(HttpClient admin, string file, string etag, Stopwatch watch)
        {
            var deadline = watch.Elapsed + timeout;
            while (watch.Elapsed < deadline)
            {
                using var response = await admin.GetAsync(new Uri($"/api/orgs/{Supplier}/imports?limit=20", UriKind.Relative)).ConfigureAwait(false);
                var page = JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
                var job = page?["items"]?.AsArray().FirstOrDefault(j => (string?)j!["file"] == file && ((string?)j["version"])?.Trim('"') == etag.Trim('"'));
                if (job is not null)
                {
                    return (string)job["id"]!;
                }

                await Task.Delay(PollInterval).ConfigureAwait(false);
            }

            throw new BenchmarkFailure($"no import of the dropped {file} (version {etag}) appeared within {timeout.TotalMinutes:N0} min: is the blob trigger polling imports/?");
        }

        /// <summary>Polls a job every 500 ms until it completes; a failed or superseded job, or one past the timeout, stops the run.</summary>
        private async Task<Followed> FollowAsync(HttpClient admin, string id, Stopwatch watch, string what)
        {
            var samples = new List<Sample>();
            var deadline = watch.Elapsed + timeout;
            var lastPrint = TimeSpan.Zero;
            DateTimeOffset? runStart = null;
            while (true)
            {
                using var response = await admin.GetAsync(new Uri($"/api/orgs/{Supplier}/imports/{id}", UriKind.Relative)).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new BenchmarkFailure($"GET import {id} ({what}) answered {(int)response.StatusCode}: {body}");
                }

                var job = JsonNode.Parse(body)!;
                var status = (string)job["status"]!;
                var sample = new Sample(watch.Elapsed, DateTimeOffset.Parse((string)job["updatedAt"]!, Invariant), status,
                    (long?)job["rowsRead"] ?? 0, (long?)job["applied"] ?? 0, (long?)job["unchanged"] ?? 0, (long?)job["rejected"] ?? 0);
                samples.Add(sample);

                // The save that made the job running is the run's start, by the server's clock. If the first sample seen
                // is already past it: an upload's queued record (seen before) or a dropped file's startedAt bounds it.
                if (runStart is null && status != "queued")
                {
                    runStart = sample.Done == 0 ? sample.UpdatedAt
                        : samples.Count > 1 ? samples[^2].UpdatedAt
                        : DateTimeOffset.Parse((string)job["startedAt"]!, Invariant);
                }

                switch (status)
                {
                    case "completed":
                        var finished = DateTimeOffset.Parse((string)job["finishedAt"]!, Invariant);
                        return new Followed(job, samples, runStart ?? finished, finished, watch.Elapsed);
                    case "failed" or "superseded":
                        throw new BenchmarkFailure($"the {what} import {id} ended {status}: {(string?)job["failure"] ?? "(no reason)"}; " +
                            $"{sample.RowsRead:N0} rows read, {sample.Applied:N0} applied, {sample.Unchanged:N0} unchanged, {sample.Rejected:N0} rejected; attempts {(int?)job["attempts"]}");
                }

                if (watch.Elapsed > deadline)
                {
                    throw new BenchmarkFailure($"the {what} import {id} was still {status} after {timeout.TotalMinutes:N0} min ({sample.Done:N0} rows done): pass --timeout to wait longer");
                }

                if (watch.Elapsed - lastPrint >= TimeSpan.FromSeconds(10))
                {
                    lastPrint = watch.Elapsed;
                    var running = runStart is { } s ? (sample.UpdatedAt - s).TotalSeconds : 0;
                    Console.WriteLine($"  {watch.Elapsed.TotalSeconds,6:N1} s  {status,-9} {sample.Done,9:N0} rows done ({sample.Applied:N0} applied, {sample.Unchanged:N0} unchanged)" +
                        (running > 0 ? $"  {sample.Done / running:N0} rows/s" : string.Empty));
                }

                await Task.Delay(PollInterval).ConfigureAwait(false);
            }
        }

        /// <summary>Runs <paramref name="import"/> (hand the file over, follow it) with a buyer's quote every
        /// <paramref name="quoteEvery"/> (none when zero) until it ends; returns the job, when the hand-over started (the client's clock: the same machine's as the server's) and
        /// the quotes.</summary>
        private static async Task<(Followed Job, DateTimeOffset Start, IReadOnlyList<QuoteResult> Quotes)> TimedAsync(
            HttpClient buyer, QuoteChoice quote, TimeSpan quoteEvery, Func<Stopwatch, Task<Followed>> import)
        {
            using var stop = new CancellationTokenSource();
            var watch = Stopwatch.StartNew();
            var start = DateTimeOffset.UtcNow;
            var quotes = quoteEvery > TimeSpan.Zero ? QuoteEveryAsync(buyer, quote, quoteEvery, watch, stop.Token) : Task.FromResult<IReadOnlyList<QuoteResult>>([]);
            try
            {
                var job = await import(watch).ConfigureAwait(false);
                return (job, start, await StopAsync().ConfigureAwait(false));
            }
            catch
            {
                _ = await StopAsync().ConfigureAwait(false);
                throw;
            }

            async Task<IReadOnlyList<QuoteResult>> StopAsync()
            {
                await stop.CancelAsync().ConfigureAwait(false);
                return await quotes.ConfigureAwait(false);
            }
        }

        /// <summary>igor's quote, at once and then every <paramref name="interval"/> (a slow answer delays the next, never
        /// overlaps it).</summary>
        private static async Task<IReadOnlyList<QuoteResult>> QuoteEveryAsync(HttpClient buyer, QuoteChoice quote, TimeSpan interval, Stopwatch watch, CancellationToken stop)
        {
            var results = new List<QuoteResult>();
            using var timer = new PeriodicTimer(interval);
            try
            {
                do
                {
                    var at = watch.Elapsed;
                    var one = Stopwatch.StartNew();
                    try
                    {
                        using var response = await buyer.PostAsync(new Uri($"/api/orgs/{Buyer}/suppliers/{Supplier}/quote", UriKind.Relative), JsonContent.Create(quote.Body), CancellationToken.None).ConfigureAwait(false);
                        var body = await response.Content.ReadAsStringAsync(CancellationToken.None).ConfigureAwait(false);
                        results.Add(new QuoteResult(at, one.Elapsed.TotalMilliseconds, response.StatusCode, response.StatusCode == HttpStatusCode.OK ? LineStatuses(body) : body));
                    }
                    catch (HttpRequestException e)
                    {
                        results.Add(new QuoteResult(at, one.Elapsed.TotalMilliseconds, 0, e.Message));
                    }
                }
                while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }

            return results;
        }

        /// <summary>A quote's line statuses ("priced, priceOnRequest"): whether the prices being imported were seen.</summary>
        private static string LineStatuses(string quote) =>
            string.Join(", ", JsonNode.Parse(quote)?["lines"]?.AsArray().Select(l => (string?)l?["status"]) ?? []);

        /// <summary>The lines of the buyer's quotes: two of the benchmark's SKUs when the buyer's assortment shows them
        /// (priced, or waiting for their price on a fresh backend), else two demo SKUs from the README.</summary>
        private static async Task<QuoteChoice> ChooseQuoteAsync(HttpClient buyer)
        {
            var bench = new QuoteChoice("BENCH-00001 UN × 5, BENCH-00002 CX × 2",
                new { lines = new object[] { new { sku = Sku(0), unit = "UN", quantity = 5 }, new { sku = Sku(1), unit = "CX", quantity = 2 } } });
            using var response = await buyer.PostAsync(new Uri($"/api/orgs/{Buyer}/suppliers/{Supplier}/quote", UriKind.Relative), JsonContent.Create(bench.Body)).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new BenchmarkFailure($"igor's quote at {Supplier} answered {(int)response.StatusCode}: {body}");
            }

            var statuses = LineStatuses(body);
            if (statuses.Split(", ").All(s => s is "priced" or "priceOnRequest"))
            {
                Console.WriteLine($"Quotes: {bench.Lines} (visible to {Buyer}: {statuses})");
                return bench;
            }

            var demo = new QuoteChoice("FER-001 UN × 4, FIX-002 UN × 30 (demo SKUs: the BENCH ones are outside the buyer's assortment)",
                new { lines = new object[] { new { sku = "FER-001", unit = "UN", quantity = 4 }, new { sku = "FIX-002", unit = "UN", quantity = 30 } } });
            Console.WriteLine($"Quotes: {demo.Lines} (BENCH lines were {statuses})");
            return demo;
        }

        /// <summary>Upserts then point reads on a scratch database of the emulator, with the SDK configured as
        /// <c>InfrastructureServices</c> configures it for the emulator (Gateway, http, LimitToEndpoint, System.Text.Json),
        /// all in one partition as a supplier's prices are. The database is deleted afterwards, whatever happened.</summary>
        private static async Task<RawSpeed> MeasureEmulatorAsync(Endpoints endpoints)
        {
            using var client = new CosmosClient(endpoints.CosmosEndpoint, endpoints.CosmosKey, new CosmosClientOptions
            {
                ApplicationName = "agora-local-import",
                ConnectionMode = ConnectionMode.Gateway,
                LimitToEndpoint = true,
                UseSystemTextJsonSerializerWithOptions = new JsonSerializerOptions(Core.Common.Json.Options),
            });
            Database database;
            try
            {
                database = (await client.CreateDatabaseAsync($"bench-scratch-{Guid.NewGuid():N}").ConfigureAwait(false)).Database;
            }
            catch (HttpRequestException e)
            {
                throw new BenchmarkFailure($"the Cosmos emulator at {endpoints.CosmosEndpoint} did not answer ({e.Message}).");
            }

            try
            {
                var container = (await database.CreateContainerAsync(new ContainerProperties("items", "/pk")).ConfigureAwait(false)).Container;
                var now = DateTimeOffset.UtcNow;
                var documents = Enumerable.Range(0, 2 * RawDocuments + 200).Select(i =>
                {
                    var price = new ScratchPrice("bench-supplier", "base", Sku(i % 1000), i % 2 == 0 ? "UN" : "CX", i / 2000 + 1, 10 + (i % 5000) / 100m, "BRL", now);
                    return new ScratchDocument($"price:base:{price.Sku}:{price.Unit}:{i}", "bench-supplier", "price", price);
                }).ToArray();
                var partition = new PartitionKey("bench-supplier");

                // A warm-up (connections, the SDK's caches), then each level on documents of its own.
                _ = await ManyAsync(200, 16, i => container.UpsertItemAsync(documents[2 * RawDocuments + i], partition)).ConfigureAwait(false);
                var upserts32 = await ManyAsync(RawDocuments, 32, i => container.UpsertItemAsync(documents[i], partition)).ConfigureAwait(false);
                var upserts16 = await ManyAsync(RawDocuments, 16, i => container.UpsertItemAsync(documents[RawDocuments + i], partition)).ConfigureAwait(false);
                var reads32 = await ManyAsync(RawDocuments, 32, i => container.ReadItemAsync<ScratchDocument>(documents[i].Id, partition)).ConfigureAwait(false);
                var reads16 = await ManyAsync(RawDocuments, 16, i => container.ReadItemAsync<ScratchDocument>(documents[RawDocuments + i].Id, partition)).ConfigureAwait(false);
                return new RawSpeed(upserts32, upserts16, reads32, reads16);
            }
            finally
            {
                await database.DeleteAsync().ConfigureAwait(false);
            }
        }

        /// <summary>Runs <paramref name="count"/> operations with <paramref name="inFlight"/> outstanding at any time; per second.</summary>
        private static async Task<double> ManyAsync(int count, int inFlight, Func<int, Task> operation)
        {
            var next = -1;
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    await operation(i).ConfigureAwait(false);
                }
            })).ConfigureAwait(false);
            return count / watch.Elapsed.TotalSeconds;
        }

        private void Summarize(
            RawSpeed raw, Followed catalog, string file, long bytes,
            Followed first, DateTimeOffset uploadStart, IReadOnlyList<QuoteResult> firstQuotes,
            Followed second, DateTimeOffset dropStart, IReadOnlyList<QuoteResult> secondQuotes,
            QuoteChoice quote, string loadBefore, string loadAfter)
        {
            var total = (first.FinishedAt - uploadStart).TotalSeconds;
            var pickup = (first.RunStart - uploadStart).TotalSeconds;
            var processing = (first.FinishedAt - first.RunStart).TotalSeconds;
            var writesPerSecond = first.Applied / processing;
            // The stricter yardstick: the emulator's better rate of the two, whichever number in flight gave it.
            var best = Math.Max(raw.Upserts32, raw.Upserts16);
            var redrop = (second.FinishedAt - dropStart).TotalSeconds;
            var segments = Segments(first, rows);
            var allQuotes = firstQuotes.Concat(secondQuotes).ToArray();
            var flat = segments.Length > 1 ? segments[^1].Seconds / segments[0].Seconds : 1;
            static string Mark(bool met) => met ? "met" : "not met";

            Console.WriteLine();
            Console.WriteLine($"## local-import {rows:N0} — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {loadBefore} before, {loadAfter} after");
            Console.WriteLine();
            Console.WriteLine("| | figure | issue 11's aim (for 100,000 rows) |");
            Console.WriteLine("| --- | ---: | --- |");
            Console.WriteLine($"| catalog ({skus:N0} SKUs, UN and CX) | {catalog.Observed.TotalSeconds:N1} s, {catalog.Applied:N0} written, {catalog.Unchanged:N0} unchanged | |");
            Console.WriteLine($"| emulator raw upserts/s (.NET SDK, {RawDocuments:N0} docs) | {raw.Upserts32:N0} at 32 in flight, {raw.Upserts16:N0} at 16 | |");
            Console.WriteLine($"| emulator raw point reads/s | {raw.Reads32:N0} at 32 in flight, {raw.Reads16:N0} at 16 | |");
            Console.WriteLine($"| price file | {file}: {rows:N0} rows, {bytes / 1024.0 / 1024:N2} MiB | |");
            Console.WriteLine($"| **upload → completed** | **{total:N1} s** ({first.Applied:N0} written, {first.Unchanged:N0} unchanged, {first.Rejected:N0} rejected; {first.Attempts} attempt(s)) | < 180 s: {Mark(total < 180)} |");
            Console.WriteLine($"| — upload and pickup (queued → running) | {pickup:N1} s | |");
            Console.WriteLine($"| — import running | {processing:N1} s: {rows / processing:N0} rows/s, {rows / total:N0} rows/s end to end | |");
            Console.WriteLine($"| **writes/s (applied / running time)** | **{writesPerSecond:N0}** | |");
            Console.WriteLine($"| **ratio to the emulator's best raw upserts/s** ({best:N0}, at {(best == raw.Upserts16 ? 16 : 32)} in flight) | **{writesPerSecond / best:N2}** ({writesPerSecond / raw.Upserts32:N2} to 32 in flight, {writesPerSecond / raw.Upserts16:N2} to 16) | ≥ 0.5: {Mark(writesPerSecond / best >= 0.5)} |");
            Console.WriteLine($"| time per {segments[0].Rows:N0} rows, first → last | {segments[0].Seconds:N1} s → {segments[^1].Seconds:N1} s (last/first {flat:N2}) | not growing (≤ 1.2): {Mark(flat <= 1.2)} |");
            Console.WriteLine($"| **re-drop in storage → completed** | **{redrop:N1} s** ({second.Applied:N0} written, {second.Unchanged:N0} unchanged; {second.Attempts} attempt(s); pickup {(second.RunStart - dropStart).TotalSeconds:N1} s, running {(second.FinishedAt - second.RunStart).TotalSeconds:N1} s, {rows / (second.FinishedAt - second.RunStart).TotalSeconds:N0} rows/s) | < 90 s with 0 writes: {Mark(redrop < 90 && second.Applied == 0)} |");
            if (quoteEvery > TimeSpan.Zero)
            {
                Console.WriteLine($"| quotes during the upload, every {quoteEvery.TotalSeconds:0.#} s ({quote.Lines}) | {QuoteFigures(firstQuotes)} | all 200, < 1 s: {Mark(firstQuotes.Count > 0 && firstQuotes.All(q => q.Status == HttpStatusCode.OK && q.Milliseconds < 1000))} |");
                Console.WriteLine($"| quotes during the re-drop | {QuoteFigures(secondQuotes)} | all 200, < 1 s: {Mark(secondQuotes.Count > 0 && secondQuotes.All(q => q.Status == HttpStatusCode.OK && q.Milliseconds < 1000))} |");
            }
            else
            {
                Console.WriteLine("| quotes during the imports | none (--quote-every 0) | all 200, < 1 s: not measured |");
            }
            Console.WriteLine();
            Console.WriteLine($"Time per {segments[0].Rows:N0} rows of the upload's import (interpolated between the job's progress saves, by the server's clock):");
            Console.WriteLine();
            Console.WriteLine("| rows | s | rows/s |");
            Console.WriteLine("| --- | ---: | ---: |");
            foreach (var (from, to, seconds) in segments.Select(s => (s.From, s.From + s.Rows, s.Seconds)))
            {
                Console.WriteLine($"| {from + 1:N0}–{to:N0} | {seconds:N1} | {(to - from) / seconds:N0} |");
            }

            Console.WriteLine();
            Console.WriteLine("Checks (any FAIL makes the exit code 1; the timings above are reported, not asserted):");
            Console.WriteLine();
            foreach (var (verdict, what) in _facts)
            {
                Console.WriteLine($"- {verdict}: {what}");
            }

            Console.WriteLine();
            Console.WriteLine($"{allQuotes.Length} quotes in all; {(_failures.Count == 0 ? "every check passed" : $"{_failures.Count} check(s) FAILED")}.");
        }

        private static string QuoteFigures(IReadOnlyList<QuoteResult> quotes)
        {
            if (quotes.Count == 0)
            {
                return "none";
            }

            var sorted = quotes.Select(q => q.Milliseconds).Order().ToArray();
            var ok = quotes.Count(q => q.Status == HttpStatusCode.OK);
            return $"{quotes.Count} quotes, {ok} × 200; p50 {sorted[sorted.Length / 2]:N0} ms, max {sorted[^1]:N0} ms; lines of the first: {quotes[0].Detail}, of the last: {quotes[^1].Detail}";
        }

        /// <summary>The upload's import in ten equal parts of its rows (10,000 each for 100,000): the time each took, read
        /// off the job's saved progress (rows done at each save's server time) by linear interpolation between saves.</summary>
        private static (long From, long Rows, double Seconds)[] Segments(Followed job, long total)
        {
            var points = new List<(DateTimeOffset At, long Done)> { (job.RunStart, 0) };
            foreach (var sample in job.Samples.Where(s => s.UpdatedAt > job.RunStart && s.Done > 0 && s.Status is "running" or "completed"))
            {
                if (sample.Done > points[^1].Done && sample.UpdatedAt > points[^1].At)
                {
                    points.Add((sample.UpdatedAt, sample.Done));
                }
            }

            if (points[^1].Done < total)
            {
                points.Add((job.FinishedAt, total));
            }

            DateTimeOffset At(long done)
            {
                var i = points.FindIndex(p => p.Done >= done);
                if (i <= 0)
                {
                    return points[Math.Max(i, 0)].At;
                }

                var (a, b) = (points[i - 1], points[i]);
                return a.At + ((b.At - a.At) * ((double)(done - a.Done) / (b.Done - a.Done)));
            }

            var size = Math.Max(1, total / 10);
            var parts = new List<(long, long, double)>();
            for (long from = 0; from < total; from += size)
            {
                var rows = Math.Min(size, total - from);
                parts.Add((from, rows, (At(from + rows) - At(from)).TotalSeconds));
            }

            return [.. parts];
        }

        private static string LoadAverage()
        {
            try
            {
                return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
            }
            catch (IOException)
            {
                return "?";
            }
        }
    }

    /// <summary>What the buyer's quotes ask for, and how to say it.</summary>
    private sealed record QuoteChoice(string Lines, object Body);

    public static string Sku(int product) => string.Create(Invariant, $"BENCH-{product + 1:D5}");

    /// <summary>The benchmark's catalog, the same bytes every run: one product per SKU, base unit UN, a box of 12.</summary>
    internal static byte[] CatalogFile(int skus)
    {
        var text = new StringBuilder("sku;nome;categoria;marca;unidade;embalagens\n");
        for (var i = 0; i < skus; i++)
        {
            text.Append(Invariant, $"{Sku(i)};Item de bancada {i + 1:D5};{Category};Agora Bench;UN;CX=12\n");
        }

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text.ToString());
    }

    /// <summary>The price file: <c>sku;unidade;preco;moeda;apartirde;tabela</c>, ';'-separated, decimal comma, in the base
    /// list. Row <c>k</c> prices SKU <c>k % skus</c> in UN or CX (<c>k / skus % 2</c>) from minimum quantity 1, 10, 20...
    /// (<c>k / (2 × skus)</c>), so every row has its own key and each batch names as many products as it can. The price
    /// depends on <paramref name="seed"/> (the run's time), so no row equals what an earlier run stored: the first
    /// import writes every row. One row in ten has its price quoted with a thousands separator, one in five leaves the
    /// currency empty (the supplier's BRL), as in <see cref="PriceListFile"/>.</summary>
    internal static byte[] PriceFile(int rows, int skus, long seed)
    {
        var text = new StringBuilder(rows * 40);
        text.Append("sku;unidade;preco;moeda;apartirde;tabela\n");
        for (var k = 0; k < rows; k++)
        {
            var tier = k / (2 * skus);
            // 104,729 is prime and does not divide 500,000: two runs' prices for a row differ unless their seeds are a
            // multiple of 500,000 s (5.8 days, to the second) apart.
            var cents = 1_000 + (((k * 7_919L) + (seed * 104_729L)) % 500_000);
            var grouped = k % 10 == 3;
            var price = (cents / 100m).ToString(grouped ? "#,##0.00" : "0.00", Invariant).Replace(',', '_').Replace('.', ',').Replace('_', '.');
            text.Append(Sku(k % skus)).Append(';')
                .Append(k / skus % 2 == 0 ? "UN" : "CX").Append(';')
                .Append(grouped ? $"\"{price}\"" : price).Append(';')
                .Append(k % 5 == 4 ? string.Empty : "BRL").Append(';')
                .Append(tier == 0 ? 1 : tier * 10).Append(';')
                .Append("base\n");
        }

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text.ToString());
    }
}
