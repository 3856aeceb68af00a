using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Pricing;

namespace Agora.Benchmarks;

/// <summary>The ports <see cref="PricingService.QuoteAsync"/> reads, in memory over <see cref="QuoteData"/>, returning what
/// the Cosmos adapters return: the rules whose audiences include one asked for (with the settings), ordered by id; the
/// price entries of the lists asked for and the SKUs asked for; the products that exist among the SKUs. Every call
/// completes synchronously: database latency is not in the figures.</summary>
internal sealed class QuoteStores : IPricingStore, IProductStore, ICustomerAccountStore, IAssortmentStore, IOrganizationStore, IPriceListPurgeQueue
{
    /// <summary>Not on a quote's path: only deleting a price list queues a purge.</summary>
    public Task SendAsync(PriceListPurge purge, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The quote benchmark deletes no price list.");

    public const string PurchaserId = "bench-purchaser";

    private readonly QuoteData data;
    private readonly Dictionary<string, Versioned<Product>> products = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PriceEntry>> entriesBySku = new(StringComparer.Ordinal);
    private readonly Versioned<Organization> buyer;
    private readonly Versioned<CustomerAccount> account;

    public QuoteStores(QuoteData data)
    {
        this.data = data;
        foreach (var p in data.Products)
        {
            products[p.Sku] = new Versioned<Product>(p, "\"1\"");
        }

        foreach (var e in data.Entries)
        {
            if (!entriesBySku.TryGetValue(e.Sku, out var list))
            {
                entriesBySku[e.Sku] = list = [];
            }

            list.Add(e);
        }

        buyer = new Versioned<Organization>(new Organization
        {
            Id = QuoteData.BuyerId,
            Name = "Construtora Bench",
            Country = "BR",
            DefaultCurrency = "BRL",
            Capabilities = [Capability.Buyer],
            Members = [new Member(PurchaserId, "compras@example.com", "Compras", [Role.BuyerAdmin, Role.Purchaser], QuoteData.Now)],
            CreatedAt = QuoteData.Now,
            UpdatedAt = QuoteData.Now,
        }, "\"1\"");
        account = new Versioned<CustomerAccount>(new CustomerAccount
        {
            SupplierId = QuoteData.SupplierId,
            BuyerId = QuoteData.BuyerId,
            BuyerName = "Construtora Bench",
            SupplierName = "Distribuidora Bench",
            Category = QuoteData.CustomerCategory,
            Currency = "BRL",
            PaymentTerms = new PaymentTerms([30, 60, 90]),
            DeliveryTerms = new DeliveryTerms("CIF", null),
            CreditLimit = 5_000_000,
            Status = AccountStatus.Active,
            CreatedAt = QuoteData.Now,
            UpdatedAt = QuoteData.Now,
        }, "\"1\"");
    }

    /// <summary>The customer category's assortment hides two brands: their lines come back unavailable.</summary>
    public Assortment Assortment { get; } = new(AssortmentRule.Open, new AssortmentRule(ProductSet.None, new ProductSet([], ["marca-13", "marca-77"], [])));

    /// <summary>Calls made to the stores (one Cosmos request each in production, more if a query returns several pages).</summary>
    public int Calls { get; private set; }

    /// <summary>Time spent in the stores' own lookups (<see cref="System.Diagnostics.Stopwatch"/> ticks): what stands in
    /// for the database's work, not the quote's.</summary>
    public long Ticks { get; set; }

    // IPricingStore: as CosmosPricingStore, one query by audience tags; rules ordered by id.
    public Task<PricingRules> LoadAsync(string supplierId, IReadOnlyList<Audience> audiences, CancellationToken cancellationToken)
    {
        Calls++;
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var tags = audiences.Select(a => a.Tag).ToHashSet(StringComparer.Ordinal);
        var rules = data.Rules.Where(r => r.Audiences.Any(a => tags.Contains(a.Tag))).OrderBy(r => r.Id, StringComparer.Ordinal).ToArray();
        Ticks += System.Diagnostics.Stopwatch.GetTimestamp() - start;
        return Task.FromResult(new PricingRules(data.Settings, rules));
    }

    public Task<IReadOnlyDictionary<string, int>> PromotionUsesAsync(string supplierId, string buyerId, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>(data.PromotionUses, StringComparer.Ordinal));
    }

