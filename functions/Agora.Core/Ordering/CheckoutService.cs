using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Integration;
using Agora.Core.Inventory;
using Agora.Core.Notifications;
using Agora.Core.Pricing;

namespace Agora.Core.Ordering;

public sealed record CheckoutRequest(string? QuoteId, string? AddressId, DateOnly? RequestedDeliveryDate, string? PurchaseOrderNumber, string? Comment);

/// <summary>A cart or an accepted negotiated quote becomes an order: priced once more (the snapshot kept per line is the
/// full explained quote), checked against the approval rules of both sides and the customer's credit, its stock held per
/// warehouse, numbered, and written in one document with its outbox. The Idempotency-Key binds the checkout to one order
/// id before anything is held, so a retry (also after a crash or a client that went away) holds nothing twice and returns
/// the same order. Requests per order: the order's lines (one stock hold each, per warehouse) plus a small constant.</summary>
public sealed class CheckoutService(
    SalesAccess access,
    IOrganizationStore organizations,
    CartService cartService,
    PricingService pricing,
    IOrderingStore ordering,
    ISalesDocuments<Cart> carts,
    ISalesDocuments<Order> orders,
    ISalesDocuments<NegotiatedQuote> quotes,
    ISalesIndex index,
    ISalesDocuments<Billing.CustomerLedger> ledgers,
    Billing.IBillingStore billing,
    StockReserver stock,
    IDueIndex due,
    SalesSignal outbox,
    TimeProvider clock)
{
    /// <summary>Due entries that end a pending approval's hold on stock.</summary>
    public const string HoldExpiryKind = "orderHoldExpiry";

    public async Task<(Versioned<Order> Order, bool Created)> CheckoutAsync(Caller caller, string buyerId, string supplierId, CheckoutRequest input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var you = await access.BuyerAsync(caller, buyerId, "place orders", SalesAccess.Shoppers, cancellationToken).ConfigureAwait(false);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var v = new Validation();
        v.Check(idempotencyKey is { Length: > 0 and <= 255 }, "Idempotency-Key", "is required: a checkout is retried safely only with a key of your own (a UUID), sent again with every retry.");
        v.Check(Ids.IsWellFormed(input.AddressId), "addressId", "is required: the id of one of your organization's delivery addresses.");
        v.Check(input.QuoteId is null || Ids.IsWellFormed(input.QuoteId), "quoteId", "must be the id of an accepted quote.");
        v.Check(input.RequestedDeliveryDate is null || (input.RequestedDeliveryDate >= today && input.RequestedDeliveryDate <= today.AddDays(365)), "requestedDeliveryDate",
            "must be from today to a year from now (UTC).");
        var po = v.OptionalText(input.PurchaseOrderNumber, "purchaseOrderNumber", 50);
        var comment = v.OptionalText(input.Comment, "comment", 2000);
        v.ThrowIfInvalid();

        var account = await cartService.AccountAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false);
        if (account.Status == AccountStatus.Blocked)
        {
            throw DomainException.Unprocessable("supplierId", $"Your account at {account.SupplierName} is on hold; ask your sales contact there.");
        }

        var orderId = await ordering.ClaimCheckoutAsync(buyerId, Claim(caller.UserId, supplierId, idempotencyKey!), Ids.New(clock), cancellationToken).ConfigureAwait(false);
        if (await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return (earlier, false);
        }

        var supplierTask = organizations.FindAsync(supplierId, cancellationToken);
        var addressesTask = ordering.AddressesAsync(buyerId, cancellationToken);
        var settingsTask = ordering.SettingsAsync(supplierId, cancellationToken);
        var buyerRulesTask = ordering.ApprovalRulesAsync(buyerId, cancellationToken);
        var supplierRulesTask = ordering.ApprovalRulesAsync(supplierId, cancellationToken);
        var standingTask = index.CustomerStandingAsync(supplierId, buyerId, cancellationToken);
        var ledgerTask = ledgers.FindAsync(Billing.CustomerLedger.IdOf(supplierId, buyerId), cancellationToken);
        await Task.WhenAll(supplierTask, addressesTask, settingsTask, buyerRulesTask, supplierRulesTask, standingTask, ledgerTask).ConfigureAwait(false);
        var supplier = (await supplierTask.ConfigureAwait(false))?.Value ?? throw DomainException.NotFound("Supplier account", supplierId);
        var address = (await addressesTask.ConfigureAwait(false))?.Value.FirstOrDefault(a => a.Id == input.AddressId)
            ?? throw DomainException.Unprocessable("addressId", $"'{input.AddressId}' is not one of your organization's delivery addresses; its admins add them.");
        var settings = (await settingsTask.ConfigureAwait(false)).Value;
        var ledger = (await ledgerTask.ConfigureAwait(false))?.Value;
        if (ledger?.DueInstallments() is { Count: > 0 } dueNow
            && Billing.Overdue.BlockReason(dueNow, today, (await billing.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false)).Value) is { } onHold)
        {
            throw DomainException.Unprocessable("supplierId", onHold);
        }

        // What is ordered: the accepted quote's lines at its prices, or the caller's cart.
        var (request, negotiated, cart) = await SourceAsync(caller, buyerId, supplierId, input.QuoteId, cancellationToken).ConfigureAwait(false);

        // The same lines of a cart, or one quote, are ordered once: a checkout of them under another key (a second tab, a
        // client that makes a key per click) takes the order id the first one took, so the two write one order. Lines are
        // named by their ids (new for every line added), not by the cart's version, which the outbox's handing on changes.
        var source = negotiated is not null ? $"quote {negotiated.Id}"
            : "cart " + string.Join(",", cart!.Value.Lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.LineId}:{l.Unit}:{l.Quantity}"))) + " " + string.Join(",", cart.Value.CouponCodes);
        orderId = await ordering.ClaimCheckoutAsync(buyerId, Claim(negotiated is not null ? string.Empty : caller.UserId, supplierId, source), orderId, cancellationToken).ConfigureAwait(false);
        if (await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false) is { } same)
        {
            return (same, false);
        }
        var (priced, book) = await pricing.PriceAsync(account, request, cancellationToken).ConfigureAwait(false);
        if (negotiated is not null)
        {
            priced = NegotiatedPrices.Apply(priced, negotiated);
        }

        RefuseProblems(priced);

        var buyerRules = (await buyerRulesTask.ConfigureAwait(false))?.Value.Where(r => r.Side == ApprovalSide.Buyer).ToArray() ?? [];
        var supplierRules = (await supplierRulesTask.ConfigureAwait(false))?.Value.Where(r => r.Side == ApprovalSide.Supplier).ToArray() ?? Approvals.SupplierDefaults;
        var standing = await standingTask.ConfigureAwait(false);
        var hasOrdered = standing.HasOrdered;
        var exposure = Billing.CreditExposure.Of(standing.Open, ledger);
        var now = clock.GetUtcNow();
        var monthSpend = buyerRules.Any(r => r.Active && r.Condition.Kind == ConditionKind.MonthlySpendAbove)
            ? await index.SpendSinceAsync(buyerId, caller.UserId, new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero), cancellationToken).ConfigureAwait(false)
            : new Dictionary<string, decimal>();
        var context = new ApprovalContext(priced.Currency, priced.Total,
            priced.Lines.Select(l => (l.Sku, book.Products.TryGetValue(l.Sku, out var p) ? p.CategoryKeys : (IReadOnlyList<string>)[])).ToArray(),
            monthSpend, exposure, account.CreditLimit, negotiated is not null, !hasOrdered, book.Settings.ExchangeRates);
        var approval = Approvals.Plan(context, buyerRules, you.Org, supplierRules, supplier, caller.UserId);

        // Stock: held per warehouse under the order's id, so a retry holds nothing twice.
        var reservationLines = priced.Lines.Select(l => new ReservationLine(l.Line, l.Sku, BaseQuantity(l, book.Products))).ToArray();
        var held = await stock.ReserveAsync(supplierId, orderId, reservationLines, address.Country, book.Products, cancellationToken).ConfigureAwait(false);
        var backorders = settings.AllowsBackorders(today);
        var paidShort = held.Lines.Where(r => r.Short > 0 && priced.Lines.First(l => l.Line == r.Line).Status != LineStatus.Bonus).ToArray();
        if (paidShort.Length > 0 && !backorders)
        {
            await stock.ReleaseAsync(supplierId, orderId, priced.Lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken).ConfigureAwait(false);
            throw OutOfStock(paidShort, priced, book.Products);
        }

        var number = await ordering.NextOrderNumberAsync(supplierId, now.Year, cancellationToken).ConfigureAwait(false);
        var order = Build(orderId, $"{now.Year.ToString(CultureInfo.InvariantCulture)}-{number.ToString("D6", CultureInfo.InvariantCulture)}", caller, you.Org, supplier, account, priced,
            book.Products, held, address, input, po, comment, negotiated, approval, settings, now, request.CouponCodes ?? []);
        Versioned<Order> created;
        try
        {
            created = await orders.CreateAsync(order, cancellationToken).ConfigureAwait(false);
        }
        catch (DomainException e) when (e.IsWriteConflict)
        {
            // The same checkout, retried while this one ran, wrote it first.
            return ((await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false))!, false);
        }

        AgoraMetrics.OrdersPlaced.Add(1, new KeyValuePair<string, object?>("agora.order.status", created.Value.Status.ToString()));
        await AfterPlacedAsync(created.Value, cart, negotiated, caller, cancellationToken).ConfigureAwait(false);
        return (created, true);
    }

    private async Task AfterPlacedAsync(Order order, Versioned<Cart>? cart, NegotiatedQuote? negotiated, Caller caller, CancellationToken cancellationToken)
    {
        if (order.HoldExpiresAt is { } expires)
        {
            await due.AddAsync(new DueEntry(DueEntry.DayOf(expires), order.Id, HoldExpiryKind, order.SupplierId, expires), cancellationToken).ConfigureAwait(false);
        }

        await index.UpsertAsync(OrderSummary.Of(order), cancellationToken).ConfigureAwait(false);
        if (cart is not null)
        {
            // What was ordered leaves the cart; lines added since checkout read it stay.
            await Concurrency.RetryAsync("Your cart", async attempt =>
            {
                var current = attempt == 1 ? cart : await carts.FindAsync(cart.Value.Id, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    return;
                }

                var ordered = cart.Value.Lines.Select(l => l.LineId).ToHashSet(StringComparer.Ordinal);
                var left = current.Value.Lines.Where(l => !ordered.Contains(l.LineId)).ToArray();
                var now = clock.GetUtcNow();
                var emptied = current.Value with
                {
                    Lines = left,
                    CouponCodes = left.Length == 0 ? [] : current.Value.CouponCodes,
                    UpdatedAt = now,
                    Outbox = current.Value.Outbox.Add(SalesFacts.Entry(clock, current.Value.Subject, Actor.Of(caller, order.BuyerId), "checkedOut", $"Checked out as order {order.Number}.")),
                };
                var written = await carts.ReplaceAsync(emptied, current.ETag, cancellationToken).ConfigureAwait(false);
                await cartService.AfterWriteAsync(written.Value, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        if (negotiated is not null)
        {
            await Concurrency.RetryAsync("The quote", async _ =>
            {
                var current = (await quotes.FindAsync(negotiated.Id, cancellationToken).ConfigureAwait(false))!;
                var done = current.Value with
                {
                    Status = QuoteStatus.Ordered,
                    OrderId = order.Id,
                    UpdatedAt = clock.GetUtcNow(),
                    Outbox = current.Value.Outbox.Add(SalesFacts.Entry(clock, current.Value.Subject, Actor.Of(caller, order.BuyerId), "ordered", $"Checked out as order {order.Number}.")),
                };
                var written = await quotes.ReplaceAsync(done, current.ETag, cancellationToken).ConfigureAwait(false);
                await index.UpsertAsync(QuoteSummary.Of(written.Value, []), cancellationToken).ConfigureAwait(false);
                await outbox.SignalAsync(written.Value, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        await outbox.SignalAsync(order, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(QuoteRequest Request, NegotiatedQuote? Negotiated, Versioned<Cart>? Cart)> SourceAsync(Caller caller, string buyerId, string supplierId, string? quoteId, CancellationToken cancellationToken)
    {
        if (quoteId is not null)
        {
            var quote = (await quotes.FindAsync(quoteId, cancellationToken).ConfigureAwait(false))?.Value;
            if (quote is null || quote.BuyerId != buyerId || quote.SupplierId != supplierId)
            {
                throw DomainException.Unprocessable("quoteId", $"'{quoteId}' is not a quote of your organization at this supplier.");
            }

            if (quote.Status != QuoteStatus.Accepted)
            {
                throw DomainException.Unprocessable("quoteId", quote.Status == QuoteStatus.Ordered
                    ? $"Quote '{quoteId}' was checked out already."
                    : $"Quote '{quoteId}' is {System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(quote.Status.ToString())}; accept its proposal first.");
            }

            var proposal = quote.Proposal!;
            if (proposal.ExpiresAt is { } expires && expires < clock.GetUtcNow())
            {
                throw DomainException.Unprocessable("quoteId", $"The proposal of quote '{quoteId}' expired on {expires:yyyy-MM-dd HH:mm} UTC; ask for a new one.");
            }

            return (new QuoteRequest(proposal.Lines.Select(l => new CartLine(l.Sku, l.Unit, l.Quantity)).ToArray(), null), quote, null);
        }

        var cart = await carts.FindAsync(Cart.CartIdOf(buyerId, supplierId, caller.UserId), cancellationToken).ConfigureAwait(false);
        if (cart is null || cart.Value.Lines.Count == 0)
        {
            throw DomainException.Unprocessable("cart", "Your cart at this supplier is empty.");
        }

        return (new QuoteRequest(cart.Value.Lines.Select(l => new CartLine(l.Sku, l.Unit, l.Quantity)).ToArray(), cart.Value.CouponCodes), null, cart);
    }

    /// <summary>A line that is not sold, has no price or breaks a quantity rule stops checkout, each said per line.</summary>
    private static void RefuseProblems(Quote quote)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var line in quote.Lines.Where(l => l.Status != LineStatus.Bonus))
        {
            if (line.Status != LineStatus.Priced || line.Issues.Count > 0)
            {
                errors[$"lines[{line.Line - 1}]"] = line.Issues.Count > 0 ? line.Issues.ToArray() : [$"{line.Sku} cannot be ordered."];
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, $"{errors.Count} line(s) cannot be ordered as they are; fix them in the cart and check out again.", errors);
        }
    }

    private static DomainException OutOfStock(IReadOnlyList<LineReservation> shortLines, Quote quote, IReadOnlyDictionary<string, Product> products)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var r in shortLines)
        {
            var line = quote.Lines.First(l => l.Line == r.Line);
            var product = products[line.Sku];
            var available = r.Requested - r.Short;
            errors[$"lines[{line.Line - 1}]"] = [available == 0
                ? $"{line.Sku} is out of stock, and the supplier does not take backorders."
                : $"Only {QuantityRules.In(product, available)} of {line.Sku} are available now; you asked for {QuantityRules.In(product, r.Requested)}, and the supplier does not take backorders."];
        }

        return new DomainException(FailureKind.Conflict, $"{errors.Count} line(s) are not in stock as ordered; nothing was ordered. Lower the quantities and check out again.", errors);
    }

    private static decimal BaseQuantity(QuoteLine line, IReadOnlyDictionary<string, Product> products) =>
        products.TryGetValue(line.Sku, out var p) && p.UnitOf(line.Unit) is { } unit ? line.Quantity * unit.Factor : line.Quantity;

    private Order Build(string id, string number, Caller caller, Organization buyer, Organization supplier, CustomerAccount account, Quote priced, IReadOnlyDictionary<string, Product> products,
        ReservationResult held, Address address, CheckoutRequest input, string? po, string? comment, NegotiatedQuote? negotiated, ApprovalProcess approval, OrderingSettings settings, DateTimeOffset now,
        IReadOnlyList<string> coupons)
    {
        var pending = approval.Steps.Count > 0;
        var placer = Actor.Of(caller, buyer.Id);
        var lines = priced.Lines.Select(l =>
        {
            var reservation = held.Lines.FirstOrDefault(r => r.Line == l.Line);
            return new OrderLine(l, products.TryGetValue(l.Sku, out var p) ? p.Name : l.Sku, BaseQuantity(l, products), reservation?.Held ?? [], reservation?.Short ?? 0);
        }).ToArray();
        var order = new Order
        {
            Id = id,
            Number = number,
            SupplierId = supplier.Id,
            SupplierName = supplier.Name,
            BuyerId = buyer.Id,
            BuyerName = buyer.Name,
            PlacedBy = placer,
            Status = pending ? OrderStatus.PendingApproval : OrderStatus.Placed,
            Currency = priced.Currency,
            Lines = lines,
            ListTotal = priced.ListTotal,
            DiscountTotal = priced.DiscountTotal,
            Total = priced.Total,
            Hints = priced.Hints,
            DeliveryAddress = address,
            RequestedDeliveryDate = input.RequestedDeliveryDate,
            DeliveryTerms = account.DeliveryTerms,
            PaymentTerms = negotiated?.Proposal?.PaymentTermsDays is { } days ? new PaymentTerms(days) : account.PaymentTerms,
            PurchaseOrderNumber = po,
            Comment = comment,
            CouponCodes = coupons,
            SalesManagerId = account.SalesManagerId,
            QuoteId = negotiated?.Id,
            QuoteVersion = negotiated?.Proposal?.Number,
            Approval = approval,
            Stock = StockState.Held,
            HoldExpiresAt = pending ? now.AddHours(settings.PendingHoldHours) : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var backordered = lines.Where(l => l.Backordered > 0).ToArray();
        var summary = $"Placed order {number}: {lines.Length} lines, {Money(order.Total, order.Currency)}" +
            (pending ? $"; waits for approval ({approval.Current!.RuleName}: {approval.Current.Reason})." : ".") +
            (backordered.Length > 0 ? $" {backordered.Length} line(s) partly backordered." : string.Empty);
        var box = Outbox.Empty
            .Add(SalesFacts.Entry(clock, order.Subject, placer, "placed", summary, Visibility.Both, comment: comment))
            .Add(OrderEvents.Event(clock, "order.placed", order))
            .Add(OrderNotices.Placed(clock, order, buyer, supplier));
        return order with { Outbox = box };
    }

    private static string Claim(string userId, string supplierId, string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}\n{supplierId}\n{key}")))[..40];

    internal static string Money(decimal amount, string currency) => $"{amount.ToString("#,0.00##", CultureInfo.InvariantCulture)} {currency}";
}

/// <summary>Integration events of orders (DESIGN.md section 6): the supplier's systems subscribe with the supplier's id as
/// tenant. An event carries the order's summary and where to read the whole order (the claim-check pattern): a 1,000-line
/// order is far larger than a queue message may be (64 KB in storage queues, 256 KB on Service Bus standard), and the
/// subscriber's read is authorized like any other.</summary>
public static class OrderEvents
{
    public static IntegrationEvent Event(TimeProvider clock, string type, Order order) =>
        IntegrationEvent.Create(Ids.New(clock), type, order.SupplierId, order.Subject, clock.GetUtcNow(), new
        {
            order = OrderSummary.Of(order),
            href = $"/api/orgs/{order.SupplierId}/orders/{order.Id}",
            order.CancellationReason,
        });
}

/// <summary>Who hears about an order, and what they read.</summary>
public static class OrderNotices
{
    public static IEnumerable<Notification> Placed(TimeProvider clock, Order order, Organization buyer, Organization supplier)
    {
        var path = $"/orders/{order.Id}";
        if (order.PlacedBy.Email is { } placerEmail)
        {
            yield return order.Status == OrderStatus.PendingApproval
                ? SalesFacts.Email(clock, placerEmail, order.PlacedBy.Name, $"Order {order.Number} waits for approval", $"Your order {order.Number} at {order.SupplierName} waits for approval.",
                    $"{order.Lines.Count} lines, {CheckoutService.Money(order.Total, order.Currency)}. It needs: {order.Approval.Current!.RuleName} ({order.Approval.Current.Reason}).", path)
                : SalesFacts.Email(clock, placerEmail, order.PlacedBy.Name, $"Order {order.Number} placed at {order.SupplierName}", $"Your order {order.Number} was placed at {order.SupplierName}.",
                    $"{order.Lines.Count} lines, {CheckoutService.Money(order.Total, order.Currency)}.", path);
        }

        foreach (var n in order.Status == OrderStatus.PendingApproval ? Approvers(clock, order, buyer, supplier) : SalesManager(clock, order, supplier, "New order"))
        {
            yield return n;
        }
    }

    /// <summary>The people the current approval step waits for.</summary>
    public static IEnumerable<Notification> Approvers(TimeProvider clock, Order order, Organization buyer, Organization supplier)
    {
        if (order.Approval.Current is not { } step)
        {
            yield break;
        }

        var org = step.Side == ApprovalSide.Buyer ? buyer : supplier;
        foreach (var member in org.Members.Where(m => order.Approval.WaitingFor().Contains(m.UserId) && m.Email is not null))
        {
            yield return SalesFacts.Email(clock, member.Email!, member.Name, $"Order {order.Number} waits for your approval",
                $"{order.PlacedBy.Name ?? order.PlacedBy.UserId} of {order.BuyerName} placed order {order.Number} at {order.SupplierName}, and it waits for your approval.",
                $"{step.RuleName}: {step.Reason}. {order.Lines.Count} lines, {CheckoutService.Money(order.Total, order.Currency)}.", $"/orders/{order.Id}/approval");
        }
    }

    public static IEnumerable<Notification> SalesManager(TimeProvider clock, Order order, Organization supplier, string what, string? headline = null, string? details = null, string? path = null)
    {
        if (order.SalesManagerId is { } id && supplier.MemberOf(id) is { Email: { } email } manager)
        {
            yield return SalesFacts.Email(clock, email, manager.Name, $"{what}: {order.Number} from {order.BuyerName}",
                headline ?? $"{order.BuyerName} placed order {order.Number}.", details ?? $"{order.Lines.Count} lines, {CheckoutService.Money(order.Total, order.Currency)}" +
                (order.PurchaseOrderNumber is { } po ? $", PO {po}." : "."), path ?? $"/orders/{order.Id}");
        }
    }

    public static Notification? Placer(TimeProvider clock, Order order, string subject, string headline, string details) =>
        order.PlacedBy.Email is { } email ? SalesFacts.Email(clock, email, order.PlacedBy.Name, subject, headline, details, $"/orders/{order.Id}") : null;
}
