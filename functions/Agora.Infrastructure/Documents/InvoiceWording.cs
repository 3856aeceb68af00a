using System.Globalization;
using Agora.Core.Billing;
using Agora.Core.Common;

namespace Agora.Infrastructure.Documents;

/// <summary>The words, dates and numbers of a printed invoice in its language (pt-BR or en). Separators are fixed here
/// rather than taken from the host's culture data, so the same invoice prints the same on every host (an image without
/// ICU, or with another version of it, would otherwise change a buyer's filed document).</summary>
internal sealed record InvoiceWording(
    string Invoice,
    string CreditNote,
    string Seller,
    string Buyer,
    string TaxId,
    string IssuedOn,
    string PurchaseOrders,
    string Corrects,
    string Reason,
    string LineNo,
    string Sku,
    string Description,
    string Unit,
    string Quantity,
    string UnitPrice,
    string LineTotal,
    string AmountsIn,
    string Total,
    string PaymentTerms,
    string Installment,
    string DueDate,
    string Amount,
    string Deposit,
    string PageOf,
    string DateFormat,
    NumberFormatInfo Numbers,
    bool RealSign)
{
    public static readonly InvoiceWording Portuguese = new(
        "Fatura", "Nota de crédito", "Emitente", "Destinatário", "ID fiscal", "Emissão", "Pedidos de compra", "Corrige a fatura",
        "Motivo", "Item", "SKU", "Descrição", "Unid.", "Qtd.", "Preço unit.", "Total", "Valores em", "Total", "Condições de pagamento",
        "Parcela", "Vencimento", "Valor", "sinal", "página {0} de {1}", "dd/MM/yyyy", Separators(".", ","), RealSign: true);

    public static readonly InvoiceWording English = new(
        "Invoice", "Credit note", "Seller", "Buyer", "Tax ID", "Issued on", "Purchase orders", "Corrects invoice",
        "Reason", "Line", "SKU", "Description", "Unit", "Qty", "Unit price", "Total", "Amounts in", "Total", "Payment terms",
        "Installment", "Due date", "Amount", "deposit", "page {0} of {1}", "yyyy-MM-dd", Separators(",", "."), RealSign: false);

    /// <summary>Portuguese for pt-BR (and any pt), English for everything else: the two layouts issue 12 asks for.</summary>
    public static InvoiceWording For(string language) =>
        language.StartsWith("pt", StringComparison.OrdinalIgnoreCase) ? Portuguese : English;

    public string Title(InvoiceKind kind) => kind == InvoiceKind.CreditNote ? CreditNote : Invoice;

    public string Date(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    public string Page(int page, int pages) => string.Format(CultureInfo.InvariantCulture, PageOf, page, pages);

    /// <summary>An amount with its currency: "R$ 1.234,56" for reais in Portuguese, else the ISO code before the number
    /// ("USD 1,234.56", "JPY 1,235"), always with the currency's minor units.</summary>
    public string Money(decimal amount, string currency)
    {
        var number = Plain(amount, Currency.MinorUnitsOf(currency));
        var sign = RealSign && currency == "BRL" ? "R$" : currency;
        return amount < 0 ? $"-{sign} {number[1..]}" : $"{sign} {number}";
    }

    /// <summary>A number with group separators and exactly <paramref name="decimals"/> decimals.</summary>
    public string Plain(decimal amount, int decimals) => amount.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), Numbers);

    /// <summary>A unit price: the currency's minor units, or more when the price list has more (0,0125 per screw).</summary>
    public string Price(decimal price, string currency) => Plain(price, Math.Max(Currency.MinorUnitsOf(currency), Scale(price)));

    /// <summary>A quantity with only the decimals it has: 12, 2,5.</summary>
    public string Count(decimal quantity) => Plain(quantity, Scale(quantity));

    /// <summary>Where the table's plain amounts say their currency: "Valores em R$ (BRL)", "Amounts in USD".</summary>
    public string AmountsInLabel(string currency) => RealSign && currency == "BRL" ? $"{AmountsIn} R$ (BRL)" : $"{AmountsIn} {currency}";

    private static int Scale(decimal value)
    {
        var normalized = value / 1.000000000000000000000000000000000m; // drops trailing zeros
        return (decimal.GetBits(normalized)[3] >> 16) & 0xFF;
    }

    private static NumberFormatInfo Separators(string group, string decimalSeparator)
    {
        var format = (NumberFormatInfo)NumberFormatInfo.InvariantInfo.Clone();
        format.NumberGroupSeparator = group;
        format.NumberDecimalSeparator = decimalSeparator;
        format.NegativeSign = "-";
        format.NumberNegativePattern = 1; // -n
        return NumberFormatInfo.ReadOnly(format);
    }
}
