using Agora.Core.Common;
using Agora.Core.Imports;

namespace Agora.Core.Accounts;

/// <summary>Customer-account files (<c>imports/{supplierId}/customers/</c>): each row creates or updates one account with
/// the same rules as the API; rows that change nothing cause no write.</summary>
public sealed class CustomerAccountImport(CustomerAccountService accounts) : ImportHandler
{
    public override ImportKind Kind => ImportKind.Customers;

    public override IReadOnlyList<Column> Columns { get; } =
    [
        new("buyerId", true, "buyerId", "buyer", "comprador", "cliente"),
        new("category", true, "category", "categoria"),
        new("currency", false, "currency", "moeda"),
        new("paymentTermsDays", true, "paymentTerms", "paymentTermsDays", "prazo", "condicaoPagamento"),
        new("incoterm", true, "incoterm", "frete"),
        new("deliveryPlace", false, "deliveryPlace", "localEntrega"),
        new("creditLimit", true, "creditLimit", "limiteCredito", "limite"),
        new("salesManagerId", false, "salesManagerId", "salesManager", "vendedor"),
        new("externalCode", false, "externalCode", "codigo", "codigoErp"),
        new("status", false, "status", "situacao"),
    ];

    public override object Parse(ImportRow row) => new CustomerAccountInput(
        row.Text("buyerId"),
        row.Text("category"),
        row.Text("currency"),
        ParseDays(row.Text("paymentTermsDays")),
        row.Text("incoterm"),
        row.Text("deliveryPlace"),
        row.Number("creditLimit"),
        row.Text("salesManagerId"),
        row.Text("externalCode"),
        row.Text("status") is { } status ? (Enum.TryParse<AccountStatus>(status, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : throw DomainException.Invalid("status", "must be active or blocked.")) : null);

    public override async Task<IReadOnlyList<RowOutcome>> ApplyAsync(ImportContext file, IReadOnlyList<object> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(rows);
        // Accounts WritesInFlight at a time (issue 11); two rows of one buyer in file order, the later one last.
        var outcomes = new RowOutcome[rows.Count];
        var byBuyer = Enumerable.Range(0, rows.Count).GroupBy(i => ((CustomerAccountInput)rows[i]).BuyerId?.Trim().ToLowerInvariant() ?? "\0" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
        await file.ForEachAsync(byBuyer, async (rowsOfBuyer, ct) =>
        {
            foreach (var i in rowsOfBuyer)
            {
                try
                {
                    outcomes[i] = await accounts.ImportAsync(file.Supplier, file.Uploader, (CustomerAccountInput)rows[i], ct).ConfigureAwait(false) ? RowOutcome.Applied : RowOutcome.Unchanged;
                }
                catch (DomainException e)
                {
                    outcomes[i] = RowOutcome.Rejected(e);
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>"30/60/90", "30-60-90" or "30 60 90" as due days.</summary>
    private static int[]? ParseDays(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(['/', '-', ' ', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var days = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out days[i]))
            {
                throw DomainException.Invalid("paymentTermsDays", $"'{text}' is not a list of days such as 30/60/90.");
            }
        }

        return days;
    }
}
