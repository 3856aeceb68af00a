using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Agora.Core.Marketing;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>SendGrid done right (issue 13, decision 0021a), through the local runtime: the real mailer from DI sends to the
/// mail sink, which behaves as SendGrid (one message per personalization, its unsubscribe link, refused requests) and posts
/// signed events to the app's event webhook, which records opt-outs and counts results, and refuses what SendGrid did not
/// sign or signed long ago.</summary>
[Collection(BackendCollection.Name)]
public sealed class MarketingSendTests(BackendFixture backend)
{
    private IMarketingMailer Mailer => backend.Backend.Services.GetRequiredService<IMarketingMailer>();

    private ISuppressions Suppressions => backend.Backend.Services.GetRequiredService<ISuppressions>();

    private ICampaignResults Results => backend.Backend.Services.GetRequiredService<ICampaignResults>();

    [Fact]
    public async Task Twenty_five_hundred_recipients_go_out_in_three_requests_each_with_its_own_substitutions_and_unsubscribe_link()
    {
        var (supplier, campaign, category) = Names();
        var recipients = Enumerable.Range(0, 2500).Select(i => $"r{i:0000}").ToArray();

        foreach (var batch in SendBatches.Plan(recipients))
        {
            await Mailer.SendAsync(Batch(MarketingKind.Offers, supplier, campaign, category, batch.RecipientIds), default);
        }

        var requests = (await backend.MailRequestsAsync())["requests"]!.AsArray().Where(r => HasCategory(r!, category)).ToArray();
        Assert.Equal([1000, 1000, 500], requests.Select(r => (int)r!["personalizations"]!));
        Assert.All(requests, r => Assert.Equal(202, (int)r!["status"]!));
        var mail = await MailOf(category);
        Assert.Equal(2500, mail.Length);
        Assert.Equal(recipients.Select(Email).Order(StringComparer.Ordinal), mail.Select(m => (string)m["to"]!).Order(StringComparer.Ordinal));
        Assert.All(mail, m =>
        {
            var name = ((string)m["to"]!).Split('@')[0];
            Assert.Equal($"An offer for {name}", (string?)m["subject"]);
            Assert.Contains($"Hello {name}", (string?)m["text"], StringComparison.Ordinal);
            Assert.Contains((string)m["unsubscribeUrl"]!, (string?)m["html"], StringComparison.Ordinal);
            Assert.DoesNotContain(MarketingBatch.UnsubscribeTag, (string?)m["html"], StringComparison.Ordinal);
            Assert.Equal(("Offers", 101, false), ((string?)m["kind"], (int?)m["asmGroupId"], (bool?)m["duplicate"]));
            Assert.Equal(campaign, (string?)m["customArgs"]!["campaignId"]);
        });
        Assert.Equal(2500, mail.Select(m => (string)m["unsubscribeUrl"]!).Distinct().Count());
        Assert.Equal(2500, mail.Select(m => (string)m["deliveryId"]!).Distinct().Count());

        // More than SendGrid takes in one request is the caller's bug, refused before anything is sent.
        await Assert.ThrowsAsync<ArgumentException>(() => Mailer.SendAsync(Batch(MarketingKind.Offers, supplier, campaign, category, recipients[..1001]), default));
        Assert.Equal(3, (await backend.MailRequestsAsync())["requests"]!.AsArray().Count(r => HasCategory(r!, category)));

        // Read: the sink forgets them, so the tests after this one do not page through 2,500 messages on every look.
        using var client = backend.Anonymous();
        await BackendFixture.Ensure(await client.DeleteAsync($"/dev/mail?category={category}"));
        Assert.Empty(await MailOf(category));
    }

