using Agora.Core.Marketing;

namespace Agora.Core.Tests.Marketing;

/// <summary>The campaign runner over in-memory ports (the end-to-end tests run it through the local runtime): batches of
/// at most 1,000, a crash mid-send resumed with no duplicate and no miss, a crash after a batch's checkpoint finished
/// without resending it, opt-outs and the weekly cap honoured, quiet hours deferring to a resumed run.</summary>
public sealed class CampaignRunTests
{
    [Fact]
    public async Task A_campaign_to_3500_people_goes_in_4_requests_and_a_failed_request_resumes_with_no_duplicate_and_no_miss()
    {
        var world = new RunnerWorld();
        await world.CustomersAsync(customers: 7, people: 500);
        await world.ActiveAsync("news", RunnerWorld.Broadcast("News"));
        world.Mailer.FailRequest = 3;

        await world.Runner.RunDueAsync(default); // SendGrid refuses the third request: the run stops there, its entry stays due
        Assert.Equal(2000, world.Mailer.Recipients.Count());
        await world.Runner.RunDueAsync(default);

        var recipients = world.Mailer.Recipients.Select(r => r.Email).ToArray();
        Assert.Equal(3500, recipients.Length);
        Assert.Equal(3500, recipients.Distinct().Count());
        Assert.Equal(4, world.Mailer.Sent.Count); // 1,000 + 1,000 + 1,000 + 500, plus the refused one
        Assert.Equal(5, world.Mailer.Requests);
        Assert.DoesNotContain(recipients, r => r.StartsWith("approver@", StringComparison.Ordinal));
        Assert.Equal(3500, (await world.Results.GetAsync("acme", "news", default)).Sent);

        await world.Runner.RunDueAsync(default); // nothing more, however often it runs
        Assert.Equal(3500, world.Mailer.Recipients.Count());
    }

    [Fact]
    public async Task A_crash_after_a_batch_was_sent_finishes_recording_it_instead_of_sending_it_again()
    {
        var world = new RunnerWorld();
        await world.CustomersAsync(customers: 3, people: 500);
        var campaign = await world.ActiveAsync("news", RunnerWorld.Broadcast("News"));
        world.Marketing.FailNextSends = true; // SendGrid took the first batch, then the process died before its recipients' records

        await Assert.ThrowsAsync<InvalidOperationException>(() => world.Runner.RunAsync(campaign, CampaignRunner.RunKeyOf(campaign.NextRunAt!.Value), default));
        Assert.Empty(world.Marketing.AllSends);
        await world.Runner.RunDueAsync(default);

        var recipients = world.Mailer.Recipients.Select(r => r.Email).ToArray();
        Assert.Equal(1500, recipients.Length);
        Assert.Equal(1500, recipients.Distinct().Count());
        Assert.Equal(1500, world.Marketing.AllSends.Count);
    }

    [Fact]
    public async Task Opted_out_people_get_nothing_and_the_weekly_cap_holds_across_campaigns_until_it_frees_up()
    {
        var world = new RunnerWorld();
        world.Marketing.Settings = world.Marketing.Settings with { MaxPerWeek = 1 };
        await world.CustomersAsync(customers: 1, people: 3);
        await world.Suppressions.AddAsync("p1@c0.test", MarketingKind.Offers, "group_unsubscribe", RunnerWorld.Start, default);
        await world.Suppressions.AddAsync("p2@c0.test", MarketingKind.CartReminders, "group_unsubscribe", RunnerWorld.Start, default); // another kind: still gets offers

        await world.ActiveAsync("first", RunnerWorld.Broadcast("First"));
        await world.Runner.RunDueAsync(default);
        Assert.Equal(["p0@c0.test", "p2@c0.test"], world.Mailer.Recipients.Select(r => r.Email).Order());

        world.Clock.Advance(TimeSpan.FromHours(1));
        await world.ActiveAsync("second", RunnerWorld.Broadcast("Second", within: 168));
        await world.Runner.RunDueAsync(default);
        Assert.Equal(2, world.Mailer.Recipients.Count()); // capped: one a week
        var counts = await world.Results.GetAsync("acme", "second", default);
        Assert.Equal((0L, 2L, 1L), (counts.Sent, counts.Deferred, counts.Suppressed));

        world.Clock.Advance(TimeSpan.FromDays(7));
        await world.Runner.RunDueAsync(default);
        Assert.Equal(["p0@c0.test", "p0@c0.test", "p2@c0.test", "p2@c0.test"], world.Mailer.Recipients.Select(r => r.Email).Order());
        Assert.DoesNotContain(world.Mailer.Recipients, r => r.Email == "p1@c0.test");
    }

