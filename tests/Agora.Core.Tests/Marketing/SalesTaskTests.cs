using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Marketing;
using Agora.Core.Ordering;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agora.Core.Tests.Marketing;

public sealed class SalesTaskTests
{
    [Fact]
    public async Task A_task_is_the_account_sales_managers_and_raising_it_again_while_open_changes_nothing()
    {
        var w = await TaskWorld.CreateAsync();
        await w.RaiseAsync();
        await w.RaiseAsync();

        var task = Assert.Single(w.Store.All);
        Assert.Equal(("sup-sales", SalesTaskStatus.Open, "Buyer SA"), (task.AssigneeId, task.Status, task.BuyerName));
        Assert.Single((await w.Tasks.ListAsync(Given.SalesManager, "supplier", null, null, null, null, null, null, default)).Items);
        Assert.Empty((await w.Tasks.ListAsync(Given.OtherSales, "supplier", null, null, null, null, null, null, default)).Items);
        var raised = Assert.Single(w.Timelines.Of(TaskWorld.Customer));
        Assert.Equal(("taskRaised", Visibility.Supplier), (raised.Action, raised.Visibility));
        Assert.Contains(w.Given.Stores.DueEntries, e => e.Kind == SalesTasks.DigestKind && e.Id == "managerDigest.supplier.sup-sales" && e.Day == DueEntry.DayOf(w.Now));
    }

    [Fact]
    public async Task Without_a_sales_manager_the_task_is_the_admins_pool_and_other_staff_neither_see_nor_touch_it()
    {
        var w = await TaskWorld.CreateAsync(salesManager: null);
        await w.RaiseAsync();

        var task = Assert.Single(w.Store.All);
        Assert.Null(task.AssigneeId);
        Assert.Single((await w.Tasks.ListAsync(Given.SupplierAdmin, "supplier", null, null, null, null, null, null, default)).Items);
        Assert.Single((await w.Tasks.ListAsync(Given.SupplierAdmin, "supplier", SalesTasks.AdminsPool, null, null, null, null, null, default)).Items);
        var notYours = await Assert.ThrowsAsync<DomainException>(() => w.Tasks.GetAsync(Given.SalesManager, "supplier", task.Id, default));
        Assert.Equal(FailureKind.NotFound, notYours.Kind);
        var otherOnes = await Assert.ThrowsAsync<DomainException>(() => w.Tasks.ListAsync(Given.SalesManager, "supplier", SalesTasks.AdminsPool, null, null, null, null, null, default));
        Assert.Equal(FailureKind.Forbidden, otherOnes.Kind);
        var warehouse = await Assert.ThrowsAsync<DomainException>(() => w.Tasks.CompleteAsync(Given.Warehouse, "supplier", task.Id, new("Done"), null, default));
        Assert.Equal(FailureKind.Forbidden, warehouse.Kind);
    }

    [Fact]
    public async Task Done_needs_a_note_that_joins_the_customers_timeline_happens_once_and_frees_the_subject_for_a_new_task()
    {
        var w = await TaskWorld.CreateAsync();
        await w.RaiseAsync();
        var task = Assert.Single(w.Store.All);

        var noNote = await Assert.ThrowsAsync<DomainException>(() => w.Tasks.CompleteAsync(Given.SalesManager, "supplier", task.Id, new("  "), null, default));
        Assert.Contains("note", noNote.Errors.Keys);
        var stale = await Assert.ThrowsAsync<DomainException>(() => w.Tasks.CompleteAsync(Given.SalesManager, "supplier", task.Id, new("Called"), "not-the-version", default));
        Assert.Equal(FailureKind.PreconditionFailed, stale.Kind);
        var done = await w.Tasks.CompleteAsync(Given.SalesManager, "supplier", task.Id, new("Called Ana: ordering Monday."), null, default);
        Assert.Equal((SalesTaskStatus.Done, "sup-sales"), (done.Value.Status, done.Value.CompletedBy?.UserId));
        var again = await Assert.ThrowsAsync<DomainException>(() => w.Tasks.CompleteAsync(Given.SalesManager, "supplier", task.Id, new("Again"), null, default));
        Assert.Equal(FailureKind.Conflict, again.Kind);
        var note = w.Timelines.Of(TaskWorld.Customer).Single(e => e.Action == "taskCompleted");
        Assert.Equal(("Called Ana: ordering Monday.", "sup-sales", Visibility.Supplier), (note.Comment, note.ActorId, note.Visibility));

        // The customer is late again: a new task, the old one stays done.
        await w.RaiseAsync();
        Assert.Equal(2, w.Store.All.Count);
        Assert.Single(w.Store.All, t => t.Status == SalesTaskStatus.Open);
    }

