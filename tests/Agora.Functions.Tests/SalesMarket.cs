using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Testing;
using Agora.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>A supplier with staff in every role, two warehouses, products with a box unit, prices and stock, and a buyer
/// with an admin, a purchaser and two approvers, a customer account and a delivery address: what the sales tests buy with,
/// made through the API.</summary>
internal sealed class SalesMarket : IDisposable
{
    private SalesMarket(BackendFixture backend, string prefix, string supplier, string buyer)
    {
        Backend = backend;
        Prefix = prefix;
        Supplier = supplier;
        Buyer = buyer;
        SupplierAdmin = As("s-admin");
        Sales = As("s-sales");
        Pricing = As("s-pricing");
        Warehouse = As("s-wh");
        BuyerAdmin = As("b-admin");
        Purchaser = As("b-buyer");
        Approver1 = As("b-appr1");
        Approver2 = As("b-appr2");
    }

    public BackendFixture Backend { get; }

    public string Prefix { get; }

    public string Supplier { get; }

    public string Buyer { get; }

    public HttpClient SupplierAdmin { get; }

    public HttpClient Sales { get; }

    public HttpClient Pricing { get; }

    public HttpClient Warehouse { get; }

    public HttpClient BuyerAdmin { get; }

    public HttpClient Purchaser { get; }

    public HttpClient Approver1 { get; }

    public HttpClient Approver2 { get; }

    public string User(string role) => $"{Prefix}-{role}";

    public string Email(string role) => $"{User(role)}@test.example";

    public HttpClient As(string role) => Backend.As(User(role), Email(role), $"{role} of {Prefix}");

    public static string Sku(int i) => $"S{i:D4}";

