using Agora.Core.Common;
using Agora.Core.Marketing;
using Agora.Core.Pricing;

namespace Agora.Core.Tests.Marketing;

public sealed class CampaignTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static Campaign Draft() => new()
    {
        Id = "c1",
        SupplierId = "acme",
        Name = string.Empty,
        Kind = CampaignKind.Broadcast,
        Status = CampaignStatus.Draft,
        Segment = Segment.Everyone,
        CreatedBy = "ana",
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    private static readonly Dictionary<string, CampaignMessage> Hello = new() { ["en"] = new("Hello {{name}}", "Hi {{name}},\n\nUse {{coupon}}.") };

    [Fact]
    public void A_campaign_with_bad_fields_is_refused_field_by_field()
    {
        var input = new CampaignInput("", CampaignKind.AbandonedCart, new SegmentInput(null, ["not an id!"], 5000, null, 0, null, null), null,
            new Dictionary<string, CampaignMessage> { ["fr"] = new("x", "y") }, new CampaignSchedule(Now, null, null),
            [new CampaignStepInput(72, null, Hello), new CampaignStepInput(24, null, Hello)], 500);
        var e = Assert.Throws<DomainException>(() => CampaignRules.Checked(input, Draft(), Now));
        Assert.Contains("name", e.Errors.Keys);
        Assert.Contains("segment.customers[0]", e.Errors.Keys);
        Assert.Contains("segment.abandonedCartHours", e.Errors.Keys);
        Assert.Contains("segment.notLoggedInDays", e.Errors.Keys);
        Assert.Contains("messages", e.Errors.Keys); // a sequence's messages are per step
        Assert.Contains("schedule", e.Errors.Keys);
        Assert.Contains("sendWithinHours", e.Errors.Keys);
    }

    [Fact]
    public void Sequence_steps_must_come_one_after_the_other_and_schedules_at_most_hourly()
    {
        var steps = new CampaignInput("Carts", CampaignKind.AbandonedCart, null, null, null, null, [new CampaignStepInput(72, null, Hello), new CampaignStepInput(24, null, Hello)], null);
        Assert.Contains("steps[1].afterHours", Assert.Throws<DomainException>(() => CampaignRules.Checked(steps, Draft(), Now)).Errors.Keys);

        var often = new CampaignInput("News", null, null, null, Hello, new CampaignSchedule(null, "*/5 * * * *", null), null, null);
        Assert.Contains("schedule.cron", Assert.Throws<DomainException>(() => CampaignRules.Checked(often, Draft(), Now)).Errors.Keys);

        var weekly = CampaignRules.Checked(new CampaignInput("News", null, null, null, Hello, new CampaignSchedule(null, "0 9 * * 1", null), null, null), Draft(), Now);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero), weekly.NextRun(Now, null)); // 2026-12-01 is a Tuesday
        Assert.Equal(new DateTimeOffset(2026, 12, 14, 9, 0, 0, TimeSpan.Zero), weekly.NextRun(new DateTimeOffset(2026, 12, 7, 9, 1, 0, TimeSpan.Zero), null));
        var once = CampaignRules.Checked(new CampaignInput("Now", null, null, null, Hello, null, null, null), Draft(), Now);
        Assert.Equal(Now, once.NextRun(Now, null));
        Assert.Null(once.NextRun(Now, Now)); // ran: nothing more
    }

    [Fact]
    public void One_content_serves_a_batch_and_values_reach_the_html_encoded()
    {
        var (subject, text, html) = MarketingMessages.Compose(new CampaignMessage("Oi {{name}}", "Olá {{name}} da {{company}},\n\nSeu cupom: {{coupon}}"), "ACME <Distribuidora>", "pt-BR");
        Assert.Equal("Oi -name-", subject);
        Assert.Contains("Olá -name- da -company-", text, StringComparison.Ordinal);
        Assert.Contains(MarketingBatch.UnsubscribeTag, text, StringComparison.Ordinal);
        Assert.Contains($"href=\"{MarketingBatch.UnsubscribeTag}\"", html, StringComparison.Ordinal);
        Assert.Contains("-company-html-", html, StringComparison.Ordinal);
        Assert.Contains("ACME &lt;Distribuidora&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<Distribuidora>", html, StringComparison.Ordinal);

        var values = MarketingMessages.Values("pt-BR", null, "<script>x</script> Ltda", "VOLTA-ABC", null, null, null, "https://portal/x");
        var substitutions = MarketingMessages.Substitutions(values);
        Assert.Equal("cliente", substitutions["-name-"]);
        Assert.Equal("&lt;script&gt;x&lt;/script&gt; Ltda", substitutions["-company-html-"]);
        Assert.Equal("VOLTA-ABC", substitutions["-coupon-"]);
        Assert.Equal("<a href=\"https://portal/x\">https://portal/x</a>", substitutions["-link-html-"]);
        Assert.Equal("Oi …, news", MarketingMessages.Plain("Oi {{name}}, news"));
    }

    [Fact]
    public void A_personal_coupon_is_the_customers_own_and_tells_nothing_of_the_promotions_code()
    {
        static Promotion Promo(string id, string? salt) => new(id, "Volta", [], Core.Catalog.ProductSet.None, null, null, null, null, null, "VOLTA10", new Reward(RewardKind.PercentOff, 10),
            Stacking.Combinable, 0, CouponSalt: salt);
        var mine = PersonalCoupons.For(Promo("promo-1", "secret-1"), "buyer-a")!;
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{10}$", mine);
        Assert.DoesNotContain("VOLTA", mine, StringComparison.Ordinal);
        Assert.Equal(mine, PersonalCoupons.For(Promo("promo-1", "secret-1"), "buyer-a"));
        Assert.NotEqual(mine, PersonalCoupons.For(Promo("promo-1", "secret-1"), "buyer-b"));
        Assert.NotEqual(mine, PersonalCoupons.For(Promo("promo-1", "another secret"), "buyer-a")); // without the secret, nobody makes it
        Assert.Null(PersonalCoupons.For(Promo("promo-1", "secret-1") with { CouponCode = null }, "buyer-a"));
    }

    [Fact]
    public void An_order_told_twice_counts_once_and_is_credited_to_the_coupon_it_used_else_the_latest_email()
    {
        var signals = CustomerSignals.None("acme", "b")
            .Touched(new CampaignTouch("news", 0, "r1", Now.AddDays(-10), "NEWS"))
            .Touched(new CampaignTouch("cart", 1, "sequence", Now.AddDays(-2), null));
        var once = signals.Counted("o1", Now, 100, ["ferramentas", "ferramentas/eletricas"]);
        Assert.Same(once, once.Counted("o1", Now, 100, ["ferramentas"]));
        Assert.Equal((1, 100m), (once.Orders, once.Revenue));
        Assert.True(once.Bought("ferramentas/eletricas", new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 31)));
        Assert.False(once.Bought("ferramentas", new DateOnly(2026, 1, 1), new DateOnly(2026, 11, 30)));

        Assert.Equal("news", signals.Attribute(Now, ["news"], 7)!.CampaignId); // the coupon wins, even outside the window
        Assert.Equal("cart", signals.Attribute(Now, [], 7)!.CampaignId);
        Assert.Null(signals.Attribute(Now, [], 1));
        Assert.Null(signals.Attribute(Now.AddDays(-11), [], 30)); // nothing sent before it
    }
}