    [Fact]
    public async Task A_snoozed_task_wakes_at_its_time_and_is_in_that_days_digest_not_before()
    {
        var w = await TaskWorld.CreateAsync();
        await w.RaiseAsync();
        var task = Assert.Single(w.Store.All);
        await w.Digest.RunAsync(default);
        Assert.Single(w.Mail.Sent);

        var tomorrow = w.Now.Date.AddDays(1).AddHours(10);
        var snoozed = await w.Tasks.SnoozeAsync(Given.SalesManager, "supplier", task.Id, new(new DateTimeOffset(tomorrow, TimeSpan.Zero), "On holiday until tomorrow"), null, default);
        Assert.Equal(SalesTaskStatus.Snoozed, snoozed.Value.StatusAt(w.Now));
        Assert.Empty((await w.Tasks.ListAsync(Given.SalesManager, "supplier", null, SalesTaskStatus.Open, null, null, null, null, default)).Items);
        var past = await Assert.ThrowsAsync<DomainException>(() => w.Tasks.SnoozeAsync(Given.SalesManager, "supplier", task.Id, new(w.Now.AddMinutes(-1), null), null, default));
        Assert.Contains("until", past.Errors.Keys);
        var far = await Assert.ThrowsAsync<DomainException>(() => w.Tasks.SnoozeAsync(Given.SalesManager, "supplier", task.Id, new(w.Now.AddDays(91), null), null, default));
        Assert.Contains("until", far.Errors.Keys);

        // The next morning at 07:30 it wakes today: in the digest, marked as snoozed until then; at 10:00 it is open again.
        w.Given.Clock.SetUtcNow(new DateTimeOffset(w.Now.Date.AddDays(1).AddHours(7.5), TimeSpan.Zero));
        await w.Digest.RunAsync(default);
        Assert.Equal(2, w.Mail.Sent.Count);
        Assert.Contains("snoozed until then", w.Mail.Sent.Last().Text, StringComparison.Ordinal);
        Assert.Equal(SalesTaskStatus.Snoozed, (await w.Tasks.GetAsync(Given.SalesManager, "supplier", task.Id, default)).Value.StatusAt(w.Now));
        w.Given.Clock.Advance(TimeSpan.FromHours(3));
        Assert.Single((await w.Tasks.ListAsync(Given.SalesManager, "supplier", null, SalesTaskStatus.Open, null, null, null, null, default)).Items);
        Assert.Contains(w.Timelines.Of(TaskWorld.Customer), e => e.Action == "taskSnoozed" && e.Comment == "On holiday until tomorrow");
    }