    [Fact]
    public async Task A_request_sendgrid_refuses_throws_with_its_retry_after_sends_nothing_and_goes_through_when_sent_again()
    {
        var (supplier, campaign, category) = Names();
        var batches = SendBatches.Plan(Enumerable.Range(0, 30).Select(i => $"f{i:00}"), size: 10);
        await backend.FailMailRequestAsync(2, category, retryAfterSeconds: 30);

        await Mailer.SendAsync(Batch(MarketingKind.Reactivation, supplier, campaign, category, batches[0].RecipientIds), default);
        var refused = await Assert.ThrowsAsync<MarketingSendRefusedException>(() => Mailer.SendAsync(Batch(MarketingKind.Reactivation, supplier, campaign, category, batches[1].RecipientIds), default));
        Assert.Equal((503, true, TimeSpan.FromSeconds(30)), (refused.Status, refused.Transient, refused.RetryAfter));
        Assert.Equal(10, (await MailOf(category)).Length);

        // The run resumes at its checkpoint: the refused batch again, then the rest.
        await Mailer.SendAsync(Batch(MarketingKind.Reactivation, supplier, campaign, category, batches[1].RecipientIds), default);
        await Mailer.SendAsync(Batch(MarketingKind.Reactivation, supplier, campaign, category, batches[2].RecipientIds), default);

        var requests = (await backend.MailRequestsAsync())["requests"]!.AsArray().Where(r => HasCategory(r!, category)).Select(r => (int)r!["status"]!).ToArray();
        Assert.Equal([202, 503, 202, 202], requests);
        var mail = await MailOf(category);
        Assert.Equal(30, mail.Length);
        Assert.Equal(30, mail.Select(m => (string)m["deliveryId"]!).Distinct().Count()); // each recipient once
    }

    [Fact]
    public async Task Following_an_unsubscribe_link_suppresses_that_kind_only_and_counts_in_the_campaign()
    {
        var (supplier, campaign, category) = Names();
        await Mailer.SendAsync(Batch(MarketingKind.CartReminders, supplier, campaign, category, ["u1", "u2"]), default);
        var mail = await MailOf(category);
        var leaving = mail.Single(m => (string?)m["to"] == Email("u1"));

        using var person = new HttpClient();
        var page = await person.GetAsync((string)leaving["unsubscribeUrl"]!);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var found = await Suppressions.FindAsync([Email("u1"), Email("u2")], default);
        var suppression = Assert.Single(found).Value;
        Assert.Equal(Email("u1"), suppression.Email);
        Assert.True(suppression.Blocks(MarketingKind.CartReminders));
        Assert.False(suppression.Blocks(MarketingKind.Offers));
        Assert.False(suppression.Blocks(MarketingKind.Reactivation));
        Assert.Equal(1, (await Results.GetAsync(supplier, campaign, default)).Unsubscribed);
    }

    [Fact]
    public async Task Delivered_opened_and_clicked_count_once_per_email_however_often_sendgrid_reports_them()
    {
        var (supplier, campaign, category) = Names();
        await Mailer.SendAsync(Batch(MarketingKind.Offers, supplier, campaign, category, ["d1", "d2", "d3"]), default);
        var byRecipient = (await MailOf(category)).ToDictionary(m => (string)m["to"]!, m => (string)m["deliveryId"]!);
        string[] ids = [byRecipient[Email("d1")], byRecipient[Email("d2")], byRecipient[Email("d3")]];

        await EventAsync(new { deliveryIds = ids, @event = "delivered" });
        await EventAsync(new { deliveryId = ids[0], @event = "open" });
        await EventAsync(new { deliveryId = ids[0], @event = "open" }); // opened again: one email opened
        await EventAsync(new { deliveryId = ids[1], @event = "open" });
        await EventAsync(new { deliveryId = ids[1], @event = "click" });
        await EventAsync(new { deliveryId = ids[2], @event = "bounce", type = "bounce", reason = "550 No such user" });

        var counts = await Results.GetAsync(supplier, campaign, default);
        Assert.Equal((3, 2, 1, 1), (counts.Delivered, counts.Opened, counts.Clicked, counts.Bounced));
        Assert.True((await Suppressions.FindAsync([Email("d3")], default))[Email("d3")].All); // a bounce stops every kind
    }

