using Agora.Core.Common;

namespace Agora.Core.Accounts;

/// <summary>A buyer organization's commercial relationship with one supplier: the terms every quote, order and invoice
/// between them uses.</summary>
public sealed record CustomerAccount
{
    public required string SupplierId { get; init; }

    public required string BuyerId { get; init; }

    /// <summary>The buyer's name, copied when the account is written, for listings.</summary>
    public required string BuyerName { get; init; }

    /// <summary>The supplier's name, copied when the account is written, for the buyer's listings.</summary>
    public required string SupplierName { get; init; }

    /// <summary>The customer code in the supplier's ERP, for EDI and imports.</summary>
    public string? ExternalCode { get; init; }

    /// <summary>Customer category (e.g. "distributor", "retail-a"): selects category price lists and assortments.</summary>
    public required string Category { get; init; }

    /// <summary>The supplier staff member who manages this account (a member with the SalesManager role).</summary>
    public string? SalesManagerId { get; init; }

    /// <summary>ISO 4217 currency the buyer is quoted and invoiced in.</summary>
    public required string Currency { get; init; }

    public required PaymentTerms PaymentTerms { get; init; }

    public required DeliveryTerms DeliveryTerms { get; init; }

    /// <summary>Open orders and unpaid invoices may not exceed it. In <see cref="Currency"/>.</summary>
    public required decimal CreditLimit { get; init; }

    public required AccountStatus Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}

public enum AccountStatus
{
    /// <summary>The buyer may order.</summary>
    Active,

    /// <summary>The buyer may browse but not order (credit hold, dispute).</summary>
    Blocked,
}

/// <summary>When invoices fall due, as days after invoicing: [0] is cash on invoice, [30] is net 30, [30,60,90] three
/// installments (common for boletos in Brazil).</summary>
public sealed record PaymentTerms(IReadOnlyList<int> InstallmentDays)
{
    public const int MaxInstallments = 12;
    public const int MaxDays = 365;

    /// <summary>The usual short form: "0", "30", "30/60/90".</summary>
    public string Code => string.Join('/', InstallmentDays);

    public bool Equals(PaymentTerms? other) => other is not null && InstallmentDays.SequenceEqual(other.InstallmentDays);

    public override int GetHashCode() => Code.GetHashCode(StringComparison.Ordinal);
}

/// <summary>Who pays freight and bears risk, as an Incoterms 2020 rule with its named place.</summary>
public sealed record DeliveryTerms(string Incoterm, string? Place)
{
    public static readonly IReadOnlyList<string> Incoterms = ["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"];
}
