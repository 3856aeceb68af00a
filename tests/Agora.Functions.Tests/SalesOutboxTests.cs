using System.Text.Json.Nodes;
using Agora.Core.Integration;
using Agora.Core.Notifications;
using Agora.Core.Ordering;
using Agora.Infrastructure.Storage;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>The sales queue hands each document's outbox on exactly once in effect: a message delivered twice changes
/// nothing the second time, and one that keeps failing ends in the poison queue with nothing handed on.</summary>
[Collection(BackendCollection.Name)]
public sealed class SalesOutboxTests(BackendFixture backend)
{
    private T Service<T>()
        where T : notnull => backend.Backend.Services.GetRequiredService<T>();

    [Fact]
    public async Task A_sales_message_delivered_twice_changes_nothing_the_second_time()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 2));
        var id = (string)(await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser)))["id"]!;
        var timeline = await m.TimelineAsync(m.Purchaser, m.Buyer, id, 1);
        await m.MailAsync("b-buyer", "placed");
        var etag = (await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/orders/{id}")).Headers.ETag;
        var mails = (await backend.MailAsync()).Count;
        var events = (await m.EventsAsync()).Count;

        var runtime = backend.Backend.Runtime;
        var before = runtime.CompletedInvocations("HandOnSalesOutbox");
        await Service<ISalesQueue>().SendAsync(new SalesWork("order", id), default);
        await Service<ISalesQueue>().SendAsync(new SalesWork("order", id), default);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            await runtime.WaitForCompletedAsync("HandOnSalesOutbox", before + 2, timeout.Token);
        }

        Assert.Equal(etag, (await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/orders/{id}")).Headers.ETag);
        Assert.Equal(timeline.Count, (await BackendFixture.Json(await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/orders/{id}/timeline")))["items"]!.AsArray().Count);
        Assert.Equal(mails, (await backend.MailAsync()).Count);
        Assert.Equal(events, (await m.EventsAsync()).Count);
    }

    [Fact]
    public async Task An_outbox_handed_on_twice_stores_sends_and_publishes_each_entry_once()
    {
        var (cart, to) = await PendingCartAsync(validEvent: true);
        var outbox = Service<SalesOutbox>();

        await outbox.HandleAsync(new SalesWork("cart", cart.Id), default);
        await outbox.HandleAsync(new SalesWork("cart", cart.Id), default);

        var stored = (await Service<ISalesDocuments<Cart>>().FindAsync(cart.Id, default))!.Value;
        Assert.True(stored.Outbox.IsEmpty);
        Assert.Null(stored.Outbox.ClaimedBy);
        Assert.Single((await Service<ITimelineStore>().ListAsync(cart.Subject, Visibility.Buyer, null, 10, default)).Items);
        await backend.MailToAsync(to);
        Assert.Single((await backend.MailAsync()).OfType<JsonObject>(), e => (string?)e["to"] == to);
        Assert.Single(await EventsAboutAsync(cart.Subject));
    }

    [Fact]
    public async Task A_sales_message_that_keeps_failing_ends_in_the_poison_queue_with_nothing_handed_on()
    {
        var (cart, to) = await PendingCartAsync(validEvent: false);

        await Service<ISalesQueue>().SendAsync(new SalesWork("cart", cart.Id), default);
        var poison = Service<StorageClients>().RawQueues.GetQueueClient(StoragePoisonQueues.PoisonQueueOf(StorageNames.SalesQueue));
        await BackendFixture.EventuallyAsync(async () =>
        {
            await poison.CreateIfNotExistsAsync();
            var peeked = (await poison.PeekMessagesAsync(32)).Value;
            return peeked.Any(p => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(p.MessageText)).Contains(cart.Id, StringComparison.Ordinal));
        }, "the failing message in sales-poison", TimeSpan.FromMinutes(1));

        var stored = (await Service<ISalesDocuments<Cart>>().FindAsync(cart.Id, default))!.Value;
        Assert.Single(stored.Outbox.Timeline);
        Assert.Single(stored.Outbox.Events);
        Assert.Single(stored.Outbox.Notifications);
        Assert.Empty((await Service<ITimelineStore>().ListAsync(cart.Subject, Visibility.Buyer, null, 10, default)).Items);
        Assert.DoesNotContain((await backend.MailAsync()).OfType<JsonObject>(), e => (string?)e["to"] == to);
        Assert.Empty(await EventsAboutAsync(cart.Subject));
    }

    /// <summary>A cart written with one timeline entry, one email and one event in its outbox, and no message queued for it.</summary>
    private async Task<(Cart Cart, string To)> PendingCartAsync(bool validEvent)
    {
        var clock = backend.Clock;
        var now = clock.GetUtcNow();
        var id = $"cart-{Guid.NewGuid():N}";
        var to = $"{Guid.NewGuid():N}@test.example";
        var subject = $"cart:{id}";
        var cart = new Cart
        {
            Id = id,
            Type = CartKind.Cart,
            BuyerId = "buyer",
            SupplierId = "supplier",
            OwnerId = "owner",
            Lines = [],
            CreatedAt = now,
            UpdatedAt = now,
            LastActivityAt = now,
            Outbox = Outbox.Empty
                .Add(SalesFacts.Entry(clock, subject, Actor.System("buyer"), "created", "Created.", Visibility.Both))
                .Add(new IntegrationEvent($"evt-{Guid.NewGuid():N}", "cart.created", "supplier", subject, now, validEvent ? "{\"ok\":true}" : "{not json"))
                .Add([SalesFacts.Email(clock, to, null, "Hello", "Hello.", "Details.", "/carts/x")]),
        };
        await Service<ISalesDocuments<Cart>>().CreateAsync(cart, default);
        return (cart, to);
    }

    private async Task<IReadOnlyList<JsonNode>> EventsAboutAsync(string subject) =>
        (await SalesMarket.AllEventsAsync(backend)).Where(e => (string?)e["subject"] == subject).ToArray();
}