    [Fact]
    public async Task Forged_unsigned_stale_and_bearer_only_calls_are_refused_and_a_replayed_event_counts_once()
    {
        var (supplier, campaign, _) = Names();
        var email = Email($"spam-{campaign}");
        var body = new JsonArray(new JsonObject
        {
            ["email"] = email, ["event"] = "spamreport", ["timestamp"] = backend.Clock.GetUtcNow().ToUnixTimeSeconds(), ["sg_event_id"] = $"ev-{campaign}",
            ["deliveryId"] = $"mk-{campaign}", ["campaignId"] = campaign, ["supplierId"] = supplier,
        }).ToJsonString();
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = backend.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var forged = Convert.ToBase64String(otherKey.SignData(System.Text.Encoding.UTF8.GetBytes(now + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        using var admin = backend.As(RouteCatalog.Admin, $"{RouteCatalog.Admin}@test.example");
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, "/api/sendgrid/events") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };

        var refused = new[]
        {
            ("no signature headers", await admin.SendAsync(unsigned)), // a person's token is no signature
            ("signed with another key", await backend.PostSendGridEventsAsync(body, signature: forged)),
            ("a signature of another body", await backend.PostSendGridEventsAsync(body.Replace("spamreport", "unsubscribe", StringComparison.Ordinal), signature: SignatureOf(body))),
            ("garbage for a signature", await backend.PostSendGridEventsAsync(body, signature: "not-base64!")),
            ("signed six minutes ago", await backend.PostSendGridEventsAsync(body, timestamp: backend.Clock.GetUtcNow().AddMinutes(-6))),
            ("signed six minutes ahead", await backend.PostSendGridEventsAsync(body, timestamp: backend.Clock.GetUtcNow().AddMinutes(6))),
        };

        Assert.All(refused, r =>
        {
            Assert.True(r.Item2.StatusCode == HttpStatusCode.Forbidden, $"{r.Item1}: {(int)r.Item2.StatusCode}");
            Assert.Equal("application/problem+json", r.Item2.Content.Headers.ContentType?.MediaType);
        });
        Assert.Empty(await Suppressions.FindAsync([email], default));
        Assert.Equal(0, (await Results.GetAsync(supplier, campaign, default)).SpamReports);

        // SendGrid's own call, and the same event sent again later (freshly signed, as SendGrid's retries are): counted once.
        Assert.Equal(HttpStatusCode.OK, (await backend.PostSendGridEventsAsync(body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await backend.PostSendGridEventsAsync(body, timestamp: backend.Clock.GetUtcNow().AddMinutes(4))).StatusCode);
        Assert.Equal(1, (await Results.GetAsync(supplier, campaign, default)).SpamReports);
        Assert.True((await Suppressions.FindAsync([email], default))[email].All);
    }

    private string SignatureOf(string body)
    {
        var now = backend.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return backend.Backend.MailSink.Sign(now, System.Text.Encoding.UTF8.GetBytes(body));
    }

    private async Task EventAsync(object request)
    {
        using var client = backend.Anonymous();
        var response = await client.PostAsync("/dev/sendgrid/events", System.Net.Http.Json.JsonContent.Create(request));
        await BackendFixture.Ensure(response);
        var answer = await BackendFixture.Json(response);
        Assert.Equal(200, (int)answer["webhookStatus"]!);
    }

    private static (string Supplier, string Campaign, string Category) Names() =>
        (SharedEmulators.Unique("sup"), SharedEmulators.Unique("camp"), SharedEmulators.Unique("cat"));

    private static string Email(string recipient) => $"{recipient}@buyers.example";

    private static bool HasCategory(JsonNode request, string category) => request["categories"] is JsonArray categories && categories.Any(c => (string?)c == category);

    private async Task<JsonObject[]> MailOf(string category) =>
        (await backend.MailAsync()).OfType<JsonObject>().Where(m => HasCategory(m, category)).ToArray();

    private static MarketingBatch Batch(MarketingKind kind, string supplier, string campaign, string category, IReadOnlyList<string> recipients) => new(
        kind,
        "An offer for -name-",
        "Hello -name-, 10% off this week. Unsubscribe: " + MarketingBatch.UnsubscribeTag,
        "<p>Hello -name-, 10% off this week.</p><p><a href=\"" + MarketingBatch.UnsubscribeTag + "\">Unsubscribe</a></p>",
        ["marketing", category],
        recipients.Select(r => new MarketingRecipient(
            Email(r),
            r,
            SendBatches.DeliveryId(campaign, 1, r),
            new Dictionary<string, string> { ["-name-"] = r },
            new Dictionary<string, string> { ["campaignId"] = campaign, ["supplierId"] = supplier })).ToArray());
}
