using System.Globalization;
using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Integration;
using Agora.Core.Ordering;

namespace Agora.Core.Billing;

/// <summary>One payment as the supplier's ERP reports it.</summary>
/// <param name="PaymentId">The ERP's id of the payment: what makes sending it again harmless.</param>
/// <param name="InvoiceId">The invoice it paid, when the ERP knows (a boleto's); with <paramref name="Installment"/>, the
/// installment.</param>
public sealed record PaymentInput(string? PaymentId, string? BuyerId, decimal? Amount, string? Currency, DateOnly? ReceivedOn, string? InvoiceId, int? Installment, string? Reference);

public sealed record PaymentBatch(IReadOnlyList<PaymentInput>? Payments);

public enum PaymentOutcome
{
    Recorded,
    AlreadyRecorded,
    Rejected,
}

/// <summary>What became of one payment of a batch: recorded now (with how it was spread and what went to credit), recorded
/// before (the same answer again), or rejected with the field and the reason.</summary>
public sealed record PaymentResult(int Row, string? PaymentId, PaymentOutcome Outcome, IReadOnlyList<Allocated>? Allocations = null, decimal? Credit = null, string? Field = null, string? Reason = null);

public sealed record PaymentResults(IReadOnlyList<PaymentResult> Results)
{
    public int Recorded => Results.Count(r => r.Outcome == PaymentOutcome.Recorded);

    public int AlreadyRecorded => Results.Count(r => r.Outcome == PaymentOutcome.AlreadyRecorded);

    public int Rejected => Results.Count(r => r.Outcome == PaymentOutcome.Rejected);
}

/// <summary>Payments from the supplier's ERP (issue 12; decision 0018c): a batch of up to <see cref="MaxBatch"/>, each
/// recorded once by its payment id (per supplier), spread over the customer's open installments by
/// <see cref="PaymentAllocation"/> (the installment it names first, then the oldest), what is left kept as the customer's
/// credit. Each customer's payments of a batch are one conditional write of its ledger, with a <c>payment.received</c>
/// event and a ledger timeline entry per payment in its outbox. A bad row is rejected on its own; the others are recorded.</summary>
public sealed class PaymentService(SalesAccess access, ICustomerAccountStore accounts, ISalesDocuments<CustomerLedger> ledgers, IBillingStore store, BillingService billing, SalesSignal outbox, TimeProvider clock)
{
    public const int MaxBatch = 500;
    public const decimal MaxAmount = 1_000_000_000_000m;
    public const int MaxInstallment = PaymentTerms.MaxInstallments + 1;

    public async Task<PaymentResults> RecordAsync(Caller caller, string supplierId, PaymentBatch input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await access.SupplierAsync(caller, supplierId, "record payments", InvoiceService.FinanceStaff, cancellationToken).ConfigureAwait(false);
        var v = new Validation();
        v.Check(input.Payments is { Count: > 0 and <= MaxBatch }, "payments", $"must list 1 to {MaxBatch} payments.");
        for (var i = 0; i < (input.Payments?.Count ?? 0); i++)
        {
            v.Check(input.Payments![i] is not null, $"payments[{i}]", "must be a payment, not null.");
        }

        v.ThrowIfInvalid();
        var rows = input.Payments!;
        var results = new PaymentResult?[rows.Count];
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var valid = new List<(int Row, PaymentInput Input)>();
        for (var i = 0; i < rows.Count; i++)
        {
            results[i] = Check(i, rows[i], today);
            if (results[i] is null)
            {
                valid.Add((i, rows[i]));
            }
        }

        // One payment id is one payment of the supplier: sent for two customers in one batch, the later rows are refused.
        foreach (var dup in valid.GroupBy(r => r.Input.PaymentId!, StringComparer.Ordinal).Where(g => g.Select(r => r.Input.BuyerId).Distinct(StringComparer.Ordinal).Count() > 1))
        {
            foreach (var (row, p) in dup.Where(r => r.Input.BuyerId != dup.First().Input.BuyerId))
            {
                results[row] = Reject(row, p.PaymentId, "paymentId", $"payment '{p.PaymentId}' is also sent for customer '{dup.First().Input.BuyerId}' in this batch; a payment id names one payment.");
            }
        }

        foreach (var customer in valid.Where(r => results[r.Row] is null).GroupBy(r => r.Input.BuyerId!, StringComparer.Ordinal))
        {
            await RecordForAsync(supplierId, customer.Key, customer.ToArray(), results, cancellationToken).ConfigureAwait(false);
        }

        return new PaymentResults(results.Select(r => r!).ToArray());
    }

