using System.Globalization;
using System.Text;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Products in their supplier's partition of <c>catalog</c>, id <c>product:{sku}</c>, listed in name order
/// (sortKey = folded name + SKU). Filters and assortments become one single-partition query, so a page costs one request
/// whatever its size.</summary>
public sealed class CosmosProductStore(CosmosContainers cosmos) : IProductStore
{
    public const string Type = "product";

    public static string IdOf(string sku) => $"product:{sku}";

    public async Task<Versioned<Product>?> FindAsync(string supplierId, string sku, CancellationToken cancellationToken)
    {
        var document = await CosmosContainers.ReadAsync<Product>(cosmos.Get(Containers.Catalog), IdOf(sku), supplierId, cancellationToken).ConfigureAwait(false);
        return document is null ? null : new Versioned<Product>(document.Data, document.ETag!);
    }

    public async Task<IReadOnlyList<Versioned<Product>>> FindManyAsync(string supplierId, IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        if (skus.Count == 0)
        {
            return [];
        }

        var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND ARRAY_CONTAINS(@ids, c.id)")
            .WithParameter("@type", Type)
            .WithParameter("@ids", skus.Select(IdOf).ToArray());
        var found = await CosmosContainers.QueryAsync<Product>(cosmos.Get(Containers.Catalog), supplierId, query, cancellationToken).ConfigureAwait(false);
        return found.Select(d => new Versioned<Product>(d.Data, d.ETag!)).ToArray();
    }

