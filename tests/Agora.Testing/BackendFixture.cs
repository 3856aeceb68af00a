using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agora.Core.Common;
using Agora.LocalHost;
using Agora.LocalHost.Emulators;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Agora.Testing;

/// <summary>The whole backend as `dotnet run` starts it (the real Agora.Functions in the local runtime), on a free port,
/// against the shared emulators with a database of its own, and a clock the tests move.</summary>
public sealed class BackendFixture : IAsyncLifetime
{
    public const string MasterKey = "test-master-key";
    public const string FunctionKey = "test-function-key";

    private LocalBackend? _backend;

    public LocalBackend Backend => _backend ?? throw new InvalidOperationException("Not started.");

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public Uri BaseAddress => Backend.BaseAddress;

    public EmulatorEndpoints Emulators { get; private set; } = null!;

    /// <summary>Runs after the application's wiring (<see cref="LocalBackendOptions.Configure"/>): a test's own exporters.</summary>
    public Action<Microsoft.Extensions.Hosting.IHostApplicationBuilder>? Configure { get; init; }

    public static Dictionary<string, string?> Settings(EmulatorEndpoints emulators, int port) => new(emulators.Settings)
    {
        ["CosmosDb:Database"] = SharedEmulators.Unique("e2e"),
        ["Auth:Issuer"] = TestTokens.Issuer,
        ["Auth:Audience"] = TestTokens.Audience,
        ["Auth:SigningKey"] = TestTokens.SigningKey,
        ["SendGrid:ApiKey"] = "SG.test",
        ["SendGrid:Host"] = $"http://127.0.0.1:{port}/dev/sendgrid",
        ["Notifications:PortalUrl"] = "https://portal.test",
        ["InvitationExpirySchedule"] = "0 0 2 * * *",
        ["StockReconciliationSchedule"] = "0 30 2 * * *",
        ["OverdueReminderSchedule"] = "0 0 7 * * *",
        ["CampaignSchedule"] = "0 */15 * * * *",
        ["ClearanceSchedule"] = "0 0 3 * * *",
        ["ManagerDigestSchedule"] = "0 30 7 * * *",
        ["StockReconciliation:AlertThreshold"] = "2",
        ["LocalHost:MasterKey"] = MasterKey,
        ["LocalHost:FunctionKey"] = FunctionKey,
        ["Http:MaxRequestBodyBytes"] = "65536",

        // A message that keeps failing reaches its poison queue in seconds rather than the 15 minutes of host.json's back-off.
        ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00.200",
    };

    public async Task InitializeAsync()
    {
        Emulators = await SharedEmulators.GetAsync();
        var port = LocalEmulators.FreePort();
        _backend = await LocalBackend.StartAsync(new LocalBackendOptions
        {
            Settings = Settings(Emulators, port),
            Urls = $"http://127.0.0.1:{port}",
            TimeProvider = Clock,
            BlobPollingInterval = TimeSpan.FromMilliseconds(300),
            Configure = Configure,
        });
    }

    public async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    /// <summary>A client with no credentials.</summary>
    public HttpClient Anonymous() => new() { BaseAddress = BaseAddress };

    /// <summary>A client signed in as <paramref name="userId"/>.</summary>
    public HttpClient As(string userId, string? email = null, string? name = null) => WithToken(TestTokens.For(userId, email, name));

    public HttpClient WithToken(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient Admin()
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Add("x-functions-key", MasterKey);
        return client;
    }