    [Fact]
    public async Task Quiet_hours_in_the_recipients_zone_defer_the_send_to_their_morning()
    {
        var world = new RunnerWorld();
        world.Marketing.Settings = world.Marketing.Settings with { QuietFrom = "21:00", QuietUntil = "08:00" };
        await world.CustomersAsync(customers: 1, people: 1, country: "BR");
        world.Clock.Advance(TimeSpan.FromHours(10)); // 01:00 UTC, 22:00 in São Paulo
        await world.ActiveAsync("late", RunnerWorld.Broadcast("Late"));
        await world.Runner.RunDueAsync(default);
        Assert.Empty(world.Mailer.Sent);

        world.Clock.Advance(TimeSpan.FromHours(9.5)); // 10:30 UTC, 07:30 in São Paulo
        await world.Runner.RunDueAsync(default);
        Assert.Empty(world.Mailer.Sent);
        world.Clock.Advance(TimeSpan.FromHours(0.5)); // 08:00 there
        await world.Runner.RunDueAsync(default);
        Assert.Single(world.Mailer.Sent);
        Assert.Contains("-name-", world.Mailer.Sent.Single().Text, StringComparison.Ordinal);
        Assert.Equal("Person 0", world.Mailer.Recipients.Single().Substitutions["-name-"]);
        var counts = await world.Results.GetAsync("acme", "late", default);
        Assert.Equal((1L, 1L), (counts.Sent, counts.Deferred));
    }

    [Fact]
    public async Task A_sequence_step_waiting_for_the_morning_counts_its_person_once_as_deferred_however_many_passes_see_it()
    {
        var world = new RunnerWorld();
        world.Marketing.Settings = world.Marketing.Settings with { InactiveFloorDays = 10, QuietFrom = "21:00", QuietUntil = "08:00" };
        await world.CustomersAsync(customers: 1, people: 1, country: "BR");
        await world.Signals.OrderedAsync(Order("c0", "o-c0", world.Clock.GetUtcNow()), default);
        var messages = new Dictionary<string, CampaignMessage> { ["pt-BR"] = new("Sentimos sua falta, {{company}}", "Olá {{name}}!") };
        world.Clock.Advance(TimeSpan.FromDays(10) + TimeSpan.FromHours(10)); // inactive since 9 hours; 22:00 in São Paulo
        await world.ActiveAsync("miss-you", new CampaignInput("Miss you", CampaignKind.Reactivation, null, null, null, null, [new CampaignStepInput(1, null, messages)], null));
        for (var pass = 0; pass < 3; pass++)
        {
            await world.Runner.RunDueAsync(default);
            world.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.Empty(world.Mailer.Sent);
        Assert.Equal(1L, (await world.Results.GetAsync("acme", "miss-you", default)).Deferred);
        world.Clock.Advance(TimeSpan.FromHours(10)); // past 08:00 there
        await world.Runner.RunDueAsync(default);
        Assert.Single(world.Mailer.Recipients);
        var counts = await world.Results.GetAsync("acme", "miss-you", default);
        Assert.Equal((1L, 1L, 0L), (counts.Sent, counts.Deferred, counts.Suppressed));
    }

    [Fact]
    public async Task A_customer_gone_inactive_gets_one_task_for_its_sales_manager_and_none_once_it_ordered_again()
    {
        var world = new RunnerWorld();
        world.Marketing.Settings = world.Marketing.Settings with { InactiveFloorDays = 10 };
        await world.CustomersAsync(customers: 2, people: 1);
        foreach (var buyer in new[] { "c0", "c1" })
        {
            await world.Signals.OrderedAsync(Order(buyer, $"o-{buyer}", world.Clock.GetUtcNow()), default);
        }

        world.Clock.Advance(TimeSpan.FromDays(5));
        await world.Signals.OrderedAsync(Order("c1", "o-c1-again", world.Clock.GetUtcNow()), default); // c1 ordered again
        await world.Signals.OrderedAsync(Order("c1", "o-c1-again", world.Clock.GetUtcNow()), default); // told twice: counted once
        world.Clock.Advance(TimeSpan.FromDays(5) + TimeSpan.FromHours(1));
        await world.Runner.RunDueAsync(default);
        await world.Runner.RunDueAsync(default);

        var task = Assert.Single(world.Tasks.Raised);
        Assert.Equal(("c0", SalesTaskKind.InactiveCustomer), (task.BuyerId, task.Kind));
        Assert.Equal(2, (await world.Marketing.FindSignalsAsync("acme", "c1", default))!.Value.Orders);
    }

    private static Core.Ordering.Order Order(string buyer, string id, DateTimeOffset at) => new()
    {
        Id = id,
        Number = id,
        SupplierId = "acme",
        SupplierName = "Acme",
        BuyerId = buyer,
        BuyerName = buyer,
        PlacedBy = new Core.Ordering.Actor("u", null, null, buyer),
        Status = Core.Ordering.OrderStatus.Placed,
        Currency = "BRL",
        Lines = [],
        ListTotal = 100,
        DiscountTotal = 0,
        Total = 100,
        DeliveryAddress = new Core.Ordering.Address("hq", "HQ", "R", "Rua", null, "SP", null, "01000-000", "BR", null),
        DeliveryTerms = new Core.Accounts.DeliveryTerms("FOB", null),
        PaymentTerms = new Core.Accounts.PaymentTerms([30]),
        Approval = Core.Ordering.ApprovalProcess.None,
        Stock = Core.Ordering.StockState.Held,
        CreatedAt = at,
        UpdatedAt = at,
    };
}
