using Agora.Core.Accounts;
using Agora.Core.Billing;
using Agora.Core.Common;

namespace Agora.Core.Tests.Billing;

/// <summary>Installment plans and payment allocation as a supplier's finance team reads them.</summary>
public sealed class InstallmentsTests
{
    private static readonly DateOnly Issued = new(2026, 12, 1);

    [Fact]
    public void Thirty_sixty_ninety_splits_a_hundred_reais_into_33_34_then_33_33_twice()
    {
        var plan = Installments.Split(100.00m, "BRL", new InvoiceTerms(new PaymentTerms([30, 60, 90])), Issued);

        Assert.Equal(
            [(1, new DateOnly(2026, 12, 31), 33.34m), (2, new DateOnly(2027, 1, 30), 33.33m), (3, new DateOnly(2027, 3, 1), 33.33m)],
            plan.Select(i => (i.Number, i.DueDate, i.Amount)));
    }

    [Fact]
    public void A_deposit_is_due_on_the_invoice_date_and_the_rest_spread_over_the_installments()
    {
        var plan = Installments.Split(1000.00m, "BRL", InvoiceTerms.Checked(new PaymentTerms([30, 60]), 30, prepayment: false), Issued);

        Assert.Equal([(Issued, 300.00m, true), (Issued.AddDays(30), 350.00m, false), (Issued.AddDays(60), 350.00m, false)], plan.Select(i => (i.DueDate, i.Amount, i.Deposit)));
    }

    [Fact]
    public void Prepayment_is_one_installment_of_the_whole_total_on_the_invoice_date()
    {
        var plan = Installments.Split(1234.56m, "BRL", InvoiceTerms.Checked(new PaymentTerms([30, 60, 90]), 0, prepayment: true), Issued);

        Assert.Equal([new Installment(1, Issued, 1234.56m, Deposit: true)], plan);
    }

    [Fact]
    public void Yen_have_no_minor_unit_and_three_installments_of_100_yen_are_34_33_33()
    {
        var plan = Installments.Split(100m, "JPY", new InvoiceTerms(new PaymentTerms([30, 60, 90])), Issued);

        Assert.Equal([34m, 33m, 33m], plan.Select(i => i.Amount));
    }

    [Fact]
    public void A_deposit_percentage_outside_0_to_100_is_refused_naming_the_field()
    {
        var e = Assert.Throws<DomainException>(() => InvoiceTerms.Checked(new PaymentTerms([30]), 120, prepayment: false));

        Assert.Contains("depositPercent", e.Errors.Keys);
    }

    [Fact]
    public void A_partial_payment_settles_the_oldest_installment_first_and_an_overpayment_becomes_credit()
    {
        OpenInstallment[] open = [new("inv-2", 1, Issued.AddDays(30), 50m), new("inv-1", 2, Issued.AddDays(60), 40m), new("inv-1", 1, Issued, 30m)];

        var partial = PaymentAllocation.Allocate(open, 45m);
        var over = PaymentAllocation.Allocate(open, 150m);
        var named = PaymentAllocation.Allocate(open, 45m, new InstallmentRef("inv-1", 2));

        Assert.Equal([new Allocated("inv-1", 1, 30m), new Allocated("inv-2", 1, 15m)], partial.Allocations);
        Assert.Equal(0m, partial.Credit);
        Assert.Equal(30m, over.Credit);
        Assert.Equal([new Allocated("inv-1", 2, 40m), new Allocated("inv-1", 1, 5m)], named.Allocations);
    }

    [Fact]
    public void A_payment_naming_an_installment_the_customer_does_not_owe_is_refused()
    {
        var e = Assert.Throws<DomainException>(() => PaymentAllocation.Allocate([new("inv-1", 1, Issued, 10m)], 10m, new InstallmentRef("inv-9", 1)));

        Assert.Contains("installment", e.Errors.Keys);
    }
}
