using System.Collections.Concurrent;
using Agora.Core.Accounts;
using Agora.Core.Billing;
using Agora.Core.Common;
using Agora.Core.Integration;
using Agora.Core.Ordering;
using Agora.Core.Pricing;
using Agora.Core.Tests.Ordering;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Core.Tests.Billing;

/// <summary>Sales documents in memory with the store's contract: ETags, create conflicts, claims.</summary>
internal sealed class InMemorySalesDocuments<T> : ISalesDocuments<T>
    where T : ISalesDocument
{
    private readonly ConcurrentDictionary<string, Versioned<T>> _items = new();
    private readonly Lock _lock = new();
    private int _version;

    /// <summary>When set, the next N writes fail as if someone else wrote first (the stored version moves on).</summary>
    public int ConflictsToSimulate { get; set; }

    public int Writes { get; private set; }

    public Task<Versioned<T>?> FindAsync(string id, CancellationToken cancellationToken) => Task.FromResult(_items.TryGetValue(id, out var v) ? v : null);

    public Task<Versioned<T>> CreateAsync(T document, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_items.ContainsKey(document.Id))
            {
                throw DomainException.AlreadyExists($"'{document.Id}' exists.");
            }

            Writes++;
            return Task.FromResult(_items[document.Id] = new Versioned<T>(document, Next()));
        }
    }

    public Task<Versioned<T>> ReplaceAsync(T document, string ifMatch, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (ConflictsToSimulate > 0)
            {
                ConflictsToSimulate--;
                _items[document.Id] = _items[document.Id] with { ETag = Next() };
                throw DomainException.PreconditionFailed("The document");
            }

            if (!_items.TryGetValue(document.Id, out var stored) || stored.ETag != ifMatch)
            {
                throw DomainException.PreconditionFailed("The document");
            }

            Writes++;
            return Task.FromResult(_items[document.Id] = new Versioned<T>(document, Next()));
        }
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => Task.FromResult(_items.TryRemove(id, out _));

    public Task<bool> ClaimOutboxAsync(string id, string holder, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(_items.ContainsKey(id));

    public Task ReleaseOutboxClaimAsync(string id, string holder, CancellationToken cancellationToken) => Task.CompletedTask;

    private string Next() => $"\"{Interlocked.Increment(ref _version)}\"";
}

/// <summary>Invoices, summaries, settings and numbers in memory.</summary>
internal sealed class InMemoryBilling : IBillingStore, IInvoiceNumbers
{
    private readonly ConcurrentDictionary<string, Invoice> _invoices = new();
    private readonly ConcurrentDictionary<(string Org, string Id), InvoiceSummary> _summaries = new();
    private readonly ConcurrentDictionary<string, Versioned<BillingSettings>> _settings = new();
    private readonly ConcurrentDictionary<(string Supplier, string Series), List<(string Id, bool Settled)>> _numbers = new();

    public IReadOnlyCollection<Invoice> Invoices => _invoices.Values.ToArray();

    public InvoiceSummary? Summary(string orgId, string id) => _summaries.GetValueOrDefault((orgId, id));