    /// <summary>Runs the non-HTTP function <paramref name="name"/> through the admin endpoint, as an operator would, and
    /// waits until that run has finished (the endpoint answers 202 at once): a test then sees its effects, or their absence,
    /// for certain rather than after a guessed delay.</summary>
    public async Task RunFunctionAsync(string name, string input = "")
    {
        var runtime = Backend.Runtime;
        var before = runtime.CompletedInvocations(name);
        using var host = Admin();
        var response = await host.PostAsJsonAsync($"/admin/functions/{name}", new { input });
        if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"{name} was not started: {(int)response.StatusCode}");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await runtime.WaitForCompletedAsync(name, before + 1, timeout.Token);
        // A test that moved the clock past the function's schedule also started its timer: that run, which may hold what this
        // one found busy, is awaited too, so the test sees every effect of the runs it caused.
        await runtime.WaitForSettledAsync(name, timeout.Token);
    }

    /// <summary>Creates an organization owned by <paramref name="adminId"/> and adds <paramref name="members"/> (id, roles).</summary>
    public async Task<string> OrganizationAsync(string adminId, string[] capabilities, params (string Id, string[] Roles)[] members)
    {
        var id = SharedEmulators.Unique("org");
        using var admin = As(adminId, $"{adminId}@test.example");
        var created = await admin.PostAsJsonAsync("/api/orgs", new { id, name = $"Org {id}", country = "BR", defaultCurrency = "BRL", capabilities });
        await Ensure(created);
        foreach (var (memberId, roles) in members)
        {
            await Ensure(await admin.PutAsJsonAsync($"/api/orgs/{id}/members/{memberId}", new { email = $"{memberId}@test.example", roles }));
        }

        return id;
    }

    /// <summary>Emails the backend handed to SendGrid (the local mail sink).</summary>
    public async Task<JsonArray> MailAsync()
    {
        using var client = Anonymous();
        return (JsonNode.Parse(await client.GetStringAsync("/dev/mail")) as JsonArray)!;
    }

    /// <summary>The mail-send requests the sink received, accepted and refused: <c>{ count, accepted, refused, requests }</c>,
    /// each request with its number, status, personalizations, categories and asmGroupId.</summary>
    public async Task<JsonObject> MailRequestsAsync()
    {
        using var client = Anonymous();
        return (JsonNode.Parse(await client.GetStringAsync("/dev/mail/requests")) as JsonObject)!;
    }

    /// <summary>Makes the <paramref name="nth"/> mail-send request from now (of those with <paramref name="category"/>, when
    /// given) answer <paramref name="status"/> once, with Retry-After when <paramref name="retryAfterSeconds"/> is given.</summary>
    public async Task FailMailRequestAsync(int nth, string? category = null, int status = 503, int? retryAfterSeconds = null)
    {
        using var client = Anonymous();
        await Ensure(await client.PostAsJsonAsync("/dev/sendgrid/faults", new { failRequest = nth, category, status, retryAfter = retryAfterSeconds }));
    }

    /// <summary>Posts <paramref name="events"/> to the app's SendGrid webhook as SendGrid would: signed with the sink's key
    /// at <paramref name="timestamp"/> (the backend's clock unless told), or with <paramref name="signature"/> when given.</summary>
    public async Task<HttpResponseMessage> PostSendGridEventsAsync(string body, DateTimeOffset? timestamp = null, string? signature = null, HttpClient? client = null)
    {
        var at = (timestamp ?? Clock.GetUtcNow()).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sendgrid/events") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", at);
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", signature ?? Backend.MailSink.Sign(at, System.Text.Encoding.UTF8.GetBytes(body)));
        using var anonymous = client is null ? Anonymous() : null;
        return await (client ?? anonymous!).SendAsync(request);
    }

    /// <summary>The last email the backend sent to <paramref name="address"/>, waiting for it.</summary>
    public async Task<JsonObject> MailToAsync(string address)
    {
        JsonObject? found = null;
        await EventuallyAsync(async () =>
        {
            found = (await MailAsync()).OfType<JsonObject>().LastOrDefault(m => (string?)m["to"] == address);
            return found is not null;
        }, $"an email to {address}");
        return found!;
    }

    public static async Task Ensure(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The Cosmos DB requests the request made, as the backend says in <c>x-cosmos-requests</c>: the request's own,
    /// not those of background work running meanwhile (the sales queue), which a global counter would add.</summary>
    public static long CosmosRequestsOf(HttpResponseMessage response) =>
        long.Parse(response.Headers.GetValues("x-cosmos-requests").Single(), System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<JsonNode> Json(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    public static readonly JsonSerializerOptions Options = Core.Common.Json.Options;

    /// <summary>Waits until <paramref name="condition"/> holds, for at most <paramref name="within"/> (30 seconds unless
    /// told).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still not true after {limit.TotalSeconds:0} s: {what}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Uploads <paramref name="csv"/> as a <paramref name="kind"/> file through <c>POST /imports</c> and returns the
    /// job once it has finished.</summary>
    public static async Task<JsonNode> ImportAsync(HttpClient client, string supplier, string kind, string file, string csv)
    {
        using var content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv");
        var response = await client.PostAsync($"/api/orgs/{supplier}/imports?kind={kind}&file={file}", content);
        await Ensure(response);
        return await ImportFinishedAsync(client, supplier, (string)(await Json(response))["id"]!);
    }

    /// <summary>The import job once it has finished (completed, failed or superseded), waiting up to two minutes.</summary>
    public static async Task<JsonNode> ImportFinishedAsync(HttpClient client, string supplier, string importId)
    {
        JsonNode? job = null;
        await EventuallyAsync(async () =>
        {
            var response = await client.GetAsync($"/api/orgs/{supplier}/imports/{importId}");
            job = response.IsSuccessStatusCode ? await Json(response) : null;
            return (string?)job?["status"] is "completed" or "failed" or "superseded";
        }, $"import {importId} to finish", TimeSpan.FromMinutes(2));
        return job!;
    }

    /// <summary>The HTTP functions of functions.metadata: (name, method, route with prefix).</summary>
    public static IReadOnlyList<(string Name, string Method, string Route, string AuthLevel)> HttpRoutes()
    {
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray();
        return (from f in metadata
                from b in f!["bindings"]!.AsArray()
                where (string?)b!["type"] == "httpTrigger"
                from m in b["methods"]!.AsArray()
                select ((string)f["name"]!, ((string)m!).ToUpperInvariant(), "/api/" + (string)b["route"]!, (string)b["authLevel"]!)).ToArray();
    }

    public static Caller CallerOf(string id) => new(id, $"{id}@test.example", null);
}
