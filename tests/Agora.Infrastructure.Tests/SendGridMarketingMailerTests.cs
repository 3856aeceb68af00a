using System.Net;
using System.Text.Json.Nodes;
using Agora.Core.Marketing;
using Agora.Infrastructure.Email;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Infrastructure.Tests;

/// <summary>What the marketing mailer asks of SendGrid (decision 0021a), read off the request it sends: the kind's
/// unsubscribe group with every group on the preferences page, tracking on, categories, and per recipient its address,
/// substitutions and the custom args the event webhook reads back; and what it makes of a refusal.</summary>
public sealed class SendGridMarketingMailerTests
{
    private static readonly UnsubscribeGroups Groups = new() { Offers = 7, CartReminders = 8, Reactivation = 9 };

    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static MarketingBatch Batch(int recipients, MarketingKind kind = MarketingKind.CartReminders) => new(
        kind, "Your cart, -name-", "Hi -name-", "<p>Hi -name-</p><a href=\"<%asm_group_unsubscribe_raw_url%>\">Unsubscribe</a>", ["cart-reminders", "step-1"],
        Enumerable.Range(0, recipients).Select(i => new MarketingRecipient($"p{i}@example.com", $"P {i}", $"mk-{i}",
            new Dictionary<string, string> { ["-name-"] = $"P {i}" }, new Dictionary<string, string> { ["campaignId"] = "c1", ["supplierId"] = "acme" })).ToArray());

    [Fact]
    public async Task A_batch_is_one_request_in_its_kinds_group_with_tracking_categories_and_each_recipients_args()
    {
        var handler = new Answering(HttpStatusCode.Accepted);
        await Mailer(handler).SendAsync(Batch(3), default);

        var request = JsonNode.Parse(Assert.Single(handler.Bodies))!;
        Assert.Equal(8, (int)request["asm"]!["group_id"]!);
        Assert.Equal([7, 8, 9], request["asm"]!["groups_to_display"]!.AsArray().Select(g => (int)g!));
        Assert.True((bool)request["tracking_settings"]!["open_tracking"]!["enable"]!);
        Assert.True((bool)request["tracking_settings"]!["click_tracking"]!["enable"]!);
        Assert.Equal(["cart-reminders", "step-1"], request["categories"]!.AsArray().Select(c => (string)c!));
        var personalizations = request["personalizations"]!.AsArray();
        Assert.Equal(3, personalizations.Count);
        Assert.Equal("p2@example.com", (string?)personalizations[2]!["to"]![0]!["email"]);
        Assert.Equal("P 2", (string?)personalizations[2]!["substitutions"]!["-name-"]);
        Assert.Equal(("mk-2", "CartReminders", "c1", "acme"), ((string?)personalizations[2]!["custom_args"]!["deliveryId"], (string?)personalizations[2]!["custom_args"]!["kind"],
            (string?)personalizations[2]!["custom_args"]!["campaignId"], (string?)personalizations[2]!["custom_args"]!["supplierId"]));
    }

    [Fact]
    public async Task More_than_a_thousand_recipients_or_a_kind_without_its_group_are_refused_before_sending()
    {
        var handler = new Answering(HttpStatusCode.Accepted);
        await Assert.ThrowsAsync<ArgumentException>(() => Mailer(handler).SendAsync(Batch(1001), default));
        await Assert.ThrowsAsync<ArgumentException>(() => Mailer(handler).SendAsync(Batch(0), default));
        var unset = await Assert.ThrowsAsync<InvalidOperationException>(() => Mailer(handler, new UnsubscribeGroups { Offers = 0 }).SendAsync(Batch(1, MarketingKind.Offers), default));
        Assert.Contains("SendGrid__UnsubscribeGroups__Offers", unset.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Bodies);
        await Mailer(handler).SendAsync(Batch(1000), default); // exactly the limit goes
    }

    [Fact]
    public async Task A_throttled_or_failing_request_throws_with_when_to_come_back_and_a_bad_one_as_not_transient()
    {
        var throttled = new Answering((HttpStatusCode)429, r => r.Headers.Add("X-RateLimit-Reset", (Now.ToUnixTimeSeconds() + 42).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var unavailable = new Answering(HttpStatusCode.ServiceUnavailable, r => r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(5)));
        var bad = new Answering(HttpStatusCode.BadRequest);

        var e429 = await Assert.ThrowsAsync<MarketingSendRefusedException>(() => Mailer(throttled).SendAsync(Batch(1), default));
        var e503 = await Assert.ThrowsAsync<MarketingSendRefusedException>(() => Mailer(unavailable).SendAsync(Batch(1), default));
        var e400 = await Assert.ThrowsAsync<MarketingSendRefusedException>(() => Mailer(bad).SendAsync(Batch(1), default));

        Assert.Equal((true, TimeSpan.FromSeconds(42)), (e429.Transient, e429.RetryAfter));
        Assert.Equal((true, TimeSpan.FromSeconds(5)), (e503.Transient, e503.RetryAfter));
        Assert.Equal((false, (TimeSpan?)null), (e400.Transient, e400.RetryAfter));
    }

    private static SendGridMarketingMailer Mailer(Answering handler, UnsubscribeGroups? groups = null) =>
        new(new HttpClient(handler), Options.Create(new SendGridOptions { ApiKey = "SG.test", Host = "http://sendgrid.test" }), groups ?? Groups, new FakeTimeProvider(Now));

    /// <summary>SendGrid's side of the wire: keeps each request body and answers <paramref name="status"/>.</summary>
    private sealed class Answering(HttpStatusCode status, Action<HttpResponseMessage>? headers = null) : HttpMessageHandler
    {
        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Bodies.Add(await request.Content!.ReadAsStringAsync(cancellationToken));
            var response = new HttpResponseMessage(status) { Content = new StringContent("{\"errors\":[]}") };
            headers?.Invoke(response);
            return response;
        }
    }
}