    /// <summary>Products S0000... at 10.00 + i per UN (CX = 12 UN at 12 × the UN price less 10%), in stock in w1 and w2.</summary>
    public static async Task<SalesMarket> CreateAsync(BackendFixture backend, int products = 40, decimal stockW1 = 1000, decimal stockW2 = 500, decimal creditLimit = 1_000_000,
        int extraPurchasers = 0, int[]? paymentTermsDays = null)
    {
        var prefix = SharedEmulators.Unique("m");
        string U(string role) => $"{prefix}-{role}";
        var supplier = await backend.OrganizationAsync(U("s-admin"), ["supplier"], (U("s-sales"), ["salesManager"]), (U("s-pricing"), ["pricingManager"]), (U("s-wh"), ["warehouse"]));
        var members = new List<(string, string[])> { (U("b-buyer"), ["purchaser"]), (U("b-appr1"), ["approver"]), (U("b-appr2"), ["approver"]) };
        members.AddRange(Enumerable.Range(0, extraPurchasers).Select(i => (U($"p{i}"), new[] { "purchaser" })));
        var buyer = await backend.OrganizationAsync(U("b-admin"), ["buyer"], [.. members]);
        var market = new SalesMarket(backend, prefix, supplier, buyer);
        var admin = market.SupplierAdmin;
        foreach (var warehouse in new[] { "w1", "w2" })
        {
            await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/warehouses/{warehouse}", new { name = warehouse, country = "BR" }));
        }

        var catalog = new StringBuilder("sku;nome;categoria;marca;unidade;embalagens\n");
        var prices = new StringBuilder("sku;unidade;preco\n");
        var stock = new List<object>();
        for (var i = 0; i < products; i++)
        {
            catalog.Append(CultureInfo.InvariantCulture, $"{Sku(i)};Produto {i};{(i % 2 == 0 ? "Ferramentas > Manuais" : "Fixação > Parafusos")};Marca {i % 3};UN;CX=12\n");
            var price = 10m + i;
            prices.Append(CultureInfo.InvariantCulture, $"{Sku(i)};UN;{price.ToString("0.00", CultureInfo.GetCultureInfo("pt-BR"))}\n");
            prices.Append(CultureInfo.InvariantCulture, $"{Sku(i)};CX;{(price * 12 * 0.9m).ToString("0.00", CultureInfo.GetCultureInfo("pt-BR"))}\n");
            stock.Add(new { sku = Sku(i), warehouseId = "w1", onHand = stockW1, asOf = DateTimeOffset.UtcNow.AddMinutes(-1) });
            stock.Add(new { sku = Sku(i), warehouseId = "w2", onHand = stockW2, asOf = DateTimeOffset.UtcNow.AddMinutes(-1) });
        }

        await Imported(await BackendFixture.ImportAsync(admin, supplier, "catalog", "catalogo.csv", catalog.ToString()));
        await Imported(await BackendFixture.ImportAsync(admin, supplier, "prices", "precos.csv", prices.ToString()));
        foreach (var chunk in stock.Chunk(300))
        {
            await BackendFixture.Ensure(await market.Warehouse.PostAsJsonAsync($"/api/orgs/{supplier}/stock", new { items = chunk }));
        }

        await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{supplier}/customers",
            new { buyerId = buyer, category = "construction", paymentTermsDays = paymentTermsDays ?? [30, 60], incoterm = "CIF", creditLimit, salesManagerId = U("s-sales") }));
        await BackendFixture.Ensure(await market.BuyerAdmin.PutAsJsonAsync($"/api/orgs/{buyer}/addresses/hq",
            new { label = "Sede", recipient = "Recebimento", line1 = "Rua Funchal, 200", city = "São Paulo", region = "SP", postalCode = "04551-060", country = "BR" }));
        return market;
    }

    private static Task Imported(JsonNode job)
    {
        if ((string?)job["status"] != "completed" || (int)job["rejected"]! != 0)
        {
            throw new InvalidOperationException($"The import did not complete cleanly: {job.ToJsonString()}");
        }

        return Task.CompletedTask;
    }

    public string CartPath => $"/api/orgs/{Buyer}/suppliers/{Supplier}/cart";

    public async Task<JsonNode> AddAsync(HttpClient client, params (string Sku, string? Unit, decimal Quantity)[] lines)
    {
        var response = await client.PostAsJsonAsync($"{CartPath}/lines", new { lines = lines.Select(l => new { sku = l.Sku, unit = l.Unit, quantity = l.Quantity }).ToArray() });
        await BackendFixture.Ensure(response);
        return await BackendFixture.Json(response);
    }

    public async Task<HttpResponseMessage> CheckoutAsync(HttpClient client, string? key = null, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orgs/{Buyer}/suppliers/{Supplier}/checkout")
        {
            Content = JsonContent.Create(body ?? new { addressId = "hq", purchaseOrderNumber = "PO-1" }),
        };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    public static async Task<JsonNode> OrderAsync(HttpClient client, string orgId, string orderId) =>
        await BackendFixture.Json(await client.GetAsync($"/api/orgs/{orgId}/orders/{orderId}"));

    public async Task<JsonNode> ProductAsync(string sku) =>
        await BackendFixture.Json(await SupplierAdmin.GetAsync($"/api/orgs/{Supplier}/products/{sku}"));

    /// <summary>Waits until the order's outbox was handed on (its timeline stored, its emails queued, its stock released).</summary>
    public async Task<JsonArray> TimelineAsync(HttpClient client, string orgId, string orderId, int atLeast)
    {
        JsonArray items = [];
        await BackendFixture.EventuallyAsync(async () =>
        {
            var order = Backend.Backend.Services.GetRequiredService<Core.Ordering.ISalesDocuments<Core.Ordering.Order>>();
            var stored = await order.FindAsync(orderId, default);
            items = (await BackendFixture.Json(await client.GetAsync($"/api/orgs/{orgId}/orders/{orderId}/timeline")))["items"]!.AsArray();
            return stored is not null && stored.Value.Outbox.IsEmpty && stored.Value.Stock != Core.Ordering.StockState.Releasing && items.Count >= atLeast;
        }, $"order {orderId}'s outbox to be handed on");
        return items;
    }

    /// <summary>The email to <paramref name="role"/> whose subject holds <paramref name="subject"/>, waiting for it.</summary>
    public async Task<JsonObject> MailAsync(string role, string subject)
    {
        JsonObject? found = null;
        await BackendFixture.EventuallyAsync(async () =>
        {
            found = (await Backend.MailAsync()).OfType<JsonObject>().LastOrDefault(m => (string?)m["to"] == Email(role) && ((string?)m["subject"])?.Contains(subject, StringComparison.Ordinal) == true);
            return found is not null;
        }, $"an email to {role} about '{subject}'");
        return found!;
    }

    /// <summary>The integration events published locally for this market's supplier.</summary>
    public async Task<IReadOnlyList<JsonNode>> EventsAsync() => (await AllEventsAsync(Backend)).Where(e => (string?)e["tenant"] == Supplier).ToArray();

    // Every event the local integration queue carried in this test run: nothing else consumes it, so it is drained here once
    // and kept, and each test reads its own tenant's.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonNode> Published = new(StringComparer.Ordinal);
    private static readonly SemaphoreSlim Draining = new(1, 1);

    public static async Task<IReadOnlyCollection<JsonNode>> AllEventsAsync(BackendFixture backend)
    {
        var queue = backend.Backend.Services.GetRequiredService<StorageClients>().RawQueues.GetQueueClient(StorageNames.IntegrationEventsQueue);
        await Draining.WaitAsync();
        try
        {
            while (true)
            {
                var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value;
                if (batch.Length == 0)
                {
                    break;
                }

                foreach (var message in batch)
                {
                    Published.TryAdd(message.MessageId, JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText)))!);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
            }
        }
        finally
        {
            Draining.Release();
        }

        return Published.Values.ToArray();
    }

    public void Dispose()
    {
        foreach (var client in new[] { SupplierAdmin, Sales, Pricing, Warehouse, BuyerAdmin, Purchaser, Approver1, Approver2 })
        {
            client.Dispose();
        }
    }
}
