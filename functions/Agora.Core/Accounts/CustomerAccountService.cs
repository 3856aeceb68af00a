using Agora.Core.Common;

namespace Agora.Core.Accounts;

/// <summary>Customer accounts: the terms between a supplier and a buyer. Supplier admins manage every account, sales
/// managers the accounts assigned to them; all supplier staff read them; the buyer's members read their own.</summary>
public sealed class CustomerAccountService(IOrganizationStore organizations, ICustomerAccountStore accounts, AccessControl access, TimeProvider clock)
{
    public const int MaxPageSize = 100;

    private static readonly Role[] Managers = [Role.SupplierAdmin, Role.SalesManager];

    public async Task<Versioned<CustomerAccount>> CreateAsync(Caller caller, string supplierId, CustomerAccountInput input, CancellationToken cancellationToken)
    {
        var you = (await access.MemberAsync(caller, supplierId, cancellationToken).ConfigureAwait(false))
            .Require("open customer accounts", Managers);
        RequireSupplier(you.Org);

        // Every authorization is decided before the buyer is looked up, so a caller who may not open this account learns
        // nothing of the organization it names. A sales manager opens accounts in their own portfolio unless they name
        // someone else.
        var salesManager = input.SalesManagerId ?? (you.Has(Role.SupplierAdmin) ? null : caller.UserId);
        if (!you.Has(Role.SupplierAdmin) && salesManager != caller.UserId)
        {
            throw DomainException.Forbidden("A sales manager opens accounts assigned to themselves; ask a supplier admin to assign another sales manager.");
        }

        // A missing organization and one that does not buy get the same answer.
        var buyerId = input.BuyerId?.Trim().ToLowerInvariant();
        var buyer = Ids.IsWellFormed(buyerId) ? await organizations.FindAsync(buyerId!, cancellationToken).ConfigureAwait(false) : null;
        var v = new Validation();
        if (buyerId is null)
        {
            v.Add("buyerId", "is required.");
        }
        else if (buyer is null || !buyer.Value.IsBuyer)
        {
            v.Add("buyerId", $"'{buyerId}' is not a buyer organization on Agora.");
        }
        else if (buyerId == supplierId)
        {
            v.Add("buyerId", "an organization cannot be its own customer.");
        }

        var account = Validate(v, you.Org, input with { SalesManagerId = salesManager }, buyerId ?? string.Empty, buyer?.Value.Name ?? string.Empty, existing: null);
        return await accounts.CreateAsync(account, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Versioned<CustomerAccount>> UpdateAsync(Caller caller, string supplierId, string buyerId, CustomerAccountInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        var you = (await access.MemberAsync(caller, supplierId, cancellationToken).ConfigureAwait(false))
            .Require("change customer accounts", Managers);
        var existing = await accounts.FindAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false)
            ?? throw DomainException.NotFound("Customer account", buyerId);
        RequirePortfolio(you, existing.Value, caller);
        if (ifMatch is null)
        {
            throw DomainException.PreconditionRequired();
        }

        var v = new Validation();
        v.Check(input.BuyerId is null || string.Equals(input.BuyerId.Trim(), buyerId, StringComparison.OrdinalIgnoreCase), "buyerId", "cannot change; open an account for the other buyer instead.");
        var changed = Validate(v, you.Org, input, buyerId, existing.Value.BuyerName, existing.Value);
        if (!you.Has(Role.SupplierAdmin) && changed.SalesManagerId != caller.UserId)
        {
            throw DomainException.Forbidden("Only a supplier admin hands an account to another sales manager.");
        }

        return await accounts.ReplaceAsync(changed, ifMatch, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Versioned<CustomerAccount>> GetAsync(Caller caller, string supplierId, string buyerId, CancellationToken cancellationToken)
    {
        _ = (await access.MemberAsync(caller, supplierId, cancellationToken).ConfigureAwait(false)).Require("read customer accounts", Roles.SupplierStaff);
        return await accounts.FindAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false)
            ?? throw DomainException.NotFound("Customer account", buyerId);
    }

    public async Task<Page<CustomerAccount>> ListAsync(Caller caller, string supplierId, string? category, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        _ = (await access.MemberAsync(caller, supplierId, cancellationToken).ConfigureAwait(false)).Require("read customer accounts", Roles.SupplierStaff);
        return await accounts.ListBySupplierAsync(supplierId, category, Cursor.Decode(cursor, "cursor"), PageSize(limit), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The buyer's view: its account at <paramref name="supplierId"/>.</summary>
    public async Task<Versioned<CustomerAccount>> GetAsBuyerAsync(Caller caller, string buyerId, string supplierId, CancellationToken cancellationToken)
    {
        _ = (await access.MemberAsync(caller, buyerId, cancellationToken).ConfigureAwait(false)).Require("read the organization's supplier accounts", Roles.BuyerStaff);
        return Ids.IsWellFormed(supplierId) ? await accounts.FindAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false)
            ?? throw DomainException.NotFound("Supplier account", supplierId) : throw DomainException.NotFound("Supplier account", supplierId);
    }

    public async Task<Page<CustomerAccount>> ListAsBuyerAsync(Caller caller, string buyerId, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        _ = (await access.MemberAsync(caller, buyerId, cancellationToken).ConfigureAwait(false)).Require("read the organization's supplier accounts", Roles.BuyerStaff);
        return await accounts.ListByBuyerAsync(buyerId, Cursor.Decode(cursor, "cursor"), PageSize(limit), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates or replaces an account from a supplier's file, and says whether anything was written. A file dropped
    /// in the supplier's import folder (<paramref name="uploader"/> null) is authorized by its location: only the
    /// supplier's staff or systems can write there. A file uploaded by a member is applied with that member's rights, the
    /// API's: a sales manager opens accounts in their own portfolio (an empty sales-manager cell means themselves) and
    /// changes only the accounts assigned to them, without handing them to someone else.</summary>
    public async Task<bool> ImportAsync(Organization supplier, Member? uploader, CustomerAccountInput input, CancellationToken cancellationToken)
    {
        var v = new Validation();
        var buyerId = v.RequiredText(input.BuyerId, "buyerId", 64)?.ToLowerInvariant();
        var buyer = Ids.IsWellFormed(buyerId) ? await organizations.FindAsync(buyerId!, cancellationToken).ConfigureAwait(false) : null;
        if (buyerId is not null && (buyer is null || !buyer.Value.IsBuyer || buyerId == supplier.Id))
        {
            v.Add("buyerId", $"'{buyerId}' is not a buyer organization on Agora.");
        }

        var existing = buyerId is null ? null : await accounts.FindAsync(supplier.Id, buyerId, cancellationToken).ConfigureAwait(false);
        var portfolioOnly = uploader is not null && !uploader.Has(Role.SupplierAdmin);
        if (portfolioOnly && existing is not null && existing.Value.SalesManagerId != uploader!.UserId)
        {
            throw DomainException.Forbidden($"A sales manager changes only the accounts assigned to them; '{buyerId}' is {(existing.Value.SalesManagerId is { } other ? $"assigned to '{other}'" : "not assigned to you")}.");
        }

        if (portfolioOnly)
        {
            input = input with { SalesManagerId = input.SalesManagerId ?? uploader!.UserId };
        }

        var account = Validate(v, supplier, input, buyerId ?? string.Empty, buyer?.Value.Name ?? string.Empty, existing?.Value);
        if (portfolioOnly && account.SalesManagerId != uploader!.UserId)
        {
            throw DomainException.Forbidden($"Only a supplier admin assigns an account to another sales manager ('{account.SalesManagerId}').");
        }

        if (existing is null)
        {
            await accounts.CreateAsync(account, cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (Same(existing.Value, account))
        {
            return false;
        }

        await accounts.ReplaceAsync(account, existing.ETag, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static bool Same(CustomerAccount stored, CustomerAccount imported) => stored with { UpdatedAt = imported.UpdatedAt } == imported;

    private static void RequireSupplier(Organization org)
    {
        if (!org.IsSupplier)
        {
            throw DomainException.Unprocessable("supplierId", $"Organization '{org.Id}' is not a supplier; add the supplier capability first.");
        }
    }

    private static void RequirePortfolio(OrgAccess you, CustomerAccount account, Caller caller)
    {
        if (!you.Has(Role.SupplierAdmin) && account.SalesManagerId != caller.UserId)
        {
            throw DomainException.Forbidden("A sales manager changes only the accounts assigned to them.");
        }
    }

    private static int PageSize(int? limit) => Paging.Size(limit, 50, MaxPageSize);

    private CustomerAccount Validate(Validation v, Organization supplier, CustomerAccountInput input, string buyerId, string buyerName, CustomerAccount? existing)
    {
        var category = v.RequiredText(input.Category, "category", 64)?.ToLowerInvariant();
        if (category is not null && !Ids.IsWellFormed(category))
        {
            v.Add("category", "must be letters, digits, '-', '_' or '.'.");
        }

        var currency = OrganizationRules.CurrencyCode(v, input.Currency ?? supplier.DefaultCurrency, "currency");
        var days = input.PaymentTermsDays ?? [];
        if (days.Count is 0 or > PaymentTerms.MaxInstallments)
        {
            v.Add("paymentTermsDays", $"must list 1 to {PaymentTerms.MaxInstallments} due days, such as [30] or [30, 60, 90].");
        }
        else if (days.Any(d => d is < 0 or > PaymentTerms.MaxDays) || days.Zip(days.Skip(1)).Any(p => p.First >= p.Second))
        {
            v.Add("paymentTermsDays", $"must be increasing days between 0 and {PaymentTerms.MaxDays}.");
        }

        var incoterm = v.RequiredText(input.Incoterm, "incoterm", 3)?.ToUpperInvariant();
        if (incoterm is not null && !DeliveryTerms.Incoterms.Contains(incoterm))
        {
            v.Add("incoterm", $"must be an Incoterms 2020 rule: {string.Join(", ", DeliveryTerms.Incoterms)}.");
        }

        var place = v.OptionalText(input.DeliveryPlace, "deliveryPlace", 200);
        if (input.CreditLimit is not { } limit)
        {
            v.Add("creditLimit", "is required (0 for prepayment only).");
        }
        else if (limit < 0)
        {
            v.Add("creditLimit", "cannot be negative.");
        }
        else if (currency is not null && Currency.IsKnown(currency) && Currency.Round(limit, currency) != limit)
        {
            v.Add("creditLimit", $"has more decimals than {currency} allows ({Currency.MinorUnitsOf(currency)}).");
        }

        var salesManager = input.SalesManagerId;
        if (salesManager is not null && supplier.MemberOf(salesManager)?.Has(Role.SalesManager) != true)
        {
            v.Add("salesManagerId", $"'{salesManager}' is not a member of organization '{supplier.Id}' with the SalesManager role.");
        }

        var externalCode = v.OptionalText(input.ExternalCode, "externalCode", 64);
        v.ThrowIfInvalid();

        var now = clock.GetUtcNow();
        return new CustomerAccount
        {
            SupplierId = supplier.Id,
            SupplierName = supplier.Name,
            BuyerId = buyerId,
            BuyerName = buyerName,
            ExternalCode = externalCode,
            Category = category!,
            SalesManagerId = salesManager,
            Currency = currency!,
            PaymentTerms = new PaymentTerms(days.ToArray()),
            DeliveryTerms = new DeliveryTerms(incoterm!, place),
            CreditLimit = input.CreditLimit!.Value,
            Status = input.Status ?? existing?.Status ?? AccountStatus.Active,
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
        };
    }
}
