namespace Agora.Core.Accounts;

/// <summary>What a person may do in one organization. Supplier-side and buyer-side roles are distinct, so a company that
/// both sells and buys can give one person rights on one side only.</summary>
public enum Role
{
    /// <summary>Manages the supplier organization, its staff and every customer account.</summary>
    SupplierAdmin,

    /// <summary>Manages the customer accounts assigned to them.</summary>
    SalesManager,

    /// <summary>Manages price lists and promotions; reads customer accounts.</summary>
    PricingManager,

    /// <summary>Manages stock and shipments; reads customer accounts (delivery terms).</summary>
    Warehouse,

    /// <summary>Manages the buyer organization and its staff.</summary>
    BuyerAdmin,

    /// <summary>Places orders for the buyer.</summary>
    Purchaser,

    /// <summary>Approves orders above the buyer's thresholds.</summary>
    Approver,

    /// <summary>Reads the buyer's orders and accounts.</summary>
    Viewer,

    /// <summary>Supplier staff who record payments and read customer statements and invoices; the role an ERP's service
    /// principal is given to post payments (decision 0018c).</summary>
    Finance,
}

/// <summary>Which side of the market an organization acts on.</summary>
public enum Capability
{
    Supplier,
    Buyer,
}

public static class Roles
{
    public static readonly IReadOnlyList<Role> SupplierStaff = [Role.SupplierAdmin, Role.SalesManager, Role.PricingManager, Role.Warehouse, Role.Finance];

    /// <summary>Who changes a supplier's prices and pricing rules.</summary>
    public static readonly IReadOnlyList<Role> PricingManagers = [Role.SupplierAdmin, Role.PricingManager];

    public static readonly IReadOnlyList<Role> BuyerStaff = [Role.BuyerAdmin, Role.Purchaser, Role.Approver, Role.Viewer];

    public static Capability SideOf(Role role) => SupplierStaff.Contains(role) ? Capability.Supplier : Capability.Buyer;

    public static Role AdminOf(Capability side) => side == Capability.Supplier ? Role.SupplierAdmin : Role.BuyerAdmin;
}
