using Agora.Core.Billing;
using Agora.Core.Common;
using Agora.Core.Ordering;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

namespace Agora.Functions.Features;

/// <summary>Invoices and credit notes (JSON or PDF), listings, statements, and the supplier's billing settings.</summary>
public sealed class BillingFunctions(InvoiceService invoices, PaymentService payments)
{
    private const string Pdf = "application/pdf";

    [Function(nameof(GetBillingSettings))]
    [ApiOperation("Billing", "Read the billing settings", Description = "When invoices are issued (per shipment or per order), the invoice and credit-note series, reminder days, " +
        "the overdue block, deposit and prepayment, the printed language. Supplier staff.", Response = typeof(BillingSettings), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetBillingSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/billing/settings")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(req, await invoices.GetSettingsAsync(req.Caller(), supplierId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutBillingSettings))]
    [ApiOperation("Billing", "Change the billing settings", Description = "Supplier admins. Every field is optional (the default when left out). invoicePer: shipment (default) or order; " +
        "invoiceSeries (default nf1) and creditNoteSeries (default nc1): 1 to 20 letters, digits, '-', '_' or '.', different from each other (a new series starts at number 1); " +
        "reminderDays: up to 10 increasing days from 0 to 365 after a due date (default [0, 7, 30]); blockOrdersAfterDays: 0 to 365, or left out never to block checkout; " +
        "depositPercent: 0 to 100 with at most 2 decimals, due on the invoice date (default 0); prepayment: true makes every invoice due in full on its date (default false); " +
        "language: pt-BR or en (default: pt-BR for Brazilian buyers, else en). Unknown fields are refused. The first PUT creates; replacing needs If-Match with the ETag read (428 without, 412 when stale).",
        Request = typeof(BillingSettingsInput), Response = typeof(BillingSettings), Roles = ApiRoles.SupplierAdmin)]
    public async Task<IActionResult> PutBillingSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/billing/settings")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(req, await invoices.PutSettingsAsync(req.Caller(), supplierId, await req.ReadJsonAsync<BillingSettingsInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(ListInvoices))]
    [ApiOperation("Billing", "List invoices and credit notes, newest first", Description = "side: sales (issued, supplier staff) or purchases (received, buyer staff); by default the side the caller works on. " +
        "status: open (anything still owed), overdue (owed past a due date) or paid (nothing owed).", Response = typeof(InvoicePage),
        Query = ["side: sales or purchases", "customer: the buyer's id (sales side)", "supplier: the supplier's id (purchases side)", "status: open, overdue or paid", "cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 50)"], Roles = ApiRoles.AnyMember)]
    public async Task<IActionResult> ListInvoices(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/invoices")] HttpRequest req, string orgId, CancellationToken cancellationToken)
    {
        var page = await invoices.ListAsync(req.Caller(), orgId, req.QueryEnum<OrderSide>("side"), req.Query("customer") ?? req.Query("supplier"), req.QueryEnum<InvoiceStatus>("status"),
            req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false);
        return Api.Page(page);
    }

    [Function(nameof(GetInvoice))]
    [ApiOperation("Billing", "Read an invoice or credit note", Description = "JSON, or the printed document (application/pdf, in its language) when Accept prefers application/pdf " +
        "or with format=pdf. The staff of the supplier that issued it and of the buyer it was issued to; 404 for anyone else.", Response = typeof(Invoice),
        Query = ["format: json (default) or pdf"], Roles = ApiRoles.AnyMember, BySide = true)]
    public async Task<IActionResult> GetInvoice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/invoices/{invoiceId}")] HttpRequest req, string orgId, string invoiceId, CancellationToken cancellationToken)
    {
        if (!WantsPdf(req))
        {
            return Api.Ok(await invoices.GetAsync(req.Caller(), orgId, invoiceId, cancellationToken).ConfigureAwait(false));
        }

        var (invoice, pdf) = await invoices.PdfAsync(req.Caller(), orgId, invoiceId, cancellationToken).ConfigureAwait(false);
        return new FileContentResult(pdf, Pdf) { FileDownloadName = $"{invoice.DisplayNumber}.pdf" };
    }

    [Function(nameof(RecordPayments))]
    [ApiOperation("Billing", "Record payments from your ERP", Description = "Supplier admins and finance staff (an ERP signs in as a service principal that is a member with the " +
        "finance role). payments: 1 to 500, each { paymentId (your ERP's id, required, 1 to 64 letters, digits, '-', '_' or '.'), buyerId (a customer), amount (more than 0, at most " +
        "1,000,000,000,000, in the currency's decimals), currency (the customer's), receivedOn (a date within the last 365 days, not in the future), invoiceId and installment " +
        "(optional: the installment it paid, settled first; installment 1 to 13 needs invoiceId), reference (optional, at most 200 characters) }. Each row answers recorded " +
        "(with how it was spread over the open installments, the named one first, then the oldest, and what was kept as the customer's credit), alreadyRecorded (the same " +
        "paymentId was recorded before: nothing changes, the first answer again) or rejected (field and reason); the other rows are recorded regardless. A payment id names " +
        "one payment of the supplier: sent again for another customer it is rejected.", Request = typeof(PaymentBatch), Response = typeof(PaymentResults), Roles = ApiRoles.SupplierAdmin | ApiRoles.Finance)]
    public async Task<IActionResult> RecordPayments(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{supplierId}/payments")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(await payments.RecordAsync(req.Caller(), supplierId, await req.ReadJsonAsync<PaymentBatch>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetCustomerStatement))]
    [ApiOperation("Billing", "A customer's statement", Description = "Supplier staff: the balance (invoices − credit notes − payments; negative: the customer has credit), " +
        "the open installments with their due dates, and every entry with the running balance.", Response = typeof(CustomerStatement), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetCustomerStatement(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/customers/{buyerId}/statement")] HttpRequest req, string orgId, string buyerId, CancellationToken cancellationToken) =>
        Api.Ok(await invoices.StatementAsync(req.Caller(), orgId, orgId, buyerId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetSupplierStatement))]
    [ApiOperation("Billing", "Your statement at a supplier", Description = "Buyer staff: what your organization owes the supplier, its open installments with their due dates, " +
        "and every invoice, credit note and payment with the running balance.", Response = typeof(CustomerStatement), Roles = ApiRoles.BuyerStaff)]
    public async Task<IActionResult> GetSupplierStatement(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{buyerId}/suppliers/{supplierId}/statement")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(await invoices.StatementAsync(req.Caller(), buyerId, supplierId, buyerId, cancellationToken).ConfigureAwait(false));

    /// <summary>format=pdf, or an Accept header that ranks application/pdf above JSON (quality, then order).</summary>
    private static bool WantsPdf(HttpRequest req)
    {
        switch (req.Query("format"))
        {
            case "pdf":
                return true;
            case "json":
                return false;
            case { } other:
                throw DomainException.Invalid("format", $"must be json or pdf, not '{other}'.");
        }

        var accept = req.GetTypedHeaders().Accept;
        double Quality(string type) => accept.Where(a => a.MediaType.Equals(type, StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(-1).Max();
        var pdf = Quality(Pdf);
        return pdf > 0 && pdf > Math.Max(Quality("application/json"), Math.Max(Quality("*/*"), Quality("application/*")));
    }

    /// <summary>The page shape, for the OpenAPI document.</summary>
    public sealed record InvoicePage(IReadOnlyList<InvoiceSummary> Items, string? Next);
}
