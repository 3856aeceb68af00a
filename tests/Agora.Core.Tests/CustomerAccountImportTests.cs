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

    [Fact]
    public async Task A_sales_managers_file_changes_only_their_portfolio_and_each_other_row_is_rejected_with_the_reason()
    {
        var given = await new Given().MarketplaceAsync();
        await given.Organizations.CreateAsync(Given.BuyerAdmin, new Agora.Core.Accounts.CreateOrganization("buyer2", "Buyer Dois SA", null, "BR", "BRL", [Agora.Core.Accounts.Capability.Buyer]), default);
        await given.Organizations.CreateAsync(Given.BuyerAdmin, new Agora.Core.Accounts.CreateOrganization("buyer3", "Buyer Tres SA", null, "BR", "BRL", [Agora.Core.Accounts.Capability.Buyer]), default);
        await given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", Given.Account("buyer", salesManager: Given.OtherSales.UserId), default);
        await given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", Given.Account("buyer2", salesManager: Given.SalesManager.UserId), default);
        const string file = "comprador;categoria;prazo;frete;limite;vendedor\n" +
                            "buyer;distributor;30;CIF;999999;\n" +              // Olga's account
                            "buyer2;distributor;30;CIF;70000;\n" +              // Sam's own: applied, stays his
                            "buyer3;retail;30;FOB;100;sup-sales2\n" +           // a new account handed to Olga
                            "elsewhere;retail;30;FOB;100;\n";                   // a new account: Sam's

        var job = await given.ImportAsync("supplier", ImportKind.Customers, "carteira.csv", Csv(file), uploadedBy: Given.SalesManager.UserId);

        Assert.Equal(ImportStatus.Completed, job.Status);
        Assert.Equal((4L, 2L, 2L), (job.RowsRead, job.Applied, job.Rejected));
        Assert.Contains(job.Errors, e => e.Line == 2 && e.Reason.Contains("assigned to 'sup-sales2'", StringComparison.Ordinal));
        Assert.Contains(job.Errors, e => e.Line == 4 && e.Reason.Contains("Only a supplier admin", StringComparison.Ordinal));
        Assert.Equal(50_000m, (await given.Accounts.GetAsync(Given.SupplierAdmin, "supplier", "buyer", default)).Value.CreditLimit);
        var own = (await given.Accounts.GetAsync(Given.SupplierAdmin, "supplier", "buyer2", default)).Value;
        Assert.Equal((70_000m, Given.SalesManager.UserId), (own.CreditLimit, own.SalesManagerId));
        Assert.Equal(Given.SalesManager.UserId, (await given.Accounts.GetAsync(Given.SupplierAdmin, "supplier", "elsewhere", default)).Value.SalesManagerId);
        Assert.Null(await given.Stores.FindAsync("supplier", "buyer3", default));
    }

    [Fact]
    public async Task A_file_uploaded_by_someone_who_lost_the_role_fails_and_an_admins_file_changes_any_account()
    {
        var given = await new Given().MarketplaceAsync();
        await given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", Given.Account("buyer", salesManager: Given.OtherSales.UserId), default);
        var file = Csv("buyerId,category,paymentTerms,incoterm,creditLimit,salesManagerId\nbuyer,distributor,30,FOB,1.00,sup-sales\n");

        var pricing = await given.ImportAsync("supplier", ImportKind.Customers, "a.csv", file, uploadedBy: Given.Pricing.UserId);
        var admin = await given.ImportAsync("supplier", ImportKind.Customers, "a.csv", file, uploadedBy: Given.SupplierAdmin.UserId);

        Assert.Equal(ImportStatus.Failed, pricing.Status);
        Assert.Contains("'sup-pricing', who may not import customers files", pricing.Failure, StringComparison.Ordinal);
        Assert.Equal((1L, 0L), (admin.Applied, admin.Rejected));
        Assert.Equal(Given.SalesManager.UserId, (await given.Accounts.GetAsync(Given.SupplierAdmin, "supplier", "buyer", default)).Value.SalesManagerId);
    }
}