    public Task<Versioned<BillingSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken) =>
        Task.FromResult(_settings.GetValueOrDefault(supplierId) ?? Versions.NotStored(BillingSettings.Default));

    public Task<Versioned<BillingSettings>> SaveSettingsAsync(string supplierId, BillingSettings settings, string? ifMatch, CancellationToken cancellationToken) =>
        Task.FromResult(_settings[supplierId] = new Versioned<BillingSettings>(settings, $"\"{Guid.NewGuid()}\""));

    public Task<Invoice?> FindAsync(string invoiceId, CancellationToken cancellationToken) => Task.FromResult(_invoices.GetValueOrDefault(invoiceId));

    /// <summary>When set, the next document write fails as a crash or an outage would, after the ledger was written.</summary>
    public bool FailNextCreate { get; set; }

    public Task<Invoice> CreateIfAbsentAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        if (FailNextCreate)
        {
            FailNextCreate = false;
            throw new TimeoutException("The store did not answer.");
        }

        return Task.FromResult(_invoices.GetOrAdd(invoice.Id, invoice));
    }

    public Task UpsertAsync(InvoiceSummary summary, CancellationToken cancellationToken)
    {
        _summaries[(summary.SupplierId, summary.Id)] = summary;
        _summaries[(summary.BuyerId, summary.Id)] = summary;
        return Task.CompletedTask;
    }

    public Task<Page<InvoiceSummary>> ListAsync(string orgId, OrderSide side, InvoiceFilter filter, string? after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<InvoiceSummary>(_summaries.Where(s => s.Key.Org == orgId).Select(s => s.Value).ToArray(), null));

    private readonly ConcurrentDictionary<(string, string), string> _payments = new();

    public Task<string> ClaimPaymentAsync(string supplierId, string paymentId, string buyerId, CancellationToken cancellationToken) =>
        Task.FromResult(_payments.GetOrAdd((supplierId, paymentId), buyerId));

    public Task<long> TakeAsync(string supplierId, string series, string invoiceId, CancellationToken cancellationToken)
    {
        var journal = _numbers.GetOrAdd((supplierId, series), _ => []);
        lock (journal)
        {
            var at = journal.FindIndex(j => j.Id == invoiceId);
            if (at < 0)
            {
                journal.Add((invoiceId, false));
                at = journal.Count - 1;
            }

            return Task.FromResult((long)at + 1);
        }
    }

    public Task SettleAsync(string supplierId, string series, string invoiceId, CancellationToken cancellationToken)
    {
        var journal = _numbers.GetOrAdd((supplierId, series), _ => []);
        lock (journal)
        {
            var at = journal.FindIndex(j => j.Id == invoiceId);
            if (at >= 0)
            {
                journal[at] = (invoiceId, true);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<(long Number, string InvoiceId)>> UnsettledAsync(string supplierId, string series, CancellationToken cancellationToken)
    {
        var journal = _numbers.GetOrAdd((supplierId, series), _ => []);
        lock (journal)
        {
            return Task.FromResult<IReadOnlyList<(long, string)>>(journal.Select((j, i) => (Number: (long)i + 1, j)).Where(p => !p.j.Settled).Select(p => (p.Number, p.j.Id)).ToArray());
        }
    }
}

/// <summary>The sales queue, timeline and integration events, captured.</summary>
internal sealed class CapturedSales : ISalesQueue, ITimelineStore, IIntegrationEventPublisher
{
    public ConcurrentQueue<SalesWork> Work { get; } = new();

    public ConcurrentQueue<IntegrationEvent> Events { get; } = new();

    public ConcurrentQueue<TimelineEntry> Timeline { get; } = new();

    public Task SendAsync(SalesWork work, CancellationToken cancellationToken, TimeSpan? delay = null)
    {
        Work.Enqueue(work);
        return Task.CompletedTask;
    }

    public Task AddAsync(IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var e in entries.Where(e => !Timeline.Any(t => t.Id == e.Id)))
        {
            Timeline.Enqueue(e);
        }

        return Task.CompletedTask;
    }

    public Task<Page<TimelineEntry>> ListAsync(string subject, Visibility side, string? after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<TimelineEntry>(Timeline.Where(t => t.Subject == subject).ToArray(), null));

    public Task PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            Events.Enqueue(e);
        }

        return Task.CompletedTask;
    }
}

