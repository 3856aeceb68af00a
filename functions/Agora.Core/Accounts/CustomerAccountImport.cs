using System.Globalization;
using Agora.Core.Common;
using Agora.Core.Imports;
using Sylvan.Data.Csv;

namespace Agora.Core.Accounts;

/// <summary>Applies a supplier's customer-account file (CSV, ',' or ';' separated, header names in English or
/// Portuguese): each valid row creates or updates one account, each invalid row is reported with its line, column and
/// reason. Rows that change nothing cause no write, so dropping the same file twice changes nothing the second time.</summary>
public sealed class CustomerAccountImport(IOrganizationStore organizations, CustomerAccountService accounts, IImportReportStore reports, TimeProvider clock)
{
    public const string Kind = "customers";

    /// <summary>Accepted header names per field (compared ignoring case, accents are not stripped).</summary>
    private static readonly (string Field, string[] Names)[] Columns =
    [
        ("buyerId", ["buyerId", "buyer", "comprador", "cliente"]),
        ("category", ["category", "categoria"]),
        ("currency", ["currency", "moeda"]),
        ("paymentTermsDays", ["paymentTerms", "paymentTermsDays", "prazo", "condicaoPagamento"]),
        ("incoterm", ["incoterm", "frete"]),
        ("deliveryPlace", ["deliveryPlace", "localEntrega"]),
        ("creditLimit", ["creditLimit", "limiteCredito", "limite"]),
        ("salesManagerId", ["salesManagerId", "salesManager", "vendedor"]),
        ("externalCode", ["externalCode", "codigo", "codigoErp"]),
        ("status", ["status", "situacao"]),
    ];

    private static readonly string[] Required = ["buyerId", "category", "paymentTermsDays", "incoterm", "creditLimit"];

    public async Task<ImportReport> RunAsync(string supplierId, string file, string version, Stream content, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var errors = new List<ImportRowError>();
        long read = 0, applied = 0, unchanged = 0, rejected = 0;

        ImportReport Report(ImportStatus status) =>
            new(supplierId, Kind, file, version, status, read, applied, unchanged, rejected, errors.ToArray(), started, status == ImportStatus.Running ? null : clock.GetUtcNow());

        var supplier = await organizations.FindAsync(supplierId, cancellationToken).ConfigureAwait(false);
        if (supplier is null || !supplier.Value.IsSupplier)
        {
            errors.Add(new ImportRowError(0, null, $"'{supplierId}' is not a supplier organization on Agora."));
            return await SaveAsync(Report(ImportStatus.Failed), cancellationToken).ConfigureAwait(false);
        }

        using var text = new StreamReader(content, detectEncodingFromByteOrderMarks: true);
        await using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true }, cancellationToken).ConfigureAwait(false);
        var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < csv.FieldCount; i++)
        {
            var header = csv.GetName(i).Trim();
            var column = Columns.FirstOrDefault(c => c.Names.Contains(header, StringComparer.OrdinalIgnoreCase));
            if (column.Field is not null)
            {
                ordinals.TryAdd(column.Field, i);
            }
        }

        var missing = Required.Where(f => !ordinals.ContainsKey(f)).ToArray();
        if (missing.Length > 0)
        {
            errors.AddRange(missing.Select(f => new ImportRowError(1, f, $"The header has no '{f}' column (accepted names: {string.Join(", ", Columns.First(c => c.Field == f).Names)}).")));
            return await SaveAsync(Report(ImportStatus.Failed), cancellationToken).ConfigureAwait(false);
        }

        // The physical line a record starts on: the header is line 1, and quoted fields may span lines.
        long line = 1, linesInPreviousRecord = 1;
        while (await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            read++;
            line += linesInPreviousRecord;
            linesInPreviousRecord = 1;
            for (var i = 0; i < csv.RowFieldCount; i++)
            {
                linesInPreviousRecord += csv.GetString(i).AsSpan().Count('\n');
            }

            string? Get(string field) => ordinals.TryGetValue(field, out var i) && i < csv.RowFieldCount && csv.GetString(i) is { Length: > 0 } s ? s.Trim() : null;
            try
            {
                var input = new CustomerAccountInput(
                    Get("buyerId"),
                    Get("category"),
                    Get("currency"),
                    ParseDays(Get("paymentTermsDays")),
                    Get("incoterm"),
                    Get("deliveryPlace"),
                    ParseAmount(Get("creditLimit")),
                    Get("salesManagerId"),
                    Get("externalCode"),
                    Get("status") is { } status ? (Enum.TryParse<AccountStatus>(status, ignoreCase: true, out var s) ? s : throw DomainException.Invalid("status", "must be Active or Blocked.")) : null);
                if (await accounts.ImportAsync(supplier.Value, input, cancellationToken).ConfigureAwait(false))
                {
                    applied++;
                }
                else
                {
                    unchanged++;
                }
            }
            catch (DomainException e)
            {
                rejected++;
                foreach (var (field, reasons) in e.Errors.Count > 0 ? e.Errors : new Dictionary<string, string[]> { [string.Empty] = [e.Message] })
                {
                    if (errors.Count < ImportReport.MaxListedErrors)
                    {
                        errors.Add(new ImportRowError(line, field.Length == 0 ? null : HeaderOf(field, csv, ordinals), string.Join(" ", reasons)));
                    }
                }
            }
        }

        return await SaveAsync(Report(ImportStatus.Completed), cancellationToken).ConfigureAwait(false);
    }

    private static string HeaderOf(string field, CsvDataReader csv, Dictionary<string, int> ordinals) =>
        ordinals.TryGetValue(field, out var i) ? csv.GetName(i) : field;

    private async Task<ImportReport> SaveAsync(ImportReport report, CancellationToken cancellationToken)
    {
        await reports.WriteAsync(report, cancellationToken).ConfigureAwait(false);
        return report;
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
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out days[i]))
            {
                throw DomainException.Invalid("paymentTermsDays", $"'{text}' is not a list of days such as 30/60/90.");
            }
        }

        return days;
    }

    /// <summary>Amounts with a decimal point or a decimal comma ("10000.50", "10000,50", "10.000,50").</summary>
    private static decimal? ParseAmount(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var normalized = text.Replace(" ", string.Empty, StringComparison.Ordinal);
        var lastComma = normalized.LastIndexOf(',');
        var lastDot = normalized.LastIndexOf('.');
        normalized = lastComma > lastDot
            ? normalized.Replace(".", string.Empty, StringComparison.Ordinal).Replace(',', '.')
            : normalized.Replace(",", string.Empty, StringComparison.Ordinal);
        return decimal.TryParse(normalized, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount)
            ? amount
            : throw DomainException.Invalid("creditLimit", $"'{text}' is not an amount such as 10000.00 or 10.000,00.");
    }
}
