using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Notifications;
using Agora.Core.Pricing;

namespace Agora.Core.Ordering;

public sealed record RequestQuote(string? Comment, IReadOnlyList<CartLineInput>? Lines);

public sealed record ProposedLine(int? Line, decimal? UnitPrice);

/// <summary>A sales manager's proposal: a unit price per line (lines left out keep the pricing engine's), terms, and its
/// validity (the supplier's default when absent).</summary>
public sealed record ProposalInput(IReadOnlyList<ProposedLine>? Lines, [property: MaxItems(PaymentTerms.MaxInstallments)] IReadOnlyList<int>? PaymentTermsDays, string? Incoterm,
    DateTimeOffset? ExpiresAt, string? Comment);

/// <summary>The buyer's answer with changes: new quantities (or lines) and a comment; the negotiation goes back to the
/// sales manager.</summary>
public sealed record RevisionInput(IReadOnlyList<CartLineInput>? Lines, string? Comment);

public sealed record QuoteMove(QuoteStatus? Status, string? Comment);

/// <summary>Negotiated quotes (RFQ): the buyer asks from its cart with a comment; the customer's sales manager proposes
/// prices and terms with an expiry; both sides go back and forth, every version kept; a proposal below the pricing
/// engine's price by more than the supplier's margin waits for a pricing manager before the buyer sees it; the buyer
/// accepts, and checkout orders the accepted proposal at its prices.</summary>
public sealed class QuoteService(
    SalesAccess access,
    IOrganizationStore organizations,
    CartService cartService,
    PricingService pricing,
    IOrderingStore ordering,
    ISalesDocuments<Cart> carts,
    ISalesDocuments<NegotiatedQuote> quotes,
    ISalesIndex index,
    SalesSignal outbox,
    TimeProvider clock)
{
    public const int MaxPage = 100;

    public async Task<Versioned<NegotiatedQuote>> RequestAsync(Caller caller, string buyerId, string supplierId, RequestQuote input, CancellationToken cancellationToken)
    {
        var you = await access.BuyerAsync(caller, buyerId, "ask for quotes", SalesAccess.Shoppers, cancellationToken).ConfigureAwait(false);
        var v = new Validation();
        var comment = v.OptionalText(input.Comment, "comment", TimelineService.MaxCommentLength);
        v.ThrowIfInvalid();
        var account = await cartService.AccountAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false);
        CartLine[] lines;
        if (input.Lines is not null)
        {
            lines = await cartService.LinesAsync(supplierId, input.Lines, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var cart = await carts.FindAsync(Cart.CartIdOf(buyerId, supplierId, caller.UserId), cancellationToken).ConfigureAwait(false);
            lines = cart?.Value.Lines.Select(l => new CartLine(l.Sku, l.Unit, l.Quantity)).ToArray() ?? [];
            if (lines.Length == 0)
            {
                throw DomainException.Unprocessable("lines", "Your cart at this supplier is empty: add what you want a price for, or send the lines.");
            }
        }

        var items = await PriceItemsAsync(account, lines, cancellationToken).ConfigureAwait(false);
        var supplier = (await organizations.FindAsync(supplierId, cancellationToken).ConfigureAwait(false))!.Value;
        var now = clock.GetUtcNow();
        var actor = Actor.Of(caller, buyerId);
        var quote = new NegotiatedQuote
        {
            Id = Ids.New(clock),
            SupplierId = supplierId,
            SupplierName = supplier.Name,
            BuyerId = buyerId,
            BuyerName = you.Org.Name,
            RequestedBy = actor,
            SalesManagerId = account.SalesManagerId,
            Status = QuoteStatus.Requested,
            Currency = account.Currency,
            Versions = [new QuoteVersion(1, Capability.Buyer, actor, now, items, items.Sum(i => Total(i, i.EngineUnitPrice, account.Currency)), null, null, null, null, comment)],
            CreatedAt = now,
            UpdatedAt = now,
        };
        quote = quote with
        {
            Outbox = quote.Outbox
                .Add(SalesFacts.Entry(clock, quote.Subject, actor, "requested", $"{actor.Name ?? actor.UserId} asked for a quote of {items.Count} lines.", Visibility.Both, comment: comment))
                .Add(Sellers(quote, supplier).Select(m => SalesFacts.Email(clock, m.Email!, m.Name, $"{quote.BuyerName} asks for a quote", $"{actor.Name ?? actor.UserId} of {quote.BuyerName} asks for a quote of {items.Count} lines.",
                    comment ?? "No comment.", $"/quotes/{quote.Id}"))),
        };
        var stored = await quotes.CreateAsync(quote, cancellationToken).ConfigureAwait(false);
        await AfterAsync(stored.Value, supplier, cancellationToken).ConfigureAwait(false);
        return stored;
    }

    public async Task<Versioned<NegotiatedQuote>> GetAsync(Caller caller, string orgId, string quoteId, CancellationToken cancellationToken)
    {
        var (quote, party) = await ReadAsync(caller, orgId, quoteId, cancellationToken).ConfigureAwait(false);
        return Seen(quote, party);
    }

    public async Task<Page<QuoteSummary>> ListAsync(Caller caller, string orgId, OrderSide? side, QuoteStatus? status, bool waiting, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
        var which = side ?? (you.HasAny(Roles.SupplierStaff) && you.Org.IsSupplier ? OrderSide.Sales : OrderSide.Purchases);
        _ = you.Require("read quotes", which == OrderSide.Sales ? Roles.SupplierStaff : Roles.BuyerStaff);
        return await index.ListQuotesAsync(orgId, which, status, waiting ? caller.UserId : null, Cursor.Decode(cursor, "cursor"), Paging.Size(limit, 50, MaxPage), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The sales manager's (or a supplier admin's) proposal on a requested quote.</summary>
    public async Task<Versioned<NegotiatedQuote>> ProposeAsync(Caller caller, string supplierId, string quoteId, ProposalInput input, CancellationToken cancellationToken)
    {
        var (found, party) = await ReadAsync(caller, supplierId, quoteId, cancellationToken).ConfigureAwait(false);
        if (party.IsBuyer)
        {
            throw DomainException.Forbidden("Proposals are the supplier's; answer one with a revision or accept it.");
        }

        _ = party.You.Require("propose quotes", SalesAccess.SupplierSellers);
        if (found.Value.SalesManagerId is { } manager && manager != caller.UserId && !party.You.Has(Role.SupplierAdmin))
        {
            throw DomainException.Forbidden("This customer's quotes are proposed by its sales manager or a supplier admin.");
        }

        var account = await cartService.AccountAsync(found.Value.SupplierId, found.Value.BuyerId, cancellationToken).ConfigureAwait(false);
        var settings = (await ordering.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false)).Value;
        var latest = found.Value.Latest;
        var items = await PriceItemsAsync(account, latest.Lines.Select(l => new CartLine(l.Sku, l.Unit, l.Quantity)).ToArray(), cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var v = new Validation();
        var given = input.Lines ?? [];
        var proposed = items.ToList();
        var priced = new HashSet<int>();
        for (var i = 0; i < given.Count; i++)
        {
            var line = given[i];
            var index = line.Line is { } n ? proposed.FindIndex(p => p.Line == n) : -1;
            if (index < 0)
            {
                v.Add($"lines[{i}].line", $"must be the number of a line of the quote (1 to {proposed.Count}).");
                continue;
            }

            // Two prices for one line leave the buyer's price to the order of the list: say which.
            if (!priced.Add(line.Line!.Value))
            {
                v.Add($"lines[{i}].line", $"line {line.Line} is priced earlier in this proposal; give each line one price.");
                continue;
            }

            if (line.UnitPrice is not (>= 0 and <= Limits.MaxMagnitude))
            {
                v.Add($"lines[{i}].unitPrice", "must be from 0 to 1,000,000,000,000.");
                continue;
            }

            proposed[index] = proposed[index] with { ProposedUnitPrice = Currency.Round(line.UnitPrice.Value, account.Currency) };
        }

        var days = input.PaymentTermsDays;
        v.Check(days is null || (days.Count is > 0 and <= PaymentTerms.MaxInstallments && days.All(d => d is >= 0 and <= PaymentTerms.MaxDays)), "paymentTermsDays",
            $"must hold 1 to {PaymentTerms.MaxInstallments} installments of 0 to {PaymentTerms.MaxDays} days.");
        var incoterm = input.Incoterm?.Trim().ToUpperInvariant();
        v.Check(incoterm is null || DeliveryTerms.Incoterms.Contains(incoterm), "incoterm", $"must be one of {string.Join(", ", DeliveryTerms.Incoterms)}.");
        var expires = input.ExpiresAt ?? now.AddDays(settings.QuoteValidityDays);
        v.Check(expires > now && expires <= now.AddDays(365), "expiresAt", "must be in the future and within a year.");
        var comment = v.OptionalText(input.Comment, "comment", TimelineService.MaxCommentLength);
        v.Check(proposed.All(p => p.ProposedUnitPrice is not null || p.EngineUnitPrice is not null), "lines",
            $"every line needs a price; lines {string.Join(", ", proposed.Where(p => p.ProposedUnitPrice is null && p.EngineUnitPrice is null).Select(p => p.Line))} have none in the price lists.");
        v.ThrowIfInvalid();

        // Lines left out keep the engine's price.
        var final = proposed.Select(p => p with { ProposedUnitPrice = p.ProposedUnitPrice ?? p.EngineUnitPrice }).ToArray();
        var floor = 1 - (settings.NegotiationMarginPercent / 100m);
        var below = final.Where(p => p.EngineUnitPrice is { } engine && p.ProposedUnitPrice < engine * floor).ToArray();
        var actor = party.Actor(caller);
        var supplier = party.You.Org;
        var number = found.Value.Versions.Count + 1;
        var version = new QuoteVersion(number, Capability.Supplier, actor, now, final, final.Sum(i => Total(i, i.EngineUnitPrice, account.Currency)),
            final.Sum(i => Total(i, i.ProposedUnitPrice, account.Currency)), days, incoterm, expires, comment);
        return await ChangeAsync(quoteId, quote =>
        {
            if (quote.Status is not (QuoteStatus.Requested or QuoteStatus.Proposed))
            {
                throw DomainException.Conflict($"This quote is {Name(quote.Status)}; a proposal answers a request (or replaces the proposal the buyer has not answered).");
            }

            CheckRounds(quote);
            var pending = below.Length > 0;
            var next = quote with
            {
                Status = pending ? QuoteStatus.PendingPriceApproval : QuoteStatus.Proposed,
                Versions = [.. quote.Versions, version with { Number = quote.Versions.Count + 1, Withheld = pending }],
                PriceApproval = pending ? new PriceApproval(quote.Versions.Count + 1,
                    $"{below.Length} line(s) more than {settings.NegotiationMarginPercent}% below the price lists: {string.Join(", ", below.Take(5).Select(b => $"{b.Sku} {b.ProposedUnitPrice} instead of {b.EngineUnitPrice}"))}", null, null, null, null) : null,
                UpdatedAt = now,
            };
            var box = next.Outbox.Add(SalesFacts.Entry(clock, quote.Subject, actor, pending ? "proposedForApproval" : "proposed",
                pending ? $"{actor.Name ?? actor.UserId} proposed version {version.Number}; it goes below the margin and waits for a pricing manager." : $"{actor.Name ?? actor.UserId} proposed version {number}: {CheckoutService.Money(version.ProposedTotal!.Value, quote.Currency)}, valid until {expires:yyyy-MM-dd}.",
                pending ? Visibility.Supplier : Visibility.Both, comment: comment));
            box = box.Add(pending
                ? supplier.Members.Where(m => m.Has(Role.PricingManager) && m.UserId != caller.UserId && m.Email is not null).Select(m => SalesFacts.Email(clock, m.Email!, m.Name,
                    $"A proposal to {quote.BuyerName} waits for your price approval", $"{actor.Name ?? actor.UserId} proposed prices below the margin to {quote.BuyerName}.", next.PriceApproval!.Reason, $"/quotes/{quote.Id}"))
                : ToBuyer(next, $"{quote.SupplierName} proposed prices for your quote", $"{quote.SupplierName} answered your quote request: {CheckoutService.Money(version.ProposedTotal!.Value, quote.Currency)}.",
                    $"Valid until {expires:yyyy-MM-dd HH:mm} UTC. {comment}"));
            return next with { Outbox = box };
        }, supplier, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A pricing manager's decision on a proposal below the margin: approved, the buyer sees it; rejected, it
    /// goes back to the sales manager with the reason.</summary>
    public async Task<Versioned<NegotiatedQuote>> DecidePriceAsync(Caller caller, string supplierId, string quoteId, ApprovalInput input, CancellationToken cancellationToken)
    {
        var v = new Validation();
        v.Check(input.Decision is not null, "decision", "is required: approve or reject.");
        var comment = v.OptionalText(input.Comment, "comment", 2000);
        v.ThrowIfInvalid();
        var (_, party) = await ReadAsync(caller, supplierId, quoteId, cancellationToken).ConfigureAwait(false);
        if (party.IsBuyer)
        {
            throw DomainException.Forbidden("Price approvals are the supplier's pricing managers'.");
        }

        _ = party.You.Require("approve negotiated prices", Roles.PricingManagers);
        var actor = party.Actor(caller);
        var approve = input.Decision == ApprovalVerdict.Approve;
        return await ChangeAsync(quoteId, quote =>
        {
            if (quote.Status != QuoteStatus.PendingPriceApproval)
            {
                throw DomainException.Conflict($"This quote is {Name(quote.Status)}; no proposal waits for price approval.");
            }

            var proposal = quote.Latest;
            if (proposal.By.UserId == caller.UserId)
            {
                throw DomainException.Forbidden("Nobody approves their own proposal; another pricing manager or a supplier admin must.");
            }

            var now = clock.GetUtcNow();
            var next = quote with
            {
                Status = approve ? QuoteStatus.Proposed : QuoteStatus.Requested,
                Versions = approve ? [.. quote.Versions.SkipLast(1), proposal with { Withheld = false }] : quote.Versions,
                PriceApproval = quote.PriceApproval! with { DecidedBy = actor, Approved = approve, Comment = comment, DecidedAt = now },
                UpdatedAt = now,
            };
            var box = next.Outbox.Add(SalesFacts.Entry(clock, quote.Subject, actor, approve ? "priceApproved" : "priceRejected",
                $"{actor.Name ?? actor.UserId} {(approve ? "approved" : "rejected")} the prices of version {proposal.Number}.", Visibility.Supplier, comment: comment));
            if (approve)
            {
                box = box.Add(SalesFacts.Entry(clock, quote.Subject, proposal.By, "proposed", $"{proposal.By.Name ?? proposal.By.UserId} proposed version {proposal.Number}: " +
                    $"{CheckoutService.Money(proposal.ProposedTotal ?? 0, quote.Currency)}, valid until {proposal.ExpiresAt:yyyy-MM-dd}.", Visibility.Both, comment: proposal.Comment))
                    .Add(ToBuyer(next, $"{quote.SupplierName} proposed prices for your quote", $"{quote.SupplierName} answered your quote request.", $"Valid until {proposal.ExpiresAt:yyyy-MM-dd HH:mm} UTC."));
            }
            else if (proposal.By.Email is { } email)
            {
                box = box.Add([SalesFacts.Email(clock, email, proposal.By.Name, $"Your proposal to {quote.BuyerName} was not approved", $"{actor.Name ?? actor.UserId} rejected the prices of your proposal.", comment ?? "No reason given.", $"/quotes/{quote.Id}")]);
            }

            return next with { Outbox = box };
        }, party.You.Org, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The buyer answers a proposal with changes: the negotiation goes back to the sales manager.</summary>
    public async Task<Versioned<NegotiatedQuote>> ReviseAsync(Caller caller, string buyerId, string quoteId, RevisionInput input, CancellationToken cancellationToken)
    {
        var v = new Validation();
        var comment = v.RequiredText(input.Comment, "comment", TimelineService.MaxCommentLength);
        v.ThrowIfInvalid();
        var (found, party) = await ReadAsync(caller, buyerId, quoteId, cancellationToken).ConfigureAwait(false);
        if (!party.IsBuyer)
        {
            throw DomainException.Forbidden("Revisions are the buyer's; the supplier answers with a proposal.");
        }

        _ = party.You.Require("negotiate quotes", SalesAccess.Shoppers);
        var account = await cartService.AccountAsync(found.Value.SupplierId, found.Value.BuyerId, cancellationToken).ConfigureAwait(false);
        var lines = input.Lines is null ? found.Value.Latest.Lines.Select(l => new CartLine(l.Sku, l.Unit, l.Quantity)).ToArray()
            : await cartService.LinesAsync(found.Value.SupplierId, input.Lines, cancellationToken).ConfigureAwait(false);
        var items = await PriceItemsAsync(account, lines, cancellationToken).ConfigureAwait(false);
        var supplier = (await organizations.FindAsync(found.Value.SupplierId, cancellationToken).ConfigureAwait(false))!.Value;
        var actor = party.Actor(caller);
        var changed = await ChangeAsync(quoteId, quote =>
        {
            if (quote.Status != QuoteStatus.Proposed)
            {
                throw DomainException.Conflict($"This quote is {Name(quote.Status)}; a revision answers a proposal.");
            }

            CheckRounds(quote);
            var now = clock.GetUtcNow();
            var version = new QuoteVersion(quote.Versions.Count + 1, Capability.Buyer, actor, now, items, items.Sum(i => Total(i, i.EngineUnitPrice, quote.Currency)), null, null, null, null, comment);
            var next = quote with { Status = QuoteStatus.Requested, Versions = [.. quote.Versions, version], UpdatedAt = now };
            return next with
            {
                Outbox = next.Outbox.Add(SalesFacts.Entry(clock, quote.Subject, actor, "revised", $"{actor.Name ?? actor.UserId} answered with version {version.Number}.", Visibility.Both, comment: comment))
                    .Add(Sellers(quote, supplier).Select(m => SalesFacts.Email(clock, m.Email!, m.Name, $"{quote.BuyerName} answered your proposal", $"{actor.Name ?? actor.UserId} answered with changes.", comment!, $"/quotes/{quote.Id}"))),
            };
        }, supplier, cancellationToken).ConfigureAwait(false);
        return Seen(changed, party);
    }

    /// <summary>The buyer accepts or declines the proposal; the supplier withdraws a quote.</summary>
    public async Task<Versioned<NegotiatedQuote>> MoveAsync(Caller caller, string orgId, string quoteId, QuoteMove input, CancellationToken cancellationToken)
    {
        var v = new Validation();
        v.Check(input.Status is QuoteStatus.Accepted or QuoteStatus.Declined or QuoteStatus.Withdrawn, "status", "must be accepted or declined (the buyer) or withdrawn (the supplier).");
        var comment = v.OptionalText(input.Comment, "comment", TimelineService.MaxCommentLength);
        v.ThrowIfInvalid();
        var to = input.Status!.Value;
        var (found, party) = await ReadAsync(caller, orgId, quoteId, cancellationToken).ConfigureAwait(false);
        _ = party.You.Require(to == QuoteStatus.Withdrawn ? "withdraw quotes" : "answer quotes", party.IsBuyer ? SalesAccess.Shoppers : SalesAccess.SupplierSellers);
        if (party.IsBuyer == (to == QuoteStatus.Withdrawn))
        {
            throw DomainException.Forbidden(party.IsBuyer ? "The supplier withdraws a quote; you accept or decline it." : "The buyer accepts or declines a quote; you may withdraw it.");
        }

        var supplier = (await organizations.FindAsync(found.Value.SupplierId, cancellationToken).ConfigureAwait(false))!.Value;
        var actor = party.Actor(caller);
        var changed = await ChangeAsync(quoteId, quote =>
        {
            var now = clock.GetUtcNow();
            var allowed = to == QuoteStatus.Withdrawn ? quote.Status is QuoteStatus.Requested or QuoteStatus.Proposed or QuoteStatus.PendingPriceApproval or QuoteStatus.Accepted : quote.Status == QuoteStatus.Proposed;
            if (!allowed)
            {
                throw DomainException.Conflict($"This quote is {Name(quote.Status)}; it cannot be {Name(to)}.");
            }

            if (to == QuoteStatus.Accepted && quote.Proposal?.ExpiresAt < now)
            {
                throw DomainException.Conflict($"The proposal expired on {quote.Proposal.ExpiresAt:yyyy-MM-dd HH:mm} UTC; answer with a revision to ask for a new one.");
            }

            var next = quote with { Status = to, UpdatedAt = now };
            var box = next.Outbox.Add(SalesFacts.Entry(clock, quote.Subject, actor, Name(to), $"{actor.Name ?? actor.UserId} {Name(to)} the quote{(to == QuoteStatus.Accepted ? $" (version {quote.Proposal!.Number}); check out to order it at its prices" : string.Empty)}.",
                Visibility.Both, new Dictionary<string, string> { ["status"] = $"{Name(quote.Status)} → {Name(to)}" }, comment));
            box = box.Add(party.IsBuyer
                ? Sellers(quote, supplier).Select(m => SalesFacts.Email(clock, m.Email!, m.Name, $"{quote.BuyerName} {Name(to)} your proposal", $"{actor.Name ?? actor.UserId} {Name(to)} the proposal.", comment ?? string.Empty, $"/quotes/{quote.Id}"))
                : ToBuyer(next, $"{quote.SupplierName} withdrew a quote", $"{quote.SupplierName} withdrew the quote.", comment ?? string.Empty));
            return next with { Outbox = box };
        }, supplier, cancellationToken).ConfigureAwait(false);
        return Seen(changed, party);
    }

    private static void CheckRounds(NegotiatedQuote quote)
    {
        if (quote.Versions.Count >= NegotiatedQuote.MaxVersions)
        {
            throw DomainException.Conflict($"This quote has had {NegotiatedQuote.MaxVersions} rounds; accept or decline it, or ask for a new quote.");
        }
    }

    private async Task<IReadOnlyList<QuoteItem>> PriceItemsAsync(CustomerAccount account, IReadOnlyList<CartLine> lines, CancellationToken cancellationToken)
    {
        var (priced, book) = await pricing.PriceAsync(account, new QuoteRequest(lines, null), cancellationToken).ConfigureAwait(false);
        var unavailable = priced.Lines.Where(l => l.Status == LineStatus.Unavailable).ToArray();
        if (unavailable.Length > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "Some lines are not sold to this buyer.",
                unavailable.ToDictionary(l => $"lines[{l.Line - 1}]", l => l.Issues.Count > 0 ? l.Issues.ToArray() : [$"{l.Sku} is not sold to this buyer."]));
        }

        return priced.Lines.Where(l => l.Status != LineStatus.Bonus)
            .Select(l => new QuoteItem(l.Line, l.Sku, l.Unit, l.Quantity, book.Products.TryGetValue(l.Sku, out var p) ? p.Name : null, l.NetUnitPrice, null)).ToArray();
    }

    private static decimal Total(QuoteItem item, decimal? unitPrice, string currency) => unitPrice is { } price ? Currency.Round(price * item.Quantity, currency) : 0;

    private async Task<Versioned<NegotiatedQuote>> ChangeAsync(string quoteId, Func<NegotiatedQuote, NegotiatedQuote> change, Organization supplier, CancellationToken cancellationToken)
    {
        var written = await Concurrency.RetryAsync("The quote", async _ =>
        {
            var current = await quotes.FindAsync(quoteId, cancellationToken).ConfigureAwait(false) ?? throw DomainException.NotFound("Quote", quoteId);
            return await quotes.ReplaceAsync(change(current.Value), current.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await AfterAsync(written.Value, supplier, cancellationToken).ConfigureAwait(false);
        return written;
    }

    private async Task AfterAsync(NegotiatedQuote quote, Organization supplier, CancellationToken cancellationToken)
    {
        await index.UpsertAsync(QuoteSummary.Of(quote, WaitingFor(quote, supplier)), cancellationToken).ConfigureAwait(false);
        await outbox.SignalAsync(quote, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whose turn it is: the sales manager (or the supplier's admins) for a request, the pricing managers for a
    /// proposal below the margin, the requester for a proposal.</summary>
    private static string[] WaitingFor(NegotiatedQuote quote, Organization supplier) => quote.Status switch
    {
        QuoteStatus.Requested => Sellers(quote, supplier).Select(m => m.UserId).ToArray(),
        QuoteStatus.PendingPriceApproval => supplier.Members.Where(m => m.HasAny(Roles.PricingManagers) && m.UserId != quote.Latest.By.UserId).Select(m => m.UserId).ToArray(),
        QuoteStatus.Proposed => [quote.RequestedBy.UserId],
        _ => [],
    };

    private static IEnumerable<Member> Sellers(NegotiatedQuote quote, Organization supplier) =>
        quote.SalesManagerId is { } id && supplier.MemberOf(id) is { } manager ? [manager] : supplier.Members.Where(m => m.Has(Role.SupplierAdmin));

    private IEnumerable<Notification> ToBuyer(NegotiatedQuote quote, string subject, string headline, string details) =>
        quote.RequestedBy.Email is { } email ? [SalesFacts.Email(clock, email, quote.RequestedBy.Name, subject, headline, details, $"/quotes/{quote.Id}")] : [];

    private async Task<(Versioned<NegotiatedQuote> Quote, SalesParty Party)> ReadAsync(Caller caller, string orgId, string quoteId, CancellationToken cancellationToken)
    {
        var quote = await quotes.FindAsync(quoteId, cancellationToken).ConfigureAwait(false);
        var party = await access.PartyAsync(caller, orgId, quote?.Value, "Quote", quoteId, cancellationToken).ConfigureAwait(false);
        return (quote!, party);
    }

    /// <summary>What <paramref name="party"/> reads of the quote: the buyer only what was proposed to them.</summary>
    private static Versioned<NegotiatedQuote> Seen(Versioned<NegotiatedQuote> quote, SalesParty party) =>
        quote with { Value = party.IsBuyer ? quote.Value.ForBuyer() : quote.Value with { Outbox = Outbox.Empty } };

    private static string Name(QuoteStatus status) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString());
}
