using System.Text;
using Agora.Core.Accounts;
using Agora.Core.Imports;

namespace Agora.Core.Tests;

public sealed class CustomerAccountImportTests
{
    private static byte[] Csv(string text) => new UTF8Encoding(false).GetBytes(text);

    [Fact]
    public async Task Good_rows_are_applied_and_each_bad_row_is_reported_with_line_column_and_reason()
    {
        var given = await new Given().MarketplaceAsync();
        const string file = "comprador;categoria;moeda;prazo;frete;limiteCredito\n" +
                            "buyer;distributor;BRL;30/60/90;CIF;\"10.000,50\"\n" +
                            "elsewhere;\"multi\nline\";BRL;30;FOB;-5\n" +
                            "nobody;distributor;BRL;30;FOB;100\n" +
                            "elsewhere;retail;BRL;thirty;XXX;100\n";

        var job = await given.ImportAsync("supplier", ImportKind.Customers, "accounts.csv", Csv(file));

        Assert.Equal(ImportStatus.Completed, job.Status);
        Assert.Equal((4L, 1L, 3L), (job.RowsRead, job.Applied, job.Rejected));
        Assert.Contains(job.Errors, e => e is { Line: 3, Column: "categoria" });
        Assert.Contains(job.Errors, e => e is { Line: 5, Column: "comprador" } && e.Reason.Contains("not a buyer", StringComparison.Ordinal));
        Assert.Contains(job.Errors, e => e is { Line: 6, Column: "prazo" });
        var account = await given.Accounts.GetAsync(Given.SupplierAdmin, "supplier", "buyer", default);
        Assert.Equal(10000.50m, account.Value.CreditLimit);
        Assert.Equal(job, Assert.Single(given.Stores.Reports));
    }

    [Fact]
    public async Task The_same_content_dropped_again_writes_nothing_and_the_same_version_is_imported_once()
    {
        var given = await new Given().MarketplaceAsync();
        var file = Csv("buyerId,category,paymentTerms,incoterm,creditLimit\nbuyer,distributor,30,FOB,1000.00\n");
        var first = await given.ImportAsync("supplier", ImportKind.Customers, "a.csv", file);
        var writes = given.Stores.Writes;

        var again = await given.ImportAsync("supplier", ImportKind.Customers, "a.csv", file);
        var sameVersion = await given.Imports.RunAsync("supplier", "customers", "a.csv", again.Version, given.Clock.GetUtcNow(), default);

        Assert.Equal((1L, 0L, 1L), (again.RowsRead, again.Applied, again.Unchanged));
        Assert.Equal(writes, given.Stores.Writes);
        Assert.Equal(again, sameVersion);
        Assert.NotEqual(first.Id, again.Id);
    }

    [Fact]
    public async Task A_file_without_a_required_column_fails_and_names_the_columns()
    {
        var given = await new Given().MarketplaceAsync();

        var job = await given.ImportAsync("supplier", ImportKind.Customers, "a.csv", Csv("buyerId,category\nbuyer,x\n"));

        Assert.Equal(ImportStatus.Failed, job.Status);
        Assert.Contains("'creditLimit'", job.Failure, StringComparison.Ordinal);
        Assert.Contains("'incoterm'", job.Failure, StringComparison.Ordinal);
        Assert.Contains("'paymentTermsDays'", job.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_for_an_organization_that_is_not_a_supplier_fails()
    {
        var given = await new Given().MarketplaceAsync();

        var job = await given.ImportAsync("buyer", ImportKind.Customers, "a.csv", Csv("buyerId\nx\n"));

        Assert.Equal(ImportStatus.Failed, job.Status);
        Assert.Equal(0, job.RowsRead);
    }
}