    [Fact]
    public async Task The_digest_is_one_email_per_manager_a_day_however_often_it_runs_and_comes_back_while_tasks_are_overdue()
    {
        var w = await TaskWorld.CreateAsync();
        await w.RaiseAsync("buyer", SalesTaskKind.InactiveCustomer, w.Now.AddDays(-2), "Call: later than usual");
        await w.RaiseAsync("cart-1", SalesTaskKind.AbandonedCart, w.Now.AddHours(3), "Cart of 12,000 BRL left");
        await w.RaiseAsync("cart-2", SalesTaskKind.AbandonedCart, w.Now.AddDays(5), "Next week's");

        await w.Digest.RunAsync(default);
        await w.Digest.RunAsync(default);
        var mail = Assert.Single(w.Mail.Sent);
        Assert.Equal("sales@supplier.test", mail.To);
        Assert.Contains("2 customer tasks", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("1 of them overdue", mail.Text, StringComparison.Ordinal);
        var lines = mail.Text.Split('\n').Where(l => l.StartsWith("- ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("- Buyer SA: Call: later than usual — overdue since", lines[0], StringComparison.Ordinal);
        Assert.Contains("Cart of 12,000 BRL left — today", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("Next week's", mail.Text, StringComparison.Ordinal);
        Assert.Contains("<li>", mail.Html, StringComparison.Ordinal);

        // Tomorrow both are still not done: a second digest. Once they are, none the day after.
        w.Given.Clock.Advance(TimeSpan.FromDays(1));
        await w.Digest.RunAsync(default);
        Assert.Equal(2, w.Mail.Sent.Count);
        foreach (var task in w.Store.All.Where(t => t.DueAt < w.Now))
        {
            await w.Tasks.CompleteAsync(Given.SalesManager, "supplier", task.Id, new("Called"), null, default);
        }

        w.Given.Clock.Advance(TimeSpan.FromDays(1));
        await w.Digest.RunAsync(default);
        Assert.Equal(2, w.Mail.Sent.Count);
    }

    [Fact]
    public async Task A_proposed_quote_near_its_expiry_unaccepted_becomes_one_task_an_accepted_one_none()
    {
        var w = await TaskWorld.CreateAsync();
        var open = Quote("q-open", QuoteStatus.Proposed, w.Now.AddDays(5));
        var accepted = Quote("q-accepted", QuoteStatus.Proposed, w.Now.AddDays(5));
        await w.Quotes.CreateAsync(open, default);
        await w.Quotes.CreateAsync(accepted, default);
        var signals = new SalesTaskSignals(w.Tasks, w.Given.Stores, w.Options, w.Given.Clock);
        await signals.HandedOnAsync(open, [], [], default);
        await signals.HandedOnAsync(accepted, [], [], default);

        // Five days before the expiry: too early (the default is three days).
        await w.Digest.RunAsync(default);
        Assert.Empty(w.Store.All);

        var found = (await w.Quotes.FindAsync("q-accepted", default))!;
        await w.Quotes.ReplaceAsync(found.Value with { Status = QuoteStatus.Accepted }, found.ETag, default);
        w.Given.Clock.Advance(TimeSpan.FromDays(2.5));
        await w.Digest.RunAsync(default);
        await w.Digest.RunAsync(default);
        var task = Assert.Single(w.Store.All);
        Assert.Equal((SalesTaskKind.ExpiringQuote, "q-open", "sup-sales"), (task.Kind, task.SubjectId, task.AssigneeId));
        Assert.Contains("1,234.50 BRL", task.Title, StringComparison.Ordinal);
        Assert.Single(w.Mail.Sent);
    }

    [Fact]
    public async Task Every_entry_of_a_sale_is_copied_to_its_customers_timeline_once_with_the_document_it_is_about()
    {
        var timelines = new InMemoryTimelines();
        var history = new CustomerHistory(timelines);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var quote = Quote("q-1", QuoteStatus.Proposed, clock.GetUtcNow().AddDays(9));
        var shared = SalesFacts.Entry(clock, quote.Subject, Actor.System("supplier"), "proposed", "Proposed.");
        var internalNote = SalesFacts.Entry(clock, quote.Subject, Actor.System("supplier"), "commented", "Internal.", Visibility.Supplier);
        var buyersOwn = SalesFacts.Entry(clock, quote.Subject, Actor.System("buyer"), "commented", "Buyer's internal.", Visibility.Buyer);

        await history.HandedOnAsync(quote, [shared, internalNote, buyersOwn], [], default);
        await history.HandedOnAsync(quote, [shared, internalNote, buyersOwn], [], default);

        var copies = (await timelines.ListAsync(TaskWorld.Customer, Visibility.Supplier, null, 10, default)).Items;
        Assert.Equal(new[] { shared.Id, internalNote.Id }.Order(StringComparer.Ordinal), copies.Select(c => c.Id));
        Assert.All(copies, c => Assert.Equal(("quote:q-1", TaskWorld.Customer), (c.About, c.Subject)));
    }

    [Fact]
    public async Task A_sign_in_is_on_the_timelines_of_the_buyers_suppliers_once_an_hour_and_told_to_the_signals()
    {
        var w = await TaskWorld.CreateAsync();
        var marks = new HourMarks();
        var signals = new HeardSignals();
        var logins = new LoginHistory(marks, w.Given.Stores, w.Timelines, [signals], w.Given.Clock, NullLogger<LoginHistory>.Instance);
        var purchaser = new UserProfile("buy-purchaser", "purchaser@buyer.test", "Pat Purchaser", [new UserMembership("buyer", "Buyer SA", [Role.Purchaser])]);
        var salesPerson = new UserProfile("sup-sales", "sales@supplier.test", "Sam Sales", [new UserMembership("supplier", "Supplier Ltda", [Role.SalesManager])]);

        await logins.SignedInAsync(purchaser, w.Now, default);
        await logins.SignedInAsync(purchaser, w.Now.AddMinutes(20), default);
        await logins.SignedInAsync(salesPerson, w.Now, default);
        var entry = Assert.Single(w.Timelines.Of(TaskWorld.Customer));
        Assert.Equal(("signedIn", "buy-purchaser", Visibility.Supplier), (entry.Action, entry.ActorId, entry.Visibility));
        Assert.Equal([("buyer", "buy-purchaser")], signals.Heard);

        await logins.SignedInAsync(purchaser, w.Now.AddHours(1), default);
        Assert.Equal(2, w.Timelines.Of(TaskWorld.Customer).Count);
    }

    [Fact]
    public void The_digest_names_each_task_with_its_customer_and_marks_the_overdue_ones()
    {
        var now = new DateTimeOffset(2026, 12, 1, 7, 30, 0, TimeSpan.Zero);
        SalesTask Task(string id, DateTimeOffset due) => new()
        {
            Id = id, SupplierId = "s", BuyerId = "b", BuyerName = "Buyer SA", Kind = SalesTaskKind.InactiveCustomer, SubjectId = id, Title = $"Task {id}", DueAt = due,
            Status = SalesTaskStatus.Open, CreatedAt = now, UpdatedAt = now,
        };

        var (subject, headline, lines) = ManagerDigest.Compose([Task("a", now.AddDays(-3)), Task("b", now.AddHours(2))], more: false, "Supplier Ltda", now);
        Assert.Equal("Supplier Ltda: 2 customer tasks for today", subject);
        Assert.Equal("You have 2 tasks for today, 1 of them overdue.", headline);
        Assert.Equal(["Buyer SA: Task a — overdue since 2026-11-28", "Buyer SA: Task b — today 09:30 UTC"], lines);
        Assert.Equal("Supplier Ltda: 1 customer task for today", ManagerDigest.Compose([Task("b", now)], more: false, "Supplier Ltda", now).Subject);
        Assert.Equal("You have 1 task for today, and it is overdue.", ManagerDigest.Compose([Task("a", now.AddDays(-1))], more: false, "Supplier Ltda", now).Headline);
        var many = ManagerDigest.Compose([Task("a", now)], more: true, "Supplier Ltda", now);
        Assert.Equal(("Supplier Ltda: 1+ customer tasks for today", "… and more: open your tasks in Agora."), (many.Subject, many.Lines[^1]));
    }

    private static NegotiatedQuote Quote(string id, QuoteStatus status, DateTimeOffset expires)
    {
        var by = new Actor("sup-sales", "Sam Sales", "sales@supplier.test", "supplier");
        return new NegotiatedQuote
        {
            Id = id,
            SupplierId = "supplier",
            SupplierName = "Supplier Ltda",
            BuyerId = "buyer",
            BuyerName = "Buyer SA",
            RequestedBy = new Actor("buy-purchaser", "Pat Purchaser", "purchaser@buyer.test", "buyer"),
            SalesManagerId = "sup-sales",
            Status = status,
            Currency = "BRL",
            Versions =
            [
                new QuoteVersion(1, Capability.Buyer, by, expires.AddDays(-10), [new QuoteItem(1, "P-1", "UN", 10, "Drill", 130m, null)], 1300m, null, null, null, null, null),
                new QuoteVersion(2, Capability.Supplier, by, expires.AddDays(-9), [new QuoteItem(1, "P-1", "UN", 10, "Drill", 130m, 123.45m)], 1300m, 1234.5m, [30], "CIF", expires, null),
            ],
            CreatedAt = expires.AddDays(-10),
            UpdatedAt = expires.AddDays(-9),
        };
    }

    private sealed class HourMarks : ILoginMarks
    {
        private readonly HashSet<string> _marks = [];

        public Task<bool> FirstInHourAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken) =>
            Task.FromResult(_marks.Add($"{userId}:{at.UtcDateTime:yyyyMMddHH}"));
    }

    private sealed class HeardSignals : ILoginSignals
    {
        public List<(string, string)> Heard { get; } = [];

        public Task LoggedInAsync(string buyerId, string userId, DateTimeOffset at, CancellationToken cancellationToken)
        {
            Heard.Add((buyerId, userId));
            return Task.CompletedTask;
        }
    }
}