    private async Task RecordForAsync(string supplierId, string buyerId, IReadOnlyList<(int Row, PaymentInput Input)> rows, PaymentResult?[] results, CancellationToken cancellationToken)
    {
        var account = (await accounts.FindAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false))?.Value;
        if (account is null)
        {
            foreach (var (row, p) in rows)
            {
                results[row] = Reject(row, p.PaymentId, "buyerId", $"'{buyerId}' is not one of your customers.");
            }

            return;
        }

        var ledgerId = CustomerLedger.IdOf(supplierId, buyerId);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var (written, outcomes) = await Concurrency.RetryAsync("The customer's ledger", async _ =>
        {
            touched.Clear();
            var current = await ledgers.FindAsync(ledgerId, cancellationToken).ConfigureAwait(false);
            var ledger = current?.Value ?? CustomerLedger.Empty(supplierId, buyerId, clock.GetUtcNow());
            var currency = ledger.Currency ?? account.Currency;
            var decided = new Dictionary<int, PaymentResult>();
            var box = ledger.Outbox;
            var system = Actor.System(supplierId);
            foreach (var (row, p) in rows)
            {
                if (ledger.Payments.FirstOrDefault(x => x.PaymentId == p.PaymentId) is { } earlier)
                {
                    decided[row] = new PaymentResult(row, p.PaymentId, PaymentOutcome.AlreadyRecorded, earlier.Allocations, earlier.ToCredit);
                    touched.UnionWith(earlier.Allocations.Select(a => a.InvoiceId)); // a retry after a crash also finishes the summaries
                    continue;
                }

                if (!string.Equals(p.Currency, currency, StringComparison.Ordinal))
                {
                    decided[row] = Reject(row, p.PaymentId, "currency", $"customer '{buyerId}' is invoiced in {currency}; record the payment in {currency}.");
                    continue;
                }

                if (Minor(p.Amount!.Value, currency) is { } reason)
                {
                    decided[row] = Reject(row, p.PaymentId, "amount", reason);
                    continue;
                }

                InstallmentRef? named = null;
                if (p.InvoiceId is { } invoiceId)
                {
                    var invoice = ledger.InvoiceOf(invoiceId);
                    var number = p.Installment ?? invoice?.Installments.Where(n => n.Open > 0).Select(n => (int?)n.Number).Min();
                    if (invoice is not { Kind: InvoiceKind.Invoice } || number is null || !invoice.Installments.Any(n => n.Number == number && n.Open > 0))
                    {
                        decided[row] = Reject(row, p.PaymentId, p.Installment is null ? "invoiceId" : "installment", invoice is not { Kind: InvoiceKind.Invoice }
                            ? $"customer '{buyerId}' has no invoice '{invoiceId}'."
                            : $"invoice {invoice.Number} has no open installment{(p.Installment is null ? string.Empty : $" {p.Installment}")}; leave invoiceId out to spread it over the oldest open ones.");
                        continue;
                    }

                    named = new InstallmentRef(invoiceId, number.Value);
                }

                var bound = await store.ClaimPaymentAsync(supplierId, p.PaymentId!, buyerId, cancellationToken).ConfigureAwait(false);
                if (bound != buyerId)
                {
                    decided[row] = Reject(row, p.PaymentId, "paymentId", $"payment '{p.PaymentId}' was recorded for customer '{bound}'; a payment id names one payment of yours.");
                    continue;
                }

                var allocation = PaymentAllocation.Allocate(ledger.OpenInstallments(), p.Amount.Value, named);
                var payment = new LedgerPayment(p.PaymentId!, p.Amount.Value, p.ReceivedOn!.Value, clock.GetUtcNow(), p.Reference, allocation.Allocations, allocation.Credit);
                ledger = ledger.RecordPayment(payment);
                touched.UnionWith(allocation.Allocations.Select(a => a.InvoiceId));
                var money = CheckoutService.Money(payment.Amount, currency);
                var spread = allocation.Allocations.Count == 0 ? "nothing was owed" : string.Join(", ", allocation.Allocations.Select(a =>
                    $"{CheckoutService.Money(a.Amount, currency)} to installment {a.Number} of {ledger.InvoiceOf(a.InvoiceId)!.Number}"));
                box = box.Add(SalesFacts.Entry(clock, ledger.Subject, system, "paid",
                        $"Payment {payment.PaymentId} of {money} received on {payment.ReceivedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}: {spread}" +
                        (allocation.Credit > 0 ? $"; {CheckoutService.Money(allocation.Credit, currency)} kept as credit." : "."), Visibility.Both))
                    .Add(IntegrationEvent.Create(Ids.New(clock), "payment.received", supplierId, $"payment:{payment.PaymentId}", clock.GetUtcNow(), new
                    {
                        payment = new { payment.PaymentId, buyerId, payment.Amount, currency, payment.ReceivedOn, payment.Reference, payment.Allocations, credit = payment.ToCredit },
                        balance = ledger.Balance,
                        href = $"/api/orgs/{supplierId}/customers/{buyerId}/statement",
                    }));
                decided[row] = new PaymentResult(row, p.PaymentId, PaymentOutcome.Recorded, allocation.Allocations, allocation.Credit);
            }

            if (!decided.Values.Any(r => r.Outcome == PaymentOutcome.Recorded))
            {
                return (ledger, decided);
            }

            var next = ledger.Trim(clock.GetUtcNow()) with { Currency = currency, Outbox = box, UpdatedAt = clock.GetUtcNow() };
            var stored = current is null
                ? await ledgers.CreateAsync(next, cancellationToken).ConfigureAwait(false)
                : await ledgers.ReplaceAsync(next, current.ETag, cancellationToken).ConfigureAwait(false);
            return (stored.Value, decided);
        }).ConfigureAwait(false);
        foreach (var (row, result) in outcomes)
        {
            results[row] = result;
        }