    public async Task<IReadOnlySet<string>> AllowedAsync(string supplierId, IReadOnlyCollection<string> skus, Assortment assortment, CancellationToken cancellationToken)
    {
        if (skus.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var parameters = new Dictionary<string, object>();
        string Param(object value) => Parameter(parameters, value);
        var text = $"SELECT c.data.sku FROM c WHERE c.pk = @pk AND c.type = @type AND ARRAY_CONTAINS(@ids, c.id) AND c.data.status = {Param(Json(ProductStatus.Active))} AND {AssortmentSql(assortment, Param)}";
        var query = new QueryDefinition(text).WithParameter("@type", Type).WithParameter("@ids", skus.Select(IdOf).ToArray());
        foreach (var (name, value) in parameters)
        {
            query = query.WithParameter(name, value);
        }

        var found = await CosmosContainers.QueryItemsAsync<SkuOnly>(cosmos.Get(Containers.Catalog), supplierId, query, cancellationToken).ConfigureAwait(false);
        return found.Select(f => f.Sku).ToHashSet(StringComparer.Ordinal);
    }

    private sealed record SkuOnly(string Sku);

    /// <summary>Adds <paramref name="value"/> as the next <c>@pN</c> parameter and returns its name.</summary>
    private static string Parameter(Dictionary<string, object> parameters, object value)
    {
        var name = "@p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
        parameters[name] = value;
        return name;
    }

    public async Task<Versioned<Product>> CreateAsync(Product product, CancellationToken cancellationToken)
    {
        var etag = await CosmosContainers.CreateAsync(cosmos.Get(Containers.Catalog), ToDocument(product), $"SKU '{product.Sku}' exists.", cancellationToken).ConfigureAwait(false);
        return new Versioned<Product>(product, etag);
    }

    public async Task<Versioned<Product>> ReplaceAsync(Product product, string ifMatch, CancellationToken cancellationToken)
    {
        var etag = await CosmosContainers.ReplaceAsync(cosmos.Get(Containers.Catalog), ToDocument(product), ifMatch, "Product", cancellationToken).ConfigureAwait(false);
        return new Versioned<Product>(product, etag);
    }

    public Task<Page<Product>> ListAsync(string supplierId, ProductQuery query, Assortment? assortment, string? after, int limit, CancellationToken cancellationToken)
    {
        var filter = new StringBuilder();
        var parameters = new Dictionary<string, object>();
        void And(string clause) => filter.Append(filter.Length == 0 ? string.Empty : " AND ").Append(clause);
        string Param(object value) => Parameter(parameters, value);

        if (query.Status is { } status)
        {
            And($"c.data.status = {Param(Json(status))}");
        }

        foreach (var term in query.Terms)
        {
            And($"CONTAINS(c.index.searchText, {Param(term)})");
        }

        if (query.CategoryKey is { Length: > 0 } category)
        {
            And($"ARRAY_CONTAINS(c.index.categoryKeys, {Param(category)})");
        }

        if (query.BrandKey is { Length: > 0 } brand)
        {
            And($"c.index.brandKey = {Param(brand)}");
        }

        if (query.InStockOnly)
        {
            // Holds move the index by increments of doubles (CosmosStockHolds), so "nothing left" may be stored as 5E-17:
            // anything below half the smallest quantity step is nothing.
            And($"c.index.available > {Quantities.Tolerance.ToString(CultureInfo.InvariantCulture)}");
        }

        if (assortment is not null)
        {
            And($"c.data.status = {Param(Json(ProductStatus.Active))}");
            And(AssortmentSql(assortment, Param));
        }

        return CosmosContainers.PageAsync<Product>(cosmos.Get(Containers.Catalog), supplierId, Type, after, limit, filter.Length == 0 ? null : filter.ToString(), parameters, cancellationToken);
    }

    /// <summary>The decision of <see cref="Assortment.Allows"/> as a SQL condition: visible when the first matching step
    /// says visible, or when no step matches and the assortment is open. Each step's condition is an OR of atoms, and
    /// "no earlier step matched" is written as ANDed NOTs (De Morgan), keeping parentheses one level deep: the emulator's
    /// parser slows down sharply with nesting, and Azure does not mind.</summary>
    internal static string AssortmentSql(Assortment assortment, Func<object, string> param)
    {
        var visible = new List<string>();
        var earlier = new List<string>();
        foreach (var step in assortment.Steps)
        {
            var atoms = step.BySku ? SkuAtoms(step.Set, param) : GroupAtoms(step.Set, param);
            if (atoms.Count == 0)
            {
                continue;
            }

            if (step.Visible)
            {
                var matches = atoms.Count == 1 ? atoms[0] : $"({string.Join(" OR ", atoms)})";
                visible.Add(string.Join(" AND ", earlier.Prepend(matches)));
            }

            earlier.AddRange(atoms.Select(a => "NOT " + a));
        }

        if (assortment.Default)
        {
            visible.Add(earlier.Count == 0 ? "true" : string.Join(" AND ", earlier));
        }

        return visible.Count == 0 ? "false" : $"({string.Join(" OR ", visible)})";
    }

    private static List<string> SkuAtoms(ProductSet set, Func<object, string> param) =>
        set.Skus.Count == 0 ? [] : [$"ARRAY_CONTAINS({param(set.Skus.ToArray())}, c.data.sku)"];

    private static List<string> GroupAtoms(ProductSet set, Func<object, string> param)
    {
        var atoms = new List<string>();
        if (set.Brands.Count > 0)
        {
            atoms.Add($"ARRAY_CONTAINS({param(set.Brands.ToArray())}, c.index.brandKey)");
        }

        atoms.AddRange(set.Categories.Select(category => $"ARRAY_CONTAINS(c.index.categoryKeys, {param(category)})"));
        return atoms;
    }

    private static string Json<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, Core.Common.Json.Options).Trim('"');

    private static Document<Product> ToDocument(Product product) => new()
    {
        Id = IdOf(product.Sku),
        Pk = product.SupplierId,
        Type = Type,
        SortKey = $"{Text.Fold(product.Name)}\u001f{product.Sku}",
        Data = product,
        Index = new Dictionary<string, object?>
        {
            ["searchText"] = product.SearchText,
            ["categoryKeys"] = product.CategoryKeys,
            ["brandKey"] = product.BrandKey,
            ["available"] = product.Available,
            ["contentHash"] = product.ContentHash,
            ["idleSince"] = product.IdleSince?.ToUnixTimeSeconds(), // the nightly clearance analysis (CosmosClearanceStore)
        },
    };
}
