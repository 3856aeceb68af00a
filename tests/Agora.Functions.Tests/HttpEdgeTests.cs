using System.Net;
using System.Net.Http.Json;
using System.Text;
using Agora.Infrastructure.Cosmos;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>What every client meets at the HTTP edge: problem details, preconditions, idempotency, size limits.</summary>
[Collection(BackendCollection.Name)]
public sealed class HttpEdgeTests(BackendFixture backend)
{
    private static object NewOrg(string id) => new { id, name = "Edge Org", country = "BR", defaultCurrency = "BRL", capabilities = new[] { "supplier" } };

    [Fact]
    public async Task Creating_an_organization_answers_201_with_location_and_etag_and_a_read_gives_the_same_etag()
    {
        using var client = backend.As("edge-1");
        var id = SharedEmulators.Unique("edge");

        var created = await client.PostAsJsonAsync("/api/orgs", NewOrg(id));
        var read = await client.GetAsync($"/api/orgs/{id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/orgs/{id}", created.Headers.Location?.ToString());
        Assert.NotNull(created.Headers.ETag);
        Assert.Equal(created.Headers.ETag, read.Headers.ETag);
        Assert.Equal("supplierAdmin", (string?)(await BackendFixture.Json(read))["yourRoles"]![0]);
    }

    [Fact]
    public async Task Invalid_fields_answer_400_with_each_field_and_its_reason()
    {
        using var client = backend.As("edge-2");

        var response = await client.PostAsJsonAsync("/api/orgs", new { name = "", country = "Brazil", defaultCurrency = "R$", capabilities = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await BackendFixture.Json(response))["errors"]!.AsObject();
        Assert.Equal(["capabilities", "country", "defaultCurrency", "name"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("POST", "/api/orgs", "{\"name\": \"x\", \"capabilities\": [\"seller\"]}", "capabilities[0]", "must be one of: supplier, buyer")]
    [InlineData("POST", "/api/orgs", "{\"name\": 42}", "name", "must be text (a JSON string)")]
    [InlineData("POST", "/api/orgs", "{\"name\": \"x\", \"capabilities\": \"buyer\"}", "capabilities", "must be a list")]
    [InlineData("POST", "/api/orgs", "{\"name\": \"x\"", "$", "")]
    [InlineData("POST", "/api/orgs", "[1,2]", "$", "must be an object")]
    [InlineData("PUT", "/api/orgs/edge-any/pricing/lists/base/prices/P-1/UN/1", "{\"price\": \"abc\"}", "price", "must be a number from -1,000,000,000,000 to 1,000,000,000,000 with at most 15 significant digits (line 1")]
    [InlineData("PUT", "/api/orgs/edge-any/pricing/lists/base/prices/P-1/UN/1", "{\"price\": 10, \"currency\": 986}", "currency", "must be text (a JSON string) (line 1")]
    [InlineData("PUT", "/api/orgs/edge-any/pricing/lists/base/prices/P-1/UN/1", "{\"Price\": 10}", "Price", "is not a field of this operation")]
    [InlineData("PUT", "/api/orgs/edge-any/pricing/lists/base/prices/P-1/UN/1", "{\"price\": 10, \"price\": -5}", "price", "is given twice")]
    [InlineData("POST", "/api/orgs/edge-any/stock", "{\"items\": [{\"sku\": \"P-1\", \"warehouseId\": \"w1\", \"onHand\": 1, \"asOf\": \"2026-12-01\"}]}", "items[0].asOf", "must be a date and time with its offset")]
    [InlineData("PUT", "/api/orgs/edge-any/products/P-2", "{\"name\": \"a\", \"category\": \"X\", \"baseUnit\": \"UN\", \"attributes\": {\"cor\": 1}}", "attributes.cor", "must be text")]
    [InlineData("POST", "/api/orgs/edge-any/stock", "", "$", "is required")]
    [InlineData("POST", "/api/orgs/edge-any/stock", "null", "$", "must be a JSON object")]
    [InlineData("POST", "/api/orgs/edge-any/stock", "{\"items\": [],}", "$", "The JSON object contains a trailing comma")]
    public async Task Malformed_json_answers_400_naming_where_it_broke_and_what_the_field_must_be(string method, string route, string body, string field, string reason)
    {
        using var client = backend.As("edge-3", "edge-3@test.example");
        var org = await backend.OrganizationAsync("edge-3", ["supplier"]);

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), route.Replace("edge-any", org, StringComparison.Ordinal)) { Content = new StringContent(body, Encoding.UTF8, "application/json") });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await BackendFixture.Json(response))["errors"]!.AsObject();
        var message = (string?)Assert.Single(errors, e => e.Key == field).Value![0];
        Assert.StartsWith(reason, message, StringComparison.Ordinal);
        Assert.DoesNotContain("Agora.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_json_answers_415_and_one_too_large_answers_413()
    {
        using var client = backend.As("edge-4");

        var text = await client.PostAsync("/api/orgs", new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        var huge = await client.PostAsync("/api/orgs", new StringContent($"{{\"name\":\"{new string('x', 70_000)}\"}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal("application/problem+json", huge.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_update_without_if_match_answers_428_and_with_a_stale_etag_412()
    {
        using var client = backend.As("edge-5");
        var id = SharedEmulators.Unique("edge");
        var created = await client.PostAsJsonAsync("/api/orgs", NewOrg(id));
        var change = new { name = "Renamed", country = "BR", defaultCurrency = "BRL", capabilities = new[] { "supplier" } };

        var missing = await client.PutAsJsonAsync($"/api/orgs/{id}", change);
        using var first = new HttpRequestMessage(HttpMethod.Put, $"/api/orgs/{id}") { Content = JsonContent.Create(change) };
        first.Headers.IfMatch.Add(created.Headers.ETag!);
        var ok = await client.SendAsync(first);
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/orgs/{id}") { Content = JsonContent.Create(change) };
        stale.Headers.IfMatch.Add(created.Headers.ETag!);
        var conflict = await client.SendAsync(stale);

        Assert.Equal((HttpStatusCode)428, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.NotEqual(created.Headers.ETag, ok.Headers.ETag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, conflict.StatusCode);
    }

    [Theory]
    [InlineData("\"__4\"")]      // base64url of bytes that are no UTF-8 text
    [InlineData("\"AAECAw\"")]   // base64url of control characters
    [InlineData("garbage")]
    [InlineData("*")]
    public async Task An_if_match_this_api_never_issued_answers_412_and_changes_nothing(string ifMatch)
    {
        using var client = backend.As("edge-9");
        var id = SharedEmulators.Unique("edge");
        var created = await client.PostAsJsonAsync("/api/orgs", NewOrg(id));
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/orgs/{id}") { Content = JsonContent.Create(new { name = "Renamed", country = "BR", defaultCurrency = "BRL", capabilities = new[] { "supplier" } }) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);

        var response = await client.SendAsync(request);
        var read = await client.GetAsync($"/api/orgs/{id}");

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(created.Headers.ETag, read.Headers.ETag);
    }

    [Fact]
    public async Task A_retried_create_with_the_same_idempotency_key_gets_the_first_response_and_creates_nothing_more()
    {
        using var client = backend.As("edge-6");
        var key = Guid.NewGuid().ToString();
        var body = new { name = "Idempotent Org", country = "BR", defaultCurrency = "BRL", capabilities = new[] { "buyer" } };

        var first = await Send(client, key, body);
        var retry = await Send(client, key, body);
        var otherBody = await Send(client, key, body with { name = "Another" });
        var me = await BackendFixture.Json(await client.GetAsync("/api/me"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherBody.StatusCode);
        Assert.Single(me["memberships"]!.AsArray());

        static Task<HttpResponseMessage> Send(HttpClient client, string key, object body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/orgs") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return client.SendAsync(request);
        }
    }

    [Fact]
    public async Task Every_response_carries_a_correlation_id_and_echoes_the_clients()
    {
        using var client = backend.As("edge-7");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/orgs/does-not-exist");
        request.Headers.Add("x-correlation-id", "client-chosen-123");

        var echoed = await client.SendAsync(request);
        var generated = await backend.Anonymous().GetAsync("/api/health");

        Assert.Equal("client-chosen-123", echoed.Headers.GetValues("x-correlation-id").Single());
        Assert.Equal("client-chosen-123", (string?)(await BackendFixture.Json(echoed))["correlationId"]);
        Assert.False(string.IsNullOrEmpty(generated.Headers.GetValues("x-correlation-id").Single()));
    }

    [Fact]
    public async Task A_page_of_customer_accounts_costs_the_same_cosmos_requests_whatever_its_size()
    {
        var supplier = await backend.OrganizationAsync("edge-admin", ["supplier"]);
        using var admin = backend.As("edge-admin", "edge-admin@test.example");
        for (var i = 0; i < 12; i++)
        {
            var buyer = await backend.OrganizationAsync($"edge-b{i}", ["buyer"]);
            await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{supplier}/customers", new { buyerId = buyer, category = "retail", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 10 }));
        }

        async Task<(long Requests, int Items)> Page(int limit)
        {
            var response = await admin.GetAsync($"/api/orgs/{supplier}/customers?limit={limit}");
            return (BackendFixture.CosmosRequestsOf(response), (await BackendFixture.Json(response))["items"]!.AsArray().Count);
        }

        var small = await Page(2);
        var large = await Page(12);

        Assert.Equal(2, small.Items);
        Assert.Equal(12, large.Items);
        Assert.Equal(small.Requests, large.Requests);
        Assert.True(large.Requests <= 2, $"{large.Requests} requests");
    }
}

/// <summary>Issue 9's defects at the HTTP edge, each as a user met it.</summary>
[Collection(BackendCollection.Name)]
public sealed class HardenedEdgeTests(BackendFixture backend)
{
    [Fact]
    public async Task A_price_no_store_round_trips_is_refused_before_it_is_stored_and_quotes_keep_working()
    {
        var supplier = await backend.OrganizationAsync("he-admin", ["supplier"]);
        var buyer = await backend.OrganizationAsync("he-buyer", ["buyer"]);
        using var admin = backend.As("he-admin", "he-admin@test.example");
        using var purchaser = backend.As("he-buyer", "he-buyer@test.example");
        await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{supplier}/customers", new { buyerId = buyer, category = "retail", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 10 }));
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/products/FER-001", new { name = "Furadeira", category = "Ferramentas", baseUnit = "UN" }));
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/pricing/lists/base/prices/FER-001/UN/1", new { price = 10 }));

        var huge = await admin.PutAsync($"/api/orgs/{supplier}/pricing/lists/base/prices/FER-001/UN/1", new StringContent("{\"price\": 79228162514264337593543950335}", Encoding.UTF8, "application/json"));
        var quote = await purchaser.PostAsJsonAsync($"/api/orgs/{buyer}/suppliers/{supplier}/quote", new { lines = new[] { new { sku = "FER-001", unit = "UN", quantity = 2 } } });

        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Contains("price", (await BackendFixture.Json(huge))["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.OK, quote.StatusCode);
        Assert.Equal(20m, (decimal)(await BackendFixture.Json(quote))["total"]!);
    }

    [Theory]
    [InlineData("{\"lines\": [null]}", "lines[0]")]
    [InlineData("{\"lines\": [{\"sku\": \"FER-001\", \"unit\": \"UN\", \"quantity\": 1}], \"couponCodes\": [null]}", "couponCodes[0]")]
    [InlineData("{\"lines\": [{\"sku\": \"FER-001\", \"unit\": \"UN\", \"quantity\": 1, \"qty\": 2}]}", "lines[0].qty")]
    [InlineData("{\"lines\": [{\"sku\": \"FER-001\", \"unit\": \"UN\", \"quantity\": 1e30}]}", "lines[0].quantity")]
    public async Task A_quote_with_a_broken_body_answers_400_naming_the_field(string body, string field)
    {
        var buyer = await backend.OrganizationAsync("he-b2", ["buyer"]);
        using var purchaser = backend.As("he-b2", "he-b2@test.example");

        var response = await purchaser.PostAsync($"/api/orgs/{buyer}/suppliers/any-supplier/quote", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await BackendFixture.Json(response))["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task A_quote_past_a_thousand_lines_answers_400_saying_the_limit()
    {
        var buyer = await backend.OrganizationAsync("he-b3", ["buyer"]);
        using var purchaser = backend.As("he-b3", "he-b3@test.example");
        var lines = Enumerable.Range(0, 1001).Select(_ => new { sku = "A", unit = "UN", quantity = 1 });

        var response = await purchaser.PostAsJsonAsync($"/api/orgs/{buyer}/suppliers/any-supplier/quote", new { lines });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("must have at most 1000 items.", (string?)(await BackendFixture.Json(response))["errors"]!["lines"]![0]);
    }

    [Fact]
    public async Task A_stranger_gets_404_even_for_a_request_it_got_wrong()
    {
        var supplier = await backend.OrganizationAsync("he-owner", ["supplier"]);
        await backend.OrganizationAsync("he-stranger", ["supplier"]);
        using var stranger = backend.As("he-stranger", "he-stranger@test.example");

        var upload = await stranger.PostAsync($"/api/orgs/{supplier}/imports", new StringContent("sku;preco\n", Encoding.UTF8, "text/csv"));
        var badJson = await stranger.PutAsync($"/api/orgs/{supplier}/pricing/settings", new StringContent("{\"resolution\": 3}", Encoding.UTF8, "application/json"));
        var notJson = await stranger.PutAsync($"/api/orgs/{supplier}/pricing/settings", new StringContent("resolution=3", Encoding.UTF8, "text/plain"));

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound], new[] { upload.StatusCode, badJson.StatusCode, notJson.StatusCode });
    }

    [Fact]
    public async Task An_upload_past_thirty_million_bytes_is_accepted_and_one_past_the_documented_limit_is_a_413_problem()
    {
        var supplier = await backend.OrganizationAsync("he-up", ["supplier"]);
        using var admin = backend.As("he-up", "he-up@test.example");
        admin.Timeout = TimeSpan.FromMinutes(3);

        // 40 MB without the columns a price file needs: accepted, then rejected by the import on its header, cheaply.
        using var large = new StreamContent(new PatternStream(40L * 1024 * 1024));
        var accepted = await admin.PostAsync($"/api/orgs/{supplier}/imports?kind=prices&file=large.csv", large);
        var job = await BackendFixture.ImportFinishedAsync(admin, supplier, (string)(await BackendFixture.Json(accepted))["id"]!);

        // Past 100 MB, sent without a Content-Length (chunked), so the limit is found while reading.
        using var tooLarge = new StreamContent(new PatternStream((100L * 1024 * 1024) + 1));
        var refused = await admin.PostAsync($"/api/orgs/{supplier}/imports?kind=prices&file=huge.csv", tooLarge);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("failed", (string?)job["status"]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("assortments/categories/retail", "{\"exclude\": {\"brands\": [\"acme\"]}}", "{\"exclude\": {\"brands\": [\"other\"]}}", "{\"exclued\": {\"brands\": []}}")]
    [InlineData("assortments/customers/some-buyer", "{\"include\": {\"skus\": [\"A\"]}}", "{\"include\": {\"skus\": [\"B\"]}}", "{\"include\": {\"skus\": [\"B\"]}, \"exclude\": {\"brnds\": []}}")]
    [InlineData("pricing/settings", "{\"resolution\": \"mostSpecific\", \"exchangeRates\": [{\"from\": \"BRL\", \"to\": \"USD\", \"rate\": 0.19}]}", "{\"resolution\": \"lowestPrice\", \"exchangeRates\": [{\"from\": \"BRL\", \"to\": \"USD\", \"rate\": 0.2}]}", "{\"resolution\": \"lowestPrice\", \"exchangeRate\": []}")]
    [InlineData("pricing/discounts/d1", "{\"name\": \"Rate\", \"percent\": 5}", "{\"name\": \"Rate\", \"percent\": 6}", "{\"name\": \"Rate\", \"percnt\": 7}")]
    [InlineData("pricing/lists/vip", "{\"name\": \"VIP\", \"audience\": \"category:retail\"}", "{\"name\": \"VIP 2\", \"audience\": \"category:retail\"}", "{\"name\": \"VIP\", \"audiense\": \"all\"}")]
    public async Task Two_editors_of_a_whole_document_cannot_lose_each_others_change_and_a_typo_erases_nothing(string resource, string first, string second, string typo)
    {
        var supplier = await backend.OrganizationAsync("he-editor", ["supplier"]);
        using var editor = backend.As("he-editor", "he-editor@test.example");
        var path = $"/api/orgs/{supplier}/{resource}";
        HttpRequestMessage Put(string body, System.Net.Http.Headers.EntityTagHeaderValue? etag)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (etag is not null)
            {
                request.Headers.IfMatch.Add(etag);
            }

            return request;
        }

        var created = await editor.SendAsync(Put(first, null));
        var withoutVersion = await editor.SendAsync(Put(second, null));
        var changed = await editor.SendAsync(Put(second, created.Headers.ETag));
        var stale = await editor.SendAsync(Put(first, created.Headers.ETag));
        var misspelled = await editor.SendAsync(Put(typo, changed.Headers.ETag));
        var read = await editor.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.NotNull(created.Headers.ETag);
        Assert.Equal((HttpStatusCode)428, withoutVersion.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, misspelled.StatusCode);
        Assert.Equal(changed.Headers.ETag, read.Headers.ETag);
        Assert.Equal(await changed.Content.ReadAsStringAsync(), await read.Content.ReadAsStringAsync());
    }

    /// <summary>A readable stream of <c>length</c> bytes of CSV-looking text, of unknown length (so it is sent chunked).</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private static readonly byte[] Line = Encoding.ASCII.GetBytes("nothing;a price file needs;here\n");
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = Line[(_position + i) % Line.Length];
            }

            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
