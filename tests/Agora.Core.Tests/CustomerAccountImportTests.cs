using System.Text;
using Agora.Core.Accounts;
using Agora.Core.Imports;

namespace Agora.Core.Tests;

public sealed class CustomerAccountImportTests
{
    private static CustomerAccountImport Import(Given given) => new(given.Stores, given.Accounts, given.Stores, given.Clock);

    private static MemoryStream Csv(string text, Encoding? encoding = null) => new((encoding ?? new UTF8Encoding(false)).GetBytes(text));

    [Fact]
    public async Task Good_rows_are_applied_and_each_bad_row_is_reported_with_line_column_and_reason()
    {
        var given = await new Given().MarketplaceAsync();
        const string file = "comprador;categoria;moeda;prazo;frete;limiteCredito\n" +
                            "buyer;distributor;BRL;30/60/90;CIF;\"10.000,50\"\n" +
                            "elsewhere;\"multi\nline\";BRL;30;FOB;-5\n" +
                            "nobody;distributor;BRL;30;FOB;100\n" +
                            "elsewhere;retail;BRL;thirty;XXX;100\n";

        var report = await Import(given).RunAsync("supplier", "accounts.csv", "v1", Csv(file), default);

        Assert.Equal(ImportStatus.Completed, report.Status);
        Assert.Equal((4L, 1L, 3L), (report.RowsRead, report.Applied, report.Rejected));
        Assert.Contains(report.Errors, e => e is { Line: 3, Column: "categoria" });
        Assert.Contains(report.Errors, e => e is { Line: 5, Column: "comprador" } && e.Reason.Contains("not a buyer", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e is { Line: 6, Column: "prazo" });
        var account = await given.Accounts.GetAsync(Given.SupplierAdmin, "supplier", "buyer", default);
        Assert.Equal(10000.50m, account.Value.CreditLimit);
        Assert.Same(report, Assert.Single(given.Stores.Reports));
    }

    [Fact]
    public async Task The_same_file_applied_twice_writes_nothing_the_second_time()
    {
        var given = await new Given().MarketplaceAsync();
        const string file = "buyerId,category,paymentTerms,incoterm,creditLimit\nbuyer,distributor,30,FOB,1000.00\n";
        await Import(given).RunAsync("supplier", "a.csv", "v1", Csv(file), default);
        var writes = given.Stores.Writes;

        var again = await Import(given).RunAsync("supplier", "a.csv", "v2", Csv(file), default);

        Assert.Equal((1L, 0L, 1L), (again.RowsRead, again.Applied, again.Unchanged));
        Assert.Equal(writes, given.Stores.Writes);
    }

    [Fact]
    public async Task A_file_without_a_required_column_fails_and_names_the_column()
    {
        var given = await new Given().MarketplaceAsync();

        var report = await Import(given).RunAsync("supplier", "a.csv", "v1", Csv("buyerId,category\nbuyer,x\n"), default);

        Assert.Equal(ImportStatus.Failed, report.Status);
        Assert.Equal(["creditLimit", "incoterm", "paymentTermsDays"], report.Errors.Select(e => e.Column).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_file_for_an_organization_that_is_not_a_supplier_fails()
    {
        var given = await new Given().MarketplaceAsync();

        var report = await Import(given).RunAsync("buyer", "a.csv", "v1", Csv("buyerId\nx\n"), default);

        Assert.Equal(ImportStatus.Failed, report.Status);
        Assert.Equal(0, report.RowsRead);
    }
}