/// <summary>A supplier (acme) and a buyer (buyer) with an order to bill, and the billing use cases over in-memory stores.</summary>
internal sealed class BillingWorld
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    public BillingWorld()
    {
        var outbox = new SalesOutbox(Sales, Sales, Sales, Stores, new InMemorySalesDocuments<Cart>(), Orders, new InMemorySalesDocuments<NegotiatedQuote>(),
            new InMemorySalesDocuments<Core.Fulfilment.Shipment>(), new InMemorySalesDocuments<Core.Fulfilment.GoodsReturn>(),
            new Core.Fulfilment.ShipmentSettlement(null!, null!, Orders, null!, null!, null!, null!, null!, null!, Clock, NullLogger<Core.Fulfilment.ShipmentSettlement>.Instance), Ledgers,
            new Core.Inventory.StockReserver(null!, Stores, Stores), [], Clock, NullLogger<SalesOutbox>.Instance);
        Outbox = outbox;
        var signal = new SalesSignal(Sales, Stores, Clock, NullLogger<SalesSignal>.Instance);
        Service = new BillingService(Orders, Ledgers, Billing, Billing, Stores, Stores, signal, Clock, NullLogger<BillingService>.Instance);
        Overdue = new OverdueService(Ledgers, Billing, Stores, Stores, Stores, new DueWork(Stores, Clock, NullLogger<DueWork>.Instance), signal, Clock);
        Payments = new PaymentService(new SalesAccess(new AccessControl(Stores)), Stores, Ledgers, Billing, Service, signal, Clock);
        var now = Clock.GetUtcNow();
        Stores.CreateAsync(Org("acme", "Acme Distribuidora", Capability.Supplier, new Member("sara", "sara@acme.test", "Sara", [Role.SupplierAdmin], now),
            new Member("erp", null, "ERP", [Role.Finance], now), new Member("sam", "sam@acme.test", "Sam", [Role.SalesManager], now)), default).GetAwaiter().GetResult();
        foreach (var buyer in new[] { "buyer", "buyer2" })
        {
            Stores.CreateAsync(Org(buyer, $"Construtora {buyer}", Capability.Buyer, new Member($"bea-{buyer}", $"bea@{buyer}.test", "Bea", [Role.BuyerAdmin], now)), default).GetAwaiter().GetResult();
            Stores.CreateAsync(new CustomerAccount
            {
                SupplierId = "acme", BuyerId = buyer, BuyerName = buyer, SupplierName = "Acme", Category = "retail", SalesManagerId = "sam", Currency = "BRL", PaymentTerms = new PaymentTerms([30, 60]),
                DeliveryTerms = new DeliveryTerms("FOB", null), CreditLimit = 1000, Status = AccountStatus.Active, CreatedAt = now, UpdatedAt = now,
            }, default).GetAwaiter().GetResult();
        }
    }

    public static readonly Caller Erp = new("erp", null, "ERP");

    public PaymentService Payments { get; }

    public OverdueService Overdue { get; }

    public static PaymentInput Paid(string id, decimal amount, string buyer = "buyer", string? invoiceId = null, int? installment = null) =>
        new(id, buyer, amount, "BRL", DateOnly.FromDateTime(Start.UtcDateTime), invoiceId, installment, null);

    public FakeTimeProvider Clock { get; } = new(Start);

    public InMemoryStores Stores { get; } = new();

    public CapturedSales Sales { get; } = new();

    public InMemoryBilling Billing { get; } = new();

    public InMemorySalesDocuments<Order> Orders { get; } = new();

    public InMemorySalesDocuments<CustomerLedger> Ledgers { get; } = new();

    public SalesOutbox Outbox { get; }

    public BillingService Service { get; }

    public async Task<CustomerLedger> LedgerAsync(string buyer = "buyer") => (await Ledgers.FindAsync(CustomerLedger.IdOf("acme", buyer), default))!.Value;

    /// <summary>An order of <paramref name="lines"/> (quantity, net unit price in BRL), 30/60 terms, stored.</summary>
    public async Task<Order> OrderAsync(string id, params (decimal Quantity, decimal Net)[] lines)
    {
        var orderLines = lines.Select((l, i) =>
        {
            var total = Currency.Round(l.Quantity * l.Net, "BRL");
            return new OrderLine(new QuoteLine(i + 1, $"SKU-{i}", "UN", l.Quantity, LineStatus.Priced, null, l.Net, [], l.Net, total, total, [], []), $"Produto {i}", l.Quantity, [], 0);
        }).ToArray();
        var sum = orderLines.Sum(l => l.Price.LineTotal);
        var order = LifecycleTests.OrderIn(OrderStatus.Confirmed) with
        {
            Id = id, Number = $"2026-{id}", Lines = orderLines, ListTotal = sum, Total = sum, PaymentTerms = new PaymentTerms([30, 60]),
            PlacedBy = new Actor("pat", "Pat", "pat@buyer.test", "buyer"),
        };
        await Orders.CreateAsync(order, default);
        return order;
    }

    /// <summary>Invoices all of <paramref name="order"/>.</summary>
    public Task<Invoice> InvoiceAllAsync(Order order, string? id = null) =>
        Service.IssueAsync(new IssueRequest(id ?? $"inv.{order.Id}", order.Id, order.Lines.Select((l, i) => new BilledPart(i, l.Price.Quantity)).ToArray(), null), default);

    private Organization Org(string id, string name, Capability side, params Member[] members) => new()
    {
        Id = id, Name = name, Country = "BR", DefaultCurrency = "BRL", Capabilities = [side], Members = members, CreatedAt = Clock.GetUtcNow(), UpdatedAt = Clock.GetUtcNow(),
    };
}
