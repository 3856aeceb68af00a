using Agora.Core.Common;
using Agora.Core.Marketing;
using Agora.Core.Ordering;
using Agora.Testing;

namespace Agora.Infrastructure.Tests;

/// <summary>The sales-task stores on the emulator (decision 0021c): tasks listed per assignee in the order they need
/// attention with the status filters the API and the digest use, bindings that let one raise win, sign-in marks once an
/// hour, and a customer's timeline holding copies of entries under their own ids apart from the documents' timelines.</summary>
public sealed class SalesTaskStoreTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 7, 30, 0, TimeSpan.Zero);

    private static SalesTask Task(string supplier, string id, string? assignee, DateTimeOffset due, SalesTaskStatus status = SalesTaskStatus.Open, DateTimeOffset? until = null) => new()
    {
        Id = id, SupplierId = supplier, BuyerId = "buyer", BuyerName = "Buyer SA", Kind = SalesTaskKind.InactiveCustomer, SubjectId = id, Title = $"Call {id}",
        AssigneeId = assignee, DueAt = due, Status = status, SnoozedUntil = until, CreatedAt = At, UpdatedAt = At,
    };

    [Fact]
    public async Task Tasks_are_listed_per_assignee_soonest_first_by_status_and_time_in_pages()
    {
        var store = fixture.Get<ISalesTaskStore>();
        var supplier = SharedEmulators.Unique("sup");
        await store.CreateAsync(Task(supplier, "t-late", "ana", At.AddDays(-2)), default);
        await store.CreateAsync(Task(supplier, "t-today", "ana", At.AddHours(2)), default);
        await store.CreateAsync(Task(supplier, "t-next-week", "ana", At.AddDays(7)), default);
        await store.CreateAsync(Task(supplier, "t-woke", "ana", At.AddDays(-5), SalesTaskStatus.Snoozed, At.AddHours(-1)), default);
        await store.CreateAsync(Task(supplier, "t-asleep", "ana", At.AddDays(-5), SalesTaskStatus.Snoozed, At.AddDays(3)), default);
        await store.CreateAsync(Task(supplier, "t-done", "ana", At.AddDays(-1), SalesTaskStatus.Done), default);
        await store.CreateAsync(Task(supplier, "t-bruno", "bruno", At), default);
        await store.CreateAsync(Task(supplier, "t-pool", null, At), default);

        async Task<string[]> Ids(SalesTaskFilter filter) => [.. (await store.ListAsync(supplier, filter, null, 50, default)).Items.Select(t => t.Id)];
        Assert.Equal(["t-late", "t-woke", "t-today", "t-asleep", "t-next-week"], await Ids(new(["ana"], null, At, null, null)));
        Assert.Equal(["t-late", "t-woke", "t-today", "t-next-week"], await Ids(new(["ana"], SalesTaskStatus.Open, At, null, null)));
        Assert.Equal(["t-asleep"], await Ids(new(["ana"], SalesTaskStatus.Snoozed, At, null, null)));
        Assert.Equal(["t-done"], await Ids(new(["ana"], SalesTaskStatus.Done, At, null, null)));
        Assert.Equal(["t-late", "t-woke", "t-today"], await Ids(new(["ana"], null, At, At.Date.AddDays(1), null)));
        Assert.Equal(["t-pool", "t-bruno"], (await Ids(new(["bruno", SalesTasks.AdminsPool], null, At, null, null))).OrderDescending(StringComparer.Ordinal));
        Assert.Empty(await Ids(new(["ana"], null, At, null, "another-buyer")));

        var first = await store.ListAsync(supplier, new(["ana"], null, At, null, null), null, 2, default);
        var second = await store.ListAsync(supplier, new(["ana"], null, At, null, null), Cursor.Decode(first.Next, "cursor"), 2, default);
        Assert.Equal(["t-late", "t-woke", "t-today", "t-asleep"], first.Items.Concat(second.Items).Select(t => t.Id));
    }

    [Fact]
    public async Task A_task_is_replaced_only_on_its_version_and_its_listing_follows_its_snooze()
    {
        var store = fixture.Get<ISalesTaskStore>();
        var supplier = SharedEmulators.Unique("sup");
        var created = await store.CreateAsync(Task(supplier, "t1", "ana", At), default);
        var dup = await Assert.ThrowsAsync<DomainException>(() => store.CreateAsync(Task(supplier, "t1", "ana", At), default));
        Assert.True(dup.IsWriteConflict);

        var snoozed = await store.ReplaceAsync(created.Value with { Status = SalesTaskStatus.Snoozed, SnoozedUntil = At.AddDays(2) }, created.ETag, default);
        var stale = await Assert.ThrowsAsync<DomainException>(() => store.ReplaceAsync(created.Value with { Status = SalesTaskStatus.Done }, created.ETag, default));
        Assert.True(stale.IsWriteConflict);
        Assert.Equal(snoozed.ETag, (await store.FindAsync(supplier, "t1", default))!.ETag);
        Assert.Empty((await store.ListAsync(supplier, new(["ana"], SalesTaskStatus.Open, At, null, null), null, 10, default)).Items);
        Assert.Single((await store.ListAsync(supplier, new(["ana"], SalesTaskStatus.Open, At.AddDays(2), null, null), null, 10, default)).Items);
    }

    [Fact]
    public async Task A_binding_is_created_once_and_moved_only_from_the_version_read()
    {
        var store = fixture.Get<ISalesTaskStore>();
        var supplier = SharedEmulators.Unique("sup");
        Assert.Null(await store.FindBindingAsync(supplier, SalesTaskKind.OverdueInvoice, "inv.1.2", default));

        Assert.True(await store.BindAsync(supplier, SalesTaskKind.OverdueInvoice, "inv.1.2", "t1", null, default));
        Assert.False(await store.BindAsync(supplier, SalesTaskKind.OverdueInvoice, "inv.1.2", "t2", null, default));
        var bound = (await store.FindBindingAsync(supplier, SalesTaskKind.OverdueInvoice, "inv.1.2", default))!;
        Assert.Equal("t1", bound.Value);
        Assert.True(await store.BindAsync(supplier, SalesTaskKind.OverdueInvoice, "inv.1.2", "t3", bound.ETag, default));
        Assert.False(await store.BindAsync(supplier, SalesTaskKind.OverdueInvoice, "inv.1.2", "t4", bound.ETag, default));
        Assert.Equal("t3", (await store.FindBindingAsync(supplier, SalesTaskKind.OverdueInvoice, "inv.1.2", default))!.Value);
        Assert.Null(await store.FindBindingAsync(supplier, SalesTaskKind.ExpiringQuote, "inv.1.2", default));
    }

    [Fact]
    public async Task A_sign_in_is_marked_once_per_person_and_hour()
    {
        var marks = fixture.Get<ILoginMarks>();
        var user = SharedEmulators.Unique("user");
        Assert.True(await marks.FirstInHourAsync(user, At, default));
        Assert.False(await marks.FirstInHourAsync(user, At.AddMinutes(25), default));
        Assert.True(await marks.FirstInHourAsync(user, At.AddMinutes(31), default));
        Assert.True(await marks.FirstInHourAsync(SharedEmulators.Unique("user"), At, default));
    }

    [Fact]
    public async Task A_customer_timeline_keeps_copies_under_the_entries_ids_apart_from_the_documents_timelines()
    {
        var timeline = fixture.Get<ITimelineStore>();
        var order = SharedEmulators.Unique("order");
        var customer = CustomerTimeline.Subject(SharedEmulators.Unique("sup"), "buyer");
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(At);
        var entry = SalesFacts.Entry(clock, $"order:{order}", Actor.System("sup"), "placed", "Placed.");
        var note = SalesFacts.Entry(clock, $"order:{order}", Actor.System("sup"), "commented", "Internal.", Visibility.Supplier);
        await timeline.AddAsync([entry, note], default);
        await timeline.AddAsync([entry with { Subject = customer, About = entry.Subject }, note with { Subject = customer, About = note.Subject }], default);
        await timeline.AddAsync([entry with { Subject = customer, About = entry.Subject }], default);

        Assert.Equal(2, (await timeline.ListAsync($"order:{order}", Visibility.Supplier, null, 10, default)).Items.Count);
        var copies = (await timeline.ListAsync(customer, Visibility.Supplier, null, 10, default)).Items;
        Assert.Equal(2, copies.Count);
        Assert.All(copies, c => Assert.Equal($"order:{order}", c.About));
        Assert.Single((await timeline.ListAsync(customer, Visibility.Buyer, null, 10, default)).Items);
    }
}
