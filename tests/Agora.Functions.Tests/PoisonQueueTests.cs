using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agora.Core.Notifications;
using Agora.Infrastructure.Storage;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>Messages that failed their last attempt stay visible to operators and can be sent back once the cause is fixed.</summary>
[Collection(BackendCollection.Name)]
public sealed class PoisonQueueTests(BackendFixture backend)
{
    [Fact]
    public async Task Poison_queues_open_only_to_the_hosts_master_key()
    {
        using var user = backend.As("poison-user", "poison-user@test.example");
        using var functionKey = backend.Anonymous();
        functionKey.DefaultRequestHeaders.Add("x-functions-key", BackendFixture.FunctionKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await backend.Anonymous().GetAsync("/api/ops/queues/notifications/poison")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/api/ops/queues/notifications/poison")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await functionKey.PostAsync("/api/ops/queues/notifications/poison/redrive", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await backend.Admin().GetAsync("/api/ops/queues/notifications/poison")).StatusCode);
        var unknown = await backend.Admin().GetAsync("/api/ops/queues/azure-webjobs-hosts/poison");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_notification_that_failed_its_last_attempt_is_listed_then_redriven_and_sent()
    {
        using var admin = backend.Admin();
        var one = await PoisonAsync("poisoned-one@test.example");
        var other = await PoisonAsync("poisoned-other@test.example");
        var third = await PoisonAsync("poisoned-third@test.example");

        var listed = await BackendFixture.Json(await admin.GetAsync("/api/ops/queues/notifications/poison"));
        var entry = listed["messages"]!.AsArray().Single(m => ((string)m!["text"]!).Contains(one.Id, StringComparison.Ordinal))!;
        var single = await admin.PostAsync($"/api/ops/queues/notifications/poison/{(string)entry["id"]!}/redrive", null);
        await backend.MailToAsync(one.To);
        var again = await admin.PostAsync($"/api/ops/queues/notifications/poison/{(string)entry["id"]!}/redrive", null);
        var all = await BackendFixture.Json(await admin.PostAsync("/api/ops/queues/notifications/poison/redrive", null));
        await backend.MailToAsync(other.To);
        await backend.MailToAsync(third.To);
        var after = await BackendFixture.Json(await admin.GetAsync("/api/ops/queues/notifications/poison"));

        Assert.Equal("notifications-poison", (string?)listed["poisonQueue"]);
        Assert.True((int)listed["approximateCount"]! >= 3);
        Assert.Equal(JsonSerializer.Serialize(one, BackendFixture.Options), (string)entry["text"]!);
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.True((int)all["moved"]! >= 2);
        Assert.Equal(0, (int)all["remaining"]!);
        Assert.DoesNotContain(after["messages"]!.AsArray(), m => new[] { one.Id, other.Id, third.Id }.Any(id => ((string)m!["text"]!).Contains(id, StringComparison.Ordinal)));
        Assert.Single((await backend.MailAsync()).OfType<JsonObject>(), m => (string?)m["to"] == one.To);
    }

    /// <summary>Puts a notification where the host puts a message after its fifth failure: its text, base64, in notifications-poison.</summary>
    private async Task<Notification> PoisonAsync(string to)
    {
        var notification = new Notification($"poisoned-{Guid.NewGuid():N}", NotificationKind.InvitationExpired, to, null,
            new Dictionary<string, string> { ["orgId"] = "acme", ["orgName"] = "Acme", ["inviteeEmail"] = "late@test.example" }, backend.Clock.GetUtcNow());
        var poison = backend.Backend.Services.GetRequiredService<StorageClients>().Queues.GetQueueClient(StoragePoisonQueues.PoisonQueueOf(StorageNames.NotificationsQueue));
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync(JsonSerializer.Serialize(notification, BackendFixture.Options));
        return notification;
    }
}
