using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Ordering;

namespace Agora.Core.Billing;

/// <summary>A supplier's billing settings as the API takes them: every field optional, the default when left out.</summary>
public sealed record BillingSettingsInput(
    InvoicePer? InvoicePer,
    string? InvoiceSeries,
    string? CreditNoteSeries,
    IReadOnlyList<int>? ReminderDays,
    int? BlockOrdersAfterDays,
    decimal? DepositPercent,
    bool? Prepayment,
    string? Language);

/// <summary>An installment still owed, as a statement lists it.</summary>
public sealed record StatementInstallment(string InvoiceId, string InvoiceNumber, int Installment, DateOnly DueDate, decimal Amount, decimal Open, bool Overdue);

/// <summary>A customer account's statement at one supplier: what it owes (<see cref="Balance"/> = invoices − credit notes −
/// payments; negative: credit), its credit, the open installments with their due dates, and every entry with its running
/// balance.</summary>
public sealed record CustomerStatement(string SupplierId, string BuyerId, string? Currency, decimal Balance, decimal Open, decimal Credit, IReadOnlyList<StatementInstallment> OpenInstallments, IReadOnlyList<StatementLine> Lines);

/// <summary>What people read of billing: invoices and credit notes (JSON or PDF) for the staff of both parties, listings,
/// statements, and the supplier's billing settings.</summary>
public sealed class InvoiceService(SalesAccess access, IBillingStore store, ICustomerAccountStore accounts, ISalesDocuments<CustomerLedger> ledgers, IInvoiceDocuments documents, TimeProvider clock)
{
    public const int MaxPage = 100;

    /// <summary>Who records payments and reads the ledgers on the supplier's side.</summary>
    public static readonly IReadOnlyList<Role> FinanceStaff = [Role.SupplierAdmin, Role.Finance];

    public async Task<Versioned<BillingSettings>> GetSettingsAsync(Caller caller, string supplierId, CancellationToken cancellationToken)
    {
        await access.SupplierAsync(caller, supplierId, "read billing settings", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        return await store.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Versioned<BillingSettings>> PutSettingsAsync(Caller caller, string supplierId, BillingSettingsInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await access.SupplierAsync(caller, supplierId, "change billing settings", [Role.SupplierAdmin], cancellationToken).ConfigureAwait(false);
        var d = BillingSettings.Default;
        var settings = new BillingSettings(input.InvoicePer ?? d.InvoicePer, input.InvoiceSeries ?? d.InvoiceSeries, input.CreditNoteSeries ?? d.CreditNoteSeries,
            input.ReminderDays ?? d.ReminderDays, input.BlockOrdersAfterDays, input.DepositPercent ?? 0, input.Prepayment ?? false, input.Language).Checked();
        var current = await store.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false);
        return await store.SaveSettingsAsync(supplierId, settings, Versions.ForReplace(current.IsStored ? current : null, ifMatch), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An invoice or credit note, for the staff of its supplier and of its buyer; anyone else gets 404.</summary>
    public async Task<Invoice> GetAsync(Caller caller, string orgId, string invoiceId, CancellationToken cancellationToken)
    {
        var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
        var invoice = Ids.IsWellFormed(invoiceId) ? await store.FindAsync(invoiceId, cancellationToken).ConfigureAwait(false) : null;
        if (invoice is null || (invoice.BuyerId != orgId && invoice.SupplierId != orgId))
        {
            throw DomainException.NotFound("Invoice", invoiceId);
        }

        var buyerSide = invoice.SupplierId != orgId || (invoice.BuyerId == orgId && !you.HasAny(Roles.SupplierStaff));
        _ = you.Require(buyerSide ? "read your organization's invoices" : "read the invoices your organization issued", buyerSide ? Roles.BuyerStaff : Roles.SupplierStaff);
        return invoice;
    }

    /// <summary>The same, printed (PDF) in its language.</summary>
    public async Task<(Invoice Invoice, byte[] Pdf)> PdfAsync(Caller caller, string orgId, string invoiceId, CancellationToken cancellationToken)
    {
        var invoice = await GetAsync(caller, orgId, invoiceId, cancellationToken).ConfigureAwait(false);
        return (invoice, documents.Pdf(invoice));
    }

    /// <summary>Invoices and credit notes newest first: those the organization issued (sales: supplier staff) or received
    /// (purchases: buyer staff); by default the side the caller works on.</summary>
    public async Task<Page<InvoiceSummary>> ListAsync(Caller caller, string orgId, OrderSide? side, string? counterpartyId, InvoiceStatus? status, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
        var which = side ?? (you.HasAny(Roles.SupplierStaff) && you.Org.IsSupplier ? OrderSide.Sales : OrderSide.Purchases);
        _ = you.Require(which == OrderSide.Sales ? "read the invoices your organization issued" : "read your organization's invoices", which == OrderSide.Sales ? Roles.SupplierStaff : Roles.BuyerStaff);
        var v = new Validation();
        v.Check(counterpartyId is null || Ids.IsWellFormed(counterpartyId), which == OrderSide.Sales ? "customer" : "supplier", "must be an organization id.");
        v.Check(status != InvoiceStatus.Credit, "status", "must be open, overdue or paid.");
        v.ThrowIfInvalid();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return await store.ListAsync(orgId, which, new InvoiceFilter(counterpartyId, status, today), Cursor.Decode(cursor, "cursor"), Paging.Size(limit, 50, MaxPage), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The statement of <paramref name="buyerId"/>'s account at <paramref name="supplierId"/>, read from the side of
    /// <paramref name="orgId"/> (one of the two): the supplier's admins, finance and sales staff, or the buyer's staff.</summary>
    public async Task<CustomerStatement> StatementAsync(Caller caller, string orgId, string supplierId, string buyerId, CancellationToken cancellationToken)
    {
        var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
        var supplierSide = orgId == supplierId;
        _ = supplierSide
            ? you.Require("read customer statements", Roles.SupplierStaff)
            : you.Require("read your organization's statements", Roles.BuyerStaff);
        var other = supplierSide ? buyerId : supplierId;
        if (!Ids.IsWellFormed(other) || await accounts.FindAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw DomainException.NotFound(supplierSide ? "Customer" : "Supplier", other);
        }

        var ledger = (await ledgers.FindAsync(CustomerLedger.IdOf(supplierId, buyerId), cancellationToken).ConfigureAwait(false))?.Value
            ?? CustomerLedger.Empty(supplierId, buyerId, clock.GetUtcNow());
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var statement = ledger.Statement();
        var open = ledger.Invoices.Where(i => i.Kind == InvoiceKind.Invoice)
            .SelectMany(i => i.Installments.Where(n => n.Open > 0).Select(n => new StatementInstallment(i.Id, i.Number, n.Number, n.DueDate, n.Amount, n.Open, n.DueDate < today)))
            .OrderBy(n => n.DueDate).ThenBy(n => n.InvoiceId, StringComparer.Ordinal).ThenBy(n => n.Installment).ToArray();
        return new CustomerStatement(supplierId, buyerId, ledger.Currency, statement.Balance, ledger.OpenBalance, ledger.Credit, open, statement.Lines);
    }
}
