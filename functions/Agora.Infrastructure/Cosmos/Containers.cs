namespace Agora.Infrastructure.Cosmos;

/// <summary>The Cosmos DB containers. Every one is partitioned on <c>/pk</c>; what the key holds, and its limit, is in
/// docs/architecture.md. Bicep (infra/) creates them in Azure; <see cref="AgoraResources"/> creates them locally.</summary>
public static class Containers
{
    /// <summary>pk = organization id: the organization (members, invitations, outbox), its customer accounts when it is a
    /// supplier, and the copies of its supplier accounts when it is a buyer; its ordering settings, approval rules and
    /// addresses; the summaries of its orders, quotes, carts, lists and invoices (what listings page), its billing settings, its checkout claims and order
    /// number counters; the results of its campaigns (campaignResults:{campaignId}).</summary>
    public const string Organizations = "organizations";

    /// <summary>pk = supplier id: the supplier's products (with their stock), warehouses, assortment rules, price entries
    /// and latest stock snapshot.</summary>
    public const string Catalog = "catalog";

    /// <summary>pk = user id (the identity provider's subject): the user's profile and memberships copy.</summary>
    public const string Users = "users";

    /// <summary>pk = UTC day (yyyy-MM-dd): what falls due that day, for nightly timers.</summary>
    public const string Due = "due";

    /// <summary>pk = id: stored responses of requests sent with an Idempotency-Key, delivered notifications and the keys a
    /// campaign's results applied, which expire (ttl); and marketing opt-outs, one per email (<c>suppression:{hash}</c>),
    /// which do not. Every item is its own logical partition.</summary>
    public const string Requests = "requests";

    /// <summary>pk = a cart's, negotiated quote's, order's, customer ledger's or invoice's id: the document and its timeline entries. Each sale is a
    /// logical partition of its own, so no supplier's or buyer's volume of sales ever meets the 20 GB partition limit.</summary>
    public const string Sales = "sales";

    public static readonly IReadOnlyList<string> All = [Organizations, Catalog, Users, Due, Requests, Sales];

    public const string PartitionKeyPath = "/pk";
}