    public Task<IReadOnlyList<PriceEntry>> EntriesAsync(string supplierId, IReadOnlyCollection<string> listIds, IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        Calls++;
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var lists = listIds.ToHashSet(StringComparer.Ordinal);
        var found = new List<PriceEntry>();
        foreach (var sku in skus)
        {
            foreach (var e in entriesBySku.GetValueOrDefault(sku) ?? [])
            {
                if (lists.Contains(e.PriceListId))
                {
                    found.Add(e);
                }
            }
        }

        Ticks += System.Diagnostics.Stopwatch.GetTimestamp() - start;
        return Task.FromResult<IReadOnlyList<PriceEntry>>(found);
    }

    /// <summary>Every entry of <paramref name="skus"/> in any list (for the "every list" variant).</summary>
    public IReadOnlyList<PriceEntry> AllEntriesOf(IEnumerable<string> skus) => skus.SelectMany(s => entriesBySku.GetValueOrDefault(s) ?? []).ToArray();

    public Task<IReadOnlyList<PricingRule>> ListAsync(string supplierId, PricingRuleKind kind, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Versioned<PricingRule>?> FindAsync(string supplierId, PricingRuleKind kind, string id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Versioned<PricingRule>> SaveAsync(string supplierId, PricingRule rule, string? ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> DeleteAsync(string supplierId, PricingRuleKind kind, string id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Versioned<PricingSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Versioned<PricingSettings>> SaveSettingsAsync(string supplierId, PricingSettings settings, string? ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();

    // IProductStore: the products that exist among the SKUs, one query.
    public Task<IReadOnlyList<Versioned<Product>>> FindManyAsync(string supplierId, IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        Calls++;
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var found = new List<Versioned<Product>>(skus.Count);
        foreach (var sku in skus)
        {
            if (products.TryGetValue(sku, out var p))
            {
                found.Add(p);
            }
        }

        Ticks += System.Diagnostics.Stopwatch.GetTimestamp() - start;
        return Task.FromResult<IReadOnlyList<Versioned<Product>>>(found);
    }

    public Task<Versioned<Product>?> FindAsync(string supplierId, string sku, CancellationToken cancellationToken) => Task.FromResult(products.GetValueOrDefault(sku));

    public Task<Versioned<Product>> CreateAsync(Product product, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Versioned<Product>> ReplaceAsync(Product product, string ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Page<Product>> ListAsync(string supplierId, ProductQuery query, Assortment? assortment, string? after, int limit, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<IReadOnlySet<string>> AllowedAsync(string supplierId, IReadOnlyCollection<string> skus, Assortment assortment, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    // ICustomerAccountStore
    Task<Versioned<CustomerAccount>?> ICustomerAccountStore.FindAsync(string supplierId, string buyerId, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(supplierId == QuoteData.SupplierId && buyerId == QuoteData.BuyerId ? account : null);
    }

    public Task<Versioned<CustomerAccount>> CreateAsync(CustomerAccount account, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Versioned<CustomerAccount>> ReplaceAsync(CustomerAccount account, string? ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Page<CustomerAccount>> ListBySupplierAsync(string supplierId, string? category, string? afterBuyerId, int limit, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<Page<CustomerAccount>> ListByBuyerAsync(string buyerId, string? afterSupplierId, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

    // IAssortmentStore
    Task<Assortment> IAssortmentStore.FindAsync(string supplierId, string category, string buyerId, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(Assortment);
    }

    public Task<Versioned<AssortmentRule>?> FindRuleAsync(string supplierId, AssortmentScope scope, string key, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Versioned<AssortmentRule>> SaveRuleAsync(string supplierId, AssortmentScope scope, string key, AssortmentRule rule, string? ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();

    // IOrganizationStore: the buyer, with the purchaser who asks for the quote.
    public Task<Versioned<Organization>?> FindAsync(string orgId, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(orgId == QuoteData.BuyerId ? buyer : null);
    }

    public Task<Versioned<Organization>> CreateAsync(Organization organization, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Versioned<Organization>> ReplaceAsync(Organization organization, string ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();
}

/// <summary>A clock stopped at <see cref="QuoteData.Now"/>, so windows and quotes are the same on every run.</summary>
internal sealed class FixedClock : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => QuoteData.Now;
}