        await billing.IndexAsync(supplierId, buyerId, touched, cancellationToken).ConfigureAwait(false);
        await outbox.SignalAsync(written, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The row's own checks (before any ledger is read); null when it passes them.</summary>
    private static PaymentResult? Check(int row, PaymentInput p, DateOnly today)
    {
        string? field = null, reason = null;
        void Fail(string f, string r)
        {
            if (field is null)
            {
                (field, reason) = (f, r);
            }
        }

        if (!Ids.IsWellFormed(p.PaymentId))
        {
            Fail("paymentId", "is required: your ERP's id of the payment, 1 to 64 letters, digits, '-', '_' or '.'.");
        }

        if (!Ids.IsWellFormed(p.BuyerId))
        {
            Fail("buyerId", "is required: the customer's organization id.");
        }

        if (p.Amount is not { } amount || amount <= 0 || amount > MaxAmount)
        {
            Fail("amount", "is required: more than zero and at most 1,000,000,000,000.");
        }

        if (!Currency.IsKnown(p.Currency))
        {
            Fail("currency", "is required: an ISO 4217 code such as BRL.");
        }

        if (p.ReceivedOn is not { } on || on > today.AddDays(1) || on < today.AddDays(-CustomerLedger.MaxPaymentAgeDays))
        {
            Fail("receivedOn", $"is required: the day it was received, within the last {CustomerLedger.MaxPaymentAgeDays} days and not in the future.");
        }

        if (p.InvoiceId is not null && !Ids.IsWellFormed(p.InvoiceId))
        {
            Fail("invoiceId", "must be an invoice id.");
        }

        if (p.Installment is not null && (p.InvoiceId is null || p.Installment is < 1 or > MaxInstallment))
        {
            Fail("installment", p.InvoiceId is null ? "needs invoiceId: the invoice whose installment it paid." : $"must be from 1 to {MaxInstallment}.");
        }

        if (p.Reference is { Length: > 200 })
        {
            Fail("reference", "must be at most 200 characters.");
        }

        return field is null ? null : Reject(row, p.PaymentId, field, reason!);
    }

    private static string? Minor(decimal amount, string currency) =>
        Currency.Round(amount, Currency.MinorUnitsOf(currency), MidpointRounding.ToZero) == amount ? null
            : $"must have at most {Currency.MinorUnitsOf(currency)} decimals in {currency}.";

    private static PaymentResult Reject(int row, string? paymentId, string field, string reason) =>
        new(row, paymentId, PaymentOutcome.Rejected, Field: $"payments[{row}].{field}", Reason: reason);
}
