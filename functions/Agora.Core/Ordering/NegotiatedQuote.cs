using Agora.Core.Accounts;

namespace Agora.Core.Ordering;

public enum QuoteStatus
{
    /// <summary>The buyer asked (or answered a proposal with changes): the sales manager's turn.</summary>
    Requested,

    /// <summary>The sales manager's proposal goes below the pricing engine by more than the supplier's margin: a pricing
    /// manager must approve it before the buyer sees it.</summary>
    PendingPriceApproval,

    /// <summary>A proposal is with the buyer, valid until its expiry.</summary>
    Proposed,

    Accepted,
    Declined,
    Withdrawn,

    /// <summary>Checked out: the order it became is <see cref="NegotiatedQuote.OrderId"/>.</summary>
    Ordered,
}

/// <summary>A line of one version: what is asked, the engine's price for it when the version was made, and the price
/// proposed (a supplier's version) or null (the buyer's request).</summary>
public sealed record QuoteItem(int Line, string Sku, string Unit, decimal Quantity, string? Name, decimal? EngineUnitPrice, decimal? ProposedUnitPrice);

/// <summary>One round of the negotiation, kept for ever: the buyer's request or the supplier's proposal.</summary>
/// <param name="Withheld">A proposal below the margin no pricing manager approved (waiting, or rejected): the supplier's
/// own business, never shown to the buyer.</param>
public sealed record QuoteVersion(
    int Number,
    Capability Side,
    Actor By,
    DateTimeOffset At,
    IReadOnlyList<QuoteItem> Lines,
    decimal EngineTotal,
    decimal? ProposedTotal,
    IReadOnlyList<int>? PaymentTermsDays,
    string? Incoterm,
    DateTimeOffset? ExpiresAt,
    string? Comment,
    bool Withheld = false);

/// <summary>A pricing manager's decision on a proposal below the margin.</summary>
public sealed record PriceApproval(int Version, string Reason, Actor? DecidedBy, bool? Approved, string? Comment, DateTimeOffset? DecidedAt);

/// <summary>A negotiated quote (request for quotation) between one buyer and one supplier: every version in one document
/// (a 1,000-line version is ~150 KB; <see cref="MaxVersions"/> rounds keep it well under the 2 MB item limit).</summary>
public sealed record NegotiatedQuote : ISalesDocument
{
    public const int MaxVersions = 10;

    public required string Id { get; init; }

    public string Kind => "quote";

    public required string SupplierId { get; init; }

    public required string SupplierName { get; init; }

    public required string BuyerId { get; init; }

    public required string BuyerName { get; init; }

    public required Actor RequestedBy { get; init; }

    public string? SalesManagerId { get; init; }

    public required QuoteStatus Status { get; init; }

    public required string Currency { get; init; }

    public required IReadOnlyList<QuoteVersion> Versions { get; init; }

    public PriceApproval? PriceApproval { get; init; }

    public string? OrderId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public Outbox Outbox { get; init; } = Outbox.Empty;

    public string Subject => $"quote:{Id}";

    public QuoteVersion Latest => Versions[^1];

    /// <summary>The supplier's latest proposal the buyer was shown, if any.</summary>
    public QuoteVersion? Proposal => Versions.LastOrDefault(v => v.Side == Capability.Supplier && !v.Withheld);

    /// <summary>The quote as its buyer reads it: without the proposals no pricing manager approved and without the price
    /// approval, whose reason and comment are the supplier's margin and its pricing managers' words.</summary>
    public NegotiatedQuote ForBuyer() => this with { Versions = Versions.Where(v => !v.Withheld).ToArray(), PriceApproval = null, Outbox = Outbox.Empty };
}

public sealed record QuoteSummary(
    string Id,
    string SupplierId,
    string SupplierName,
    string BuyerId,
    string BuyerName,
    string RequestedById,
    string? SalesManagerId,
    QuoteStatus Status,
    string Currency,
    int Versions,
    int LineCount,
    decimal? ProposedTotal,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<string> WaitingFor)
{
    public static QuoteSummary Of(NegotiatedQuote q, IReadOnlyList<string> waitingFor) => new(
        q.Id, q.SupplierId, q.SupplierName, q.BuyerId, q.BuyerName, q.RequestedBy.UserId, q.SalesManagerId, q.Status, q.Currency, q.Versions.Count, q.Latest.Lines.Count,
        q.Proposal?.ProposedTotal, q.Proposal?.ExpiresAt, q.CreatedAt, q.UpdatedAt, waitingFor);
}
