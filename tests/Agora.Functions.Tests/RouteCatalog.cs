using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Core.Ordering;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>Every HTTP route with a request that succeeds for its permitted callers, on data made fresh for it: the access
/// matrix calls them as every role, the robustness suite breaks their bodies, queries and route values. The table must name
/// every route of functions.metadata, so a new route cannot ship without its row.</summary>
internal static class RouteCatalog
{
    // The organization under test buys and sells: its admin (every admin role: supplier and buyer), supplier staff without
    // admin rights, and buyer staff without admin rights.
    public const string Admin = "m-admin";
    public const string Sales = "m-sales";
    public const string Pricing = "m-pricing";
    public const string Warehouse = "m-warehouse";
    public const string Purchaser = "m-purchaser";
    public const string Approver = "m-approver";
    public const string Viewer = "m-viewer";
    public const string Finance = "m-finance";

    /// <summary>Everyone the access matrix calls each route as.</summary>
    public static readonly string[] Members = [Admin, Sales, Pricing, Warehouse, Finance, Purchaser, Approver, Viewer];

    /// <summary>Forbidden on the organization's supplier side (what it sells): the buyer staff.</summary>
    public static readonly string[] SupplierOnly = [Purchaser, Approver, Viewer];

    /// <summary>Forbidden on the organization's buyer side (what it buys): the supplier staff.</summary>
    public static readonly string[] BuyerOnly = [Sales, Pricing, Warehouse, Finance];

    /// <summary>Forbidden where only shoppers act (buyer admins and purchasers: SalesAccess.Shoppers).</summary>
    public static readonly string[] ShoppersOnly = [.. BuyerOnly, Approver, Viewer];

    /// <summary>Forbidden to everyone but the admin of the side the route serves.</summary>
    public static readonly string[] AdminOnly = [.. BuyerOnly, .. SupplierOnly];

    /// <summary>OrgScoped: the route reads or changes one organization's data. AcceptInvitation is checked in
    /// InvitationFlowTests instead: by design, whoever holds an invitation may call it without being a member.
    /// Forbidden: which of <see cref="Members"/> get 403; the others get the route's success status.
    /// Case: what a second row of the same function tries (the organization's purchases where the first is its sales).
    /// Arrange: what the row needs beyond <see cref="ArrangeAsync"/> (an import to read, a rule to delete), made for
    /// <see cref="Ids.Caller"/> where the data is per person (a cart, a list).</summary>
    public sealed record Row(string Function, Func<Ids, object?> Body, string[] Forbidden, bool OrgScoped = true)
    {
        public string Query { get; init; } = string.Empty;

        public string? Case { get; init; }

        public Func<BackendFixture, Ids, HttpClient, Task<Ids>>? Arrange { get; init; }

        public string Name => Case is null ? Function : $"{Function} ({Case})";
    }

    /// <summary>The organization under test (supplier and buyer, with staff), a customer of it, and a vendor it buys from.
    /// Caller: whose cart, list or order the arrangement made, where they are per person.</summary>
    public sealed record Ids(string Org, string Customer, string Vendor, string Member, string Invitation)
    {
        public const string Sku = "P-1";
        public const string WarehouseId = "w1";
        public const string RuleId = "r1";

        public string Caller { get; init; } = Admin;

        public string ImportId { get; init; } = "none";

        public string LineId { get; init; } = "none";

        public string ListId { get; init; } = "none";

        public string OrderId { get; init; } = "none";

        public string QuoteId { get; init; } = "none";

        public string CartId { get; init; } = "none";

        public string ShipmentId { get; init; } = "none";

        public string ReturnId { get; init; } = "none";

        /// <summary>A second order, for the rows that combine two.</summary>
        public string OtherOrderId { get; init; } = "none";

        public string InvoiceId { get; init; } = "none";

        public string CampaignId { get; init; } = "none";

        public string ProposalId { get; init; } = "none";

        public string TaskId { get; init; } = "none";

        /// <summary>A time after the backend's clock, for a snooze.</summary>
        public DateTimeOffset Later { get; init; } = DateTimeOffset.UtcNow.AddDays(1);

        public string Fill(string route) => (route.Contains("/suppliers", StringComparison.Ordinal)
            ? route.Replace("{buyerId}", Org, StringComparison.Ordinal).Replace("{supplierId}", Vendor, StringComparison.Ordinal)
            : route.Replace("{orgId}", Org, StringComparison.Ordinal).Replace("{supplierId}", Org, StringComparison.Ordinal)
                .Replace("{buyerId}", Customer, StringComparison.Ordinal).Replace("{userId}", Member, StringComparison.Ordinal)
                .Replace("{invitationId}", Invitation, StringComparison.Ordinal))
            .Replace("{sku}", Sku, StringComparison.Ordinal).Replace("{warehouseId}", WarehouseId, StringComparison.Ordinal)
            .Replace("{category}", "retail", StringComparison.Ordinal)
            .Replace("{importId}", ImportId, StringComparison.Ordinal).Replace("{kind}", "lists", StringComparison.Ordinal)
            .Replace("{ruleId}", RuleId, StringComparison.Ordinal).Replace("{listId}", "base", StringComparison.Ordinal)
            .Replace("{unit}", "UN", StringComparison.Ordinal).Replace("{minQuantity}", "1", StringComparison.Ordinal)
            .Replace("{lineId}", LineId, StringComparison.Ordinal).Replace("{savedListId}", ListId, StringComparison.Ordinal).Replace("{orderId}", OrderId, StringComparison.Ordinal)
            .Replace("{quoteId}", QuoteId, StringComparison.Ordinal).Replace("{cartId}", CartId, StringComparison.Ordinal).Replace("{invoiceId}", InvoiceId, StringComparison.Ordinal).Replace("{addressId}", "hq", StringComparison.Ordinal)
            .Replace("{shipmentId}", ShipmentId, StringComparison.Ordinal).Replace("{returnId}", ReturnId, StringComparison.Ordinal).Replace("{campaignId}", CampaignId, StringComparison.Ordinal)
            .Replace("{proposalId}", ProposalId, StringComparison.Ordinal).Replace("{taskId}", TaskId, StringComparison.Ordinal);
    }

    private const string Purchase = "a purchase of the organization";

    /// <summary>Campaigns are managed by supplier admins and sales managers.</summary>
    private static readonly string[] CampaignForbidden = [Finance, Pricing, Warehouse, .. SupplierOnly];

    public static readonly Row[] Rows =
    [
        new("CreateOrganization", _ => new { name = "X", country = "BR", defaultCurrency = "BRL", capabilities = new[] { "buyer" } }, [], OrgScoped: false),
        new("GetMe", _ => null, [], OrgScoped: false),
        new("GetHealth", _ => null, [], OrgScoped: false),
        new("GetLiveness", _ => null, [], OrgScoped: false),
        new("GetOpenApi", _ => null, [], OrgScoped: false),
        new("GetApiReference", _ => null, [], OrgScoped: false),
        new("GetApiReferenceScript", _ => null, [], OrgScoped: false),

        // Anonymous to the bearer pipeline, authenticated by SendGrid's signature instead: no member's role matters. Who may
        // call it (SendGrid alone: unsigned, forged, stale, a bearer token only) is MarketingSendTests'; its body (SendGrid's
        // schema, not Agora's) is RobustnessTests.The_sendgrid_webhook_takes_sendgrids_schema_and_refuses_what_is_no_batch.
        new("ReceiveSendGridEvents", _ => Array.Empty<object>(), [], OrgScoped: false),
        new("ListPoisonMessages", _ => null, [], OrgScoped: false), // master key, not a member's role: PoisonQueueTests
        new("RedrivePoisonMessages", _ => null, [], OrgScoped: false),
        new("RedrivePoisonMessage", _ => null, [], OrgScoped: false),
        new("GetOrganization", _ => null, []),
        new("UpdateOrganization", _ => new { name = "Renamed", country = "BR", defaultCurrency = "BRL", capabilities = new[] { "supplier", "buyer" } }, AdminOnly),
        new("ListMembers", _ => null, []),
        new("SetMember", _ => new { roles = new[] { "warehouse" } }, AdminOnly),
        new("RemoveMember", _ => null, AdminOnly),
        new("CreateInvitation", _ => new { email = "someone@test.example", roles = new[] { "warehouse" } }, AdminOnly),
        new("ListInvitations", _ => null, AdminOnly),
        new("RevokeInvitation", _ => null, AdminOnly),
        new("AcceptInvitation", _ => new { token = "not-a-token-anyone-was-sent" }, [], OrgScoped: false),
        new("CreateCustomerAccount", ids => new { buyerId = ids.Vendor, category = "retail", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 100 }, [Finance, Pricing, Warehouse, .. SupplierOnly]),
        new("ListCustomerAccounts", _ => null, SupplierOnly),
        new("GetCustomerAccount", _ => null, SupplierOnly),
        new("UpdateCustomerAccount", _ => new { category = "retail", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 100, salesManagerId = Sales }, [Finance, Pricing, Warehouse, .. SupplierOnly]),
        new("ListSupplierAccounts", _ => null, BuyerOnly),
        new("GetSupplierAccount", _ => null, BuyerOnly),
        new("PutProduct", _ => Product("Renamed"), [Finance, Sales, Warehouse, .. SupplierOnly]),
        new("GetProduct", _ => null, SupplierOnly),
        new("ListProducts", _ => null, SupplierOnly),
        new("ListWarehouses", _ => null, SupplierOnly),
        new("PutWarehouse", _ => new { name = "Main" }, [Finance, Sales, Pricing, .. SupplierOnly]),
        new("GetCategoryAssortment", _ => null, SupplierOnly),
        new("PutCategoryAssortment", _ => new { exclude = new { brands = new[] { "acme" } } }, [Finance, Sales, Warehouse, .. SupplierOnly]),
        new("GetCustomerAssortment", _ => null, SupplierOnly),
        new("PutCustomerAssortment", _ => new { include = new { skus = new[] { Ids.Sku } } }, [Finance, Sales, Warehouse, .. SupplierOnly]),
        new("PushStock", _ => new { items = new[] { new { sku = Ids.Sku, warehouseId = Ids.WarehouseId, onHand = 5, asOf = DateTimeOffset.UtcNow.AddSeconds(-1) } } }, [Finance, Sales, Pricing, .. SupplierOnly]),
        new("UploadImport", _ => null, [Finance, Sales, Warehouse, .. SupplierOnly]) { Query = "?kind=prices&file=p.csv" },
        new("GetImport", _ => null, SupplierOnly) { Arrange = ImportAsync },
        new("ListImports", _ => null, SupplierOnly),
        new("Quote", _ => new { lines = new[] { new { sku = Ids.Sku, unit = "UN", quantity = 2 } } }, BuyerOnly),
        new("GetPricingSettings", _ => null, SupplierOnly),
        new("PutPricingSettings", _ => new { resolution = "mostSpecific" }, [Finance, Sales, Warehouse, .. SupplierOnly]),
        new("ListPricingRules", _ => null, SupplierOnly),
        new("GetPricingRule", _ => null, SupplierOnly) { Arrange = PriceListAsync },
        new("PutPriceList", _ => new { name = "VIP", currency = "BRL", audience = "category:retail" }, [Finance, Sales, Warehouse, .. SupplierOnly]),
        new("PutDiscountRule", _ => new { name = "Rate", percent = 5 }, [Finance, Sales, Warehouse, .. SupplierOnly]),
        new("PutVolumeDiscount", _ => new { name = "Big", minOrderValue = 100, percent = 2 }, [Finance, Sales, Warehouse, .. SupplierOnly]),
        new("PutPromotion", _ => new { name = "Promo", reward = new { kind = "percentOff", percent = 5 } }, [Finance, Sales, Warehouse, .. SupplierOnly]),
        new("PutQuantityRule", _ => new { unit = "UN", multiple = 2 }, [Finance, Sales, Warehouse, .. SupplierOnly]),
        new("DeletePricingRule", _ => null, [Finance, Sales, Warehouse, .. SupplierOnly]) { Arrange = PriceListAsync },
        new("ListPrices", _ => null, SupplierOnly),
        new("PutPrice", _ => new { price = 10 }, [Finance, Sales, Warehouse, .. SupplierOnly]),
        new("DeletePrice", _ => null, [Finance, Sales, Warehouse, .. SupplierOnly]) { Arrange = PriceAsync },
        new("BrowseCatalog", _ => null, BuyerOnly),
        new("GetCatalogProduct", _ => null, BuyerOnly),

        // Buying at the vendor. Carts and own lists are per person: the arrangement makes them for the caller.
        new("GetCart", _ => null, ShoppersOnly) { Arrange = SalesAsync },
        new("AddCartLines", _ => new { lines = new[] { new { sku = Ids.Sku, unit = "UN", quantity = 1 } } }, ShoppersOnly) { Arrange = SalesAsync },
        new("ChangeCartLine", _ => new { quantity = 2 }, ShoppersOnly) { Arrange = CartLineAsync },
        new("RemoveCartLine", _ => null, ShoppersOnly) { Arrange = CartLineAsync },
        new("ClearCart", _ => null, ShoppersOnly) { Arrange = CartLineAsync },
        new("SetCartCoupons", _ => new { couponCodes = new[] { "PROMO" } }, ShoppersOnly) { Arrange = SalesAsync },
        new("QuickOrder", _ => null, ShoppersOnly) { Arrange = SalesAsync },
        new("Reorder", ids => new { orderId = ids.OrderId }, ShoppersOnly) { Arrange = PurchaseAsync },
        new("CreateList", _ => new { name = "Weekly", lines = new[] { new { sku = Ids.Sku, unit = "UN", quantity = 3 } } }, ShoppersOnly) { Arrange = SalesAsync },
        new("ListLists", _ => null, BuyerOnly) { Arrange = SalesAsync },
        new("GetList", _ => null, BuyerOnly) { Arrange = ListAsync },
        new("ChangeList", _ => new { name = "Monthly", visibility = "shared" }, ShoppersOnly) { Arrange = SettledListAsync },
        new("DeleteList", _ => null, ShoppersOnly) { Arrange = ListAsync },
        new("ListToCart", _ => null, ShoppersOnly) { Arrange = ListAsync },
        new("Checkout", _ => new { addressId = "hq", purchaseOrderNumber = "PO-7" }, ShoppersOnly) { Arrange = CartLineAsync },
        new("RequestQuote", _ => new { comment = "Best price?", lines = new[] { new { sku = Ids.Sku, quantity = 5 } } }, ShoppersOnly) { Arrange = SalesAsync },
        new("ReviseQuote", _ => new { comment = "And for 10?" }, ShoppersOnly) { Arrange = ProposedPurchaseQuoteAsync },
        new("GetCartById", _ => null, BuyerOnly) { Case = "a shared list", Arrange = ListAsync },
        new("CommentOnCart", _ => new { text = "For next week" }, BuyerOnly) { Case = "a shared list", Arrange = ListAsync },
        new("GetCartTimeline", _ => null, BuyerOnly) { Case = "a shared list", Arrange = ListAsync },
        new("GetOrder", _ => null, BuyerOnly) { Case = Purchase, Arrange = PurchaseAsync },
        new("GetOrderTimeline", _ => null, BuyerOnly) { Case = Purchase, Arrange = PurchaseAsync },
        new("CommentOnOrder", _ => new { text = "Deliver at the back door", @internal = false }, BuyerOnly) { Case = Purchase, Arrange = PurchaseAsync },
        new("MoveOrder", _ => new { status = "cancelled", reason = "Ordered twice" }, ShoppersOnly) { Case = Purchase, Arrange = PurchaseAsync },
        new("MoveOrder", _ => new { status = "confirmed" }, Members) { Case = "a purchase the buyer would confirm: the vendor does", Arrange = PurchaseAsync },
        new("DecideOrder", _ => new { decision = "approve" }, [Admin, .. BuyerOnly, Purchaser, Viewer]) { Case = "a purchase waiting for the buyer's approver", Arrange = PendingPurchaseAsync },
        new("GetShipment", _ => null, BuyerOnly) { Case = Purchase, Arrange = PurchaseShipmentAsync },
        new("MoveShipment", _ => new { status = "delivered" }, ShoppersOnly) { Case = "a purchase the buyer received", Arrange = PurchaseShipmentAsync },
        new("RequestReturn", _ => new { reason = "Wrong voltage", lines = new[] { new { line = 0, quantity = 1 } } }, ShoppersOnly) { Arrange = DeliveredPurchaseAsync },
        new("GetReturn", _ => null, BuyerOnly) { Case = Purchase, Arrange = PurchaseReturnAsync },
        new("GetQuote", _ => null, BuyerOnly) { Case = Purchase, Arrange = PurchaseQuoteAsync },
        new("GetQuoteTimeline", _ => null, BuyerOnly) { Case = Purchase, Arrange = PurchaseQuoteAsync },
        new("CommentOnQuote", _ => new { text = "Any news?" }, BuyerOnly) { Case = Purchase, Arrange = PurchaseQuoteAsync },
        new("MoveQuote", _ => new { status = "accepted" }, ShoppersOnly) { Case = Purchase, Arrange = ProposedPurchaseQuoteAsync },
        new("GetApprovalRule", _ => null, BuyerOnly) { Case = "a purchase rule", Arrange = PurchaseRuleAsync },
        new("PutApprovalRule", _ => PurchaseRule, AdminOnly) { Case = "a purchase rule" },
        new("DeleteApprovalRule", _ => null, AdminOnly) { Case = "a purchase rule", Arrange = PurchaseRuleAsync },
        new("ListAddresses", _ => null, BuyerOnly) { Arrange = SalesAsync },
        new("GetAddress", _ => null, BuyerOnly) { Arrange = SalesAsync },
        new("PutAddress", _ => Address("Depot"), AdminOnly),
        new("DeleteAddress", _ => null, AdminOnly) { Arrange = SalesAsync },
        new("GetInvoice", _ => null, BuyerOnly) { Case = "an invoice the vendor issued to the organization", Arrange = PurchaseInvoiceAsync },
        new("GetSupplierStatement", _ => null, BuyerOnly) { Arrange = PurchaseInvoiceAsync },

        // Selling to the customer.
        new("GetCartById", _ => null, [Finance, Pricing, Warehouse, .. SupplierOnly]) { Arrange = CustomerCartAsync },
        new("CommentOnCart", _ => new { text = "Can I help?" }, [Finance, Pricing, Warehouse, .. SupplierOnly]) { Arrange = CustomerCartAsync },
        new("GetCartTimeline", _ => null, [Finance, Pricing, Warehouse, .. SupplierOnly]) { Arrange = CustomerCartAsync },
        new("ListOrders", _ => null, []),
        new("ListOrdersWaitingForMe", _ => null, []),
        new("GetOrder", _ => null, SupplierOnly) { Arrange = SaleAsync },
        new("MoveOrder", _ => new { status = "confirmed" }, [Finance, Pricing, Warehouse, .. SupplierOnly]) { Arrange = SaleAsync },
        new("DecideOrder", _ => new { decision = "approve", comment = "Credit is fine" }, [Finance, Pricing, Warehouse, .. SupplierOnly]) { Arrange = PendingSaleAsync },
        new("CommentOnOrder", _ => new { text = "Shipping tomorrow", @internal = false }, SupplierOnly) { Arrange = SaleAsync },
        new("GetOrderTimeline", _ => null, SupplierOnly) { Arrange = SaleAsync },
        new("SplitOrder", _ => new { lots = new[] { new { warehouseId = Ids.WarehouseId, lines = new[] { new { line = 0, quantity = 2 } } } } }, [Finance, Sales, Pricing, .. SupplierOnly]) { Arrange = ConfirmedSaleAsync },
        new("GetShipment", _ => null, SupplierOnly) { Arrange = SaleShipmentAsync },
        new("ListShipments", _ => null, [Finance, Pricing, .. SupplierOnly]) { Query = "?status=picking&warehouse=w1", Arrange = SaleShipmentAsync },
        new("MoveShipment", _ => new { status = "packed" }, [Finance, Sales, Pricing, .. SupplierOnly]) { Arrange = SaleShipmentAsync },
        new("ProposeDeliveries", _ => null, [Finance, Pricing, .. SupplierOnly]) { Arrange = TwoConfirmedSalesAsync },
        new("GetReturn", _ => null, SupplierOnly) { Arrange = SaleReturnAsync },
        new("DecideReturn", _ => new { decision = "approve", comment = "Send it back" }, [Finance, Pricing, Warehouse, .. SupplierOnly]) { Arrange = SaleReturnAsync },
        new("ReceiveReturn", _ => new { lines = new[] { new { line = 0, condition = "resellable" } } }, [Finance, Sales, Pricing, .. SupplierOnly]) { Arrange = ApprovedSaleReturnAsync },
        new("ConsolidateOrders", ids => new { orderIds = new[] { ids.OrderId, ids.OtherOrderId }, warehouseId = Ids.WarehouseId }, [Finance, Sales, Pricing, .. SupplierOnly]) { Arrange = TwoConfirmedSalesAsync },
        new("ListQuotes", _ => null, []),
        new("ListQuotesWaitingForMe", _ => null, []),
        new("GetQuote", _ => null, SupplierOnly) { Arrange = QuoteRequestAsync },
        new("ProposeQuote", _ => new { lines = new[] { new { line = 1, unitPrice = 9.5m } }, paymentTermsDays = new[] { 30 }, comment = "For you" }, [Finance, Pricing, Warehouse, .. SupplierOnly]) { Arrange = QuoteRequestAsync },
        new("DecideQuotePrices", _ => new { decision = "approve" }, [Finance, Sales, Warehouse, .. SupplierOnly]) { Arrange = BelowMarginQuoteAsync },
        new("MoveQuote", _ => new { status = "withdrawn", comment = "Discontinued" }, [Finance, Pricing, Warehouse, .. SupplierOnly]) { Arrange = QuoteRequestAsync },
        new("CommentOnQuote", _ => new { text = "Looking into it" }, SupplierOnly) { Arrange = QuoteRequestAsync },
        new("GetQuoteTimeline", _ => null, SupplierOnly) { Arrange = QuoteRequestAsync },
        new("GetOrderingSettings", _ => null, SupplierOnly),
        new("GetBillingSettings", _ => null, SupplierOnly),
        new("PutBillingSettings", _ => new { invoiceSeries = "f1", creditNoteSeries = "c1", reminderDays = new[] { 0, 10 }, depositPercent = 10 }, AdminOnly),
        new("ListInvoices", _ => null, []) { Arrange = SaleInvoiceAsync },
        new("GetInvoice", _ => null, SupplierOnly) { Arrange = SaleInvoiceAsync },
        new("GetCustomerStatement", _ => null, SupplierOnly) { Arrange = SaleInvoiceAsync },
        new("RecordPayments", ids => new { payments = new[] { new { paymentId = "erp-1", buyerId = ids.Customer, amount = 10m, currency = "BRL", receivedOn = DateOnly.FromDateTime(DateTime.UtcNow), invoiceId = ids.InvoiceId } } },
            [Sales, Pricing, Warehouse, .. SupplierOnly]) { Arrange = SaleInvoiceAsync },
        new("PutOrderingSettings", _ => new { backorders = "allow", pendingHoldHours = 48 }, AdminOnly),
        new("GetMarketingSettings", _ => null, SupplierOnly),
        new("GetCustomerSignals", _ => null, SupplierOnly),
        new("PutMarketingSettings", _ => new { maxPerWeek = 3, quietFrom = "22:00", quietUntil = "07:30", taskCartValues = new Dictionary<string, decimal> { ["BRL"] = 5000 } }, AdminOnly),
        new("ListCampaigns", _ => null, CampaignForbidden) { Arrange = CampaignAsync },
        new("CreateCampaign", _ => Campaign("News"), CampaignForbidden),
        new("GetCampaign", _ => null, CampaignForbidden) { Arrange = CampaignAsync },
        new("ChangeCampaign", _ => Campaign("News, renamed"), CampaignForbidden) { Arrange = CampaignAsync },
        new("SetCampaignStatus", _ => new { status = "ended" }, CampaignForbidden) { Arrange = CampaignAsync },
        new("ListApprovalRules", _ => null, []),
        new("GetApprovalRule", _ => null, SupplierOnly) { Arrange = ApprovalRuleAsync },
        new("PutApprovalRule", _ => new { name = "Large order", side = "supplier", condition = "orderTotalAbove", amount = new { value = 1000, currency = "BRL" },
            tiers = new[] { new { roles = new[] { "supplierAdmin" }, require = "any" } } }, AdminOnly),
        new("DeleteApprovalRule", _ => null, AdminOnly) { Arrange = ApprovalRuleAsync },
        new("GetClearanceSettings", _ => null, SupplierOnly),
        new("PutClearanceSettings", _ => new { ageDays = 60, baseDiscountPercent = 10, maxDiscountPercent = 25, validityDays = 14, bundle = true }, [Finance, Sales, Warehouse, .. SupplierOnly]),
        new("ListClearanceProposals", _ => null, SupplierOnly) { Arrange = ClearanceProposalAsync },
        new("GetClearanceProposal", _ => null, SupplierOnly) { Arrange = ClearanceProposalAsync },
        new("AcceptClearanceProposal", _ => new { discountPercent = 15, bundle = false }, [Finance, Sales, Warehouse, .. SupplierOnly])
            { Arrange = ClearanceProposalAsync },
        new("DismissClearanceProposal", _ => null, [Finance, Sales, Warehouse, .. SupplierOnly]) { Arrange = ClearanceProposalAsync },

        // The sales manager's day: tasks for the customer (its account's sales manager is Sales), the customer's timeline.
        new("ListSalesTasks", _ => null, [Finance, Pricing, Warehouse, .. SupplierOnly]) { Query = "?status=open&dueBefore=2100-01-01T00:00:00Z", Arrange = SalesTaskAsync },
        new("GetSalesTask", _ => null, [Finance, Pricing, Warehouse, .. SupplierOnly]) { Arrange = SalesTaskAsync },
        new("CompleteSalesTask", _ => new { note = "Called: they order next week" }, [Finance, Pricing, Warehouse, .. SupplierOnly]) { Arrange = SalesTaskAsync },
        new("SnoozeSalesTask", ids => new { until = ids.Later, note = "Call back after the holidays" }, [Finance, Pricing, Warehouse, .. SupplierOnly]) { Arrange = SalesTaskAsync },
        new("GetCustomerTimeline", _ => null, SupplierOnly) { Arrange = SalesTaskAsync },
    ];

    /// <summary>A task to call the customer, raised as a signal raises it: for its account's sales manager.</summary>
    private static async Task<Ids> SalesTaskAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        var subject = Guid.NewGuid().ToString("n");
        var now = backend.Clock.GetUtcNow();
        await backend.Backend.Services.GetRequiredService<Agora.Core.Marketing.ISalesTasks>()
            .RaiseAsync(new(ids.Org, ids.Customer, Agora.Core.Marketing.SalesTaskKind.InactiveCustomer, subject, "Call the customer", "Later than usual.", now), default);
        var bound = await backend.Backend.Services.GetRequiredService<Agora.Core.Marketing.ISalesTaskStore>()
            .FindBindingAsync(ids.Org, Agora.Core.Marketing.SalesTaskKind.InactiveCustomer, subject, default);
        return ids with { TaskId = bound!.Value, Later = now.AddDays(2) };
    }

    /// <summary>A purchase rule: every order waits for one of the buyer's approvers.</summary>
    private static object PurchaseRule => new { name = "Every order", side = "buyer", condition = "always", tiers = new[] { new { roles = new[] { "approver" }, require = "any" } } };

    public static object Address(string label) => new { label, recipient = "Receiving", line1 = "Rua A, 1", city = "São Paulo", postalCode = "01000-000", country = "BR" };

    public static object Product(string name) => new { name, category = "Tools > Drills", baseUnit = "UN", saleUnits = new[] { new { code = "CX", factor = 12 } } };

    /// <summary>The function's first row (the one without a <see cref="Row.Case"/>), which the robustness suite breaks.</summary>
    public static Row RowOf(string function) => Rows.Single(r => r.Function == function && r.Case is null);

    /// <summary>The routes of functions.metadata joined with their rows.</summary>
    public static IEnumerable<(Row Row, string Method, string Route)> Routes(bool orgScopedOnly) =>
        from route in BackendFixture.HttpRoutes()
        join row in Rows on route.Name equals row.Function
        where row.OrgScoped || !orgScopedOnly
        select (row, route.Method, route.Route);

    /// <summary>The organization under test with staff in every role and a member to act on, a customer with an account at
    /// it, a vendor at which it has an account, and a pending invitation; then what <paramref name="row"/> needs, made for
    /// <paramref name="caller"/> where it is per person.</summary>
    public static async Task<Ids> ArrangeAsync(BackendFixture backend, Row? row = null, string caller = Admin)
    {
        var org = await backend.OrganizationAsync(Admin, ["supplier", "buyer"], (Sales, ["salesManager"]), (Pricing, ["pricingManager"]), (Warehouse, ["warehouse"]),
            (Purchaser, ["purchaser"]), (Approver, ["approver"]), (Viewer, ["viewer"]), (Finance, ["finance"]), ("m-target", ["warehouse"]));
        var customer = await backend.OrganizationAsync("c-admin", ["buyer"]);
        var vendor = await backend.OrganizationAsync("v-admin", ["supplier", "buyer"]);
        using var admin = AdminClient(backend);
        await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{org}/customers",
            new { buyerId = customer, category = "retail", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 100, salesManagerId = Sales }));
        using var vendorAdmin = backend.As("v-admin", "v-admin@test.example");
        await BackendFixture.Ensure(await vendorAdmin.PostAsJsonAsync($"/api/orgs/{vendor}/customers",
            new { buyerId = org, category = "retail", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 100 }));
        var invitation = await BackendFixture.Json(await admin.PostAsJsonAsync($"/api/orgs/{org}/invitations", new { email = "invitee@test.example", roles = new[] { "warehouse" } }));
        foreach (var (supplier, client) in new[] { (org, admin), (vendor, vendorAdmin) })
        {
            await BackendFixture.Ensure(await client.PutAsJsonAsync($"/api/orgs/{supplier}/products/{Ids.Sku}", Product("Drill")));
            await BackendFixture.Ensure(await client.PutAsJsonAsync($"/api/orgs/{supplier}/warehouses/{Ids.WarehouseId}", new { name = "Main" }));
        }

        var ids = new Ids(org, customer, vendor, "m-target", (string)invitation["id"]!) { Caller = caller };
        return row?.Arrange is { } arrange ? await arrange(backend, ids, admin) : ids;
    }

    public static HttpClient AdminClient(BackendFixture backend) => backend.As(Admin, $"{Admin}@test.example");

    /// <summary>Sends <paramref name="body"/> (JSON, when not null); a PUT carries the current ETag, read by the admin, so that
    /// the call is judged on its role and body, not on a missing or stale precondition.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, object? body, string? rawBody = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (rawBody is not null)
        {
            request.Content = new StringContent(rawBody, System.Text.Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        else if (method == "POST" && path.Contains("/imports", StringComparison.Ordinal))
        {
            request.Content = new StringContent("sku;unidade;preco\nP-1;UN;10,00\n", System.Text.Encoding.UTF8, "text/csv");
        }
        else if (method == "POST" && path.Contains("/quick-order", StringComparison.Ordinal))
        {
            request.Content = new StringContent($"{Ids.Sku} 2 UN\n", System.Text.Encoding.UTF8, "text/plain");
        }

        if (method == "POST")
        {
            // Checkout needs one; elsewhere it is harmless (a new key is a new request).
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        }

        if (method == "PUT")
        {
            using var admin = new HttpClient { BaseAddress = client.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For(Admin, $"{Admin}@test.example"));
            if ((await admin.GetAsync(path)).Headers.ETag is { } etag)
            {
                request.Headers.IfMatch.Add(etag);
            }
        }

        return await client.SendAsync(request);
    }

    /// <summary>The success status the OpenAPI document gives each operation (200, 201, 202 or 204).</summary>
    public static async Task<IReadOnlyDictionary<string, int>> SuccessStatusesAsync(BackendFixture backend)
    {
        using var client = backend.Anonymous();
        var document = JsonNode.Parse(await client.GetStringAsync("/api/openapi.json"))!;
        return (from path in document["paths"]!.AsObject()
                from operation in path.Value!.AsObject()
                let responses = operation.Value!["responses"]!.AsObject()
                select ((string)operation.Value!["operationId"]!, int.Parse(responses.First(r => r.Key.StartsWith('2')).Key, System.Globalization.CultureInfo.InvariantCulture)))
            .ToDictionary(p => p.Item1, p => p.Item2);
    }

    /// <summary>What buying and selling need beyond <see cref="ArrangeAsync"/>: a price and stock of the product at both
    /// suppliers, and a delivery address for both buyers.</summary>
    private static async Task<Ids> SalesAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        using var vendor = backend.As("v-admin", "v-admin@test.example");
        using var customer = backend.As("c-admin", "c-admin@test.example");
        foreach (var (supplier, client) in new[] { (ids.Org, admin), (ids.Vendor, vendor) })
        {
            await BackendFixture.Ensure(await client.PutAsJsonAsync($"/api/orgs/{supplier}/pricing/lists/base/prices/{Ids.Sku}/UN/1", new { price = 10 }));
            await BackendFixture.Ensure(await client.PostAsJsonAsync($"/api/orgs/{supplier}/stock",
                new { items = new[] { new { sku = Ids.Sku, warehouseId = Ids.WarehouseId, onHand = 1000, asOf = DateTimeOffset.UtcNow.AddSeconds(-1) } } }));
        }

        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{ids.Org}/addresses/hq", Address("HQ")));
        await BackendFixture.Ensure(await customer.PutAsJsonAsync($"/api/orgs/{ids.Customer}/addresses/hq", Address("HQ")));
        return ids;
    }

    /// <summary>Who owns what a row makes per person: the caller when they shop (the purchaser), else the admin (a caller who
    /// may not shop is refused before whose cart it is matters).</summary>
    private static HttpClient OwnerClient(BackendFixture backend, Ids ids) => ids.Caller == Purchaser ? backend.As(Purchaser, $"{Purchaser}@test.example") : AdminClient(backend);

    /// <summary>The owner's cart at the vendor with one line.</summary>
    private static async Task<Ids> CartLineAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SalesAsync(backend, ids, admin);
        using var owner = OwnerClient(backend, ids);
        var cart = await BackendFixture.Json(await owner.PostAsJsonAsync($"/api/orgs/{ids.Org}/suppliers/{ids.Vendor}/cart/lines", new { lines = new[] { new { sku = Ids.Sku, unit = "UN", quantity = 1 } } }));
        return ids with { LineId = (string)cart["lines"]![0]!["lineId"]! };
    }

    /// <summary>An order the owner placed for the organization at the vendor.</summary>
    private static async Task<Ids> PurchaseAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await CartLineAsync(backend, ids, admin);
        using var owner = OwnerClient(backend, ids);
        return ids with { OrderId = await CheckoutAsync(owner, ids.Org, ids.Vendor) };
    }

    /// <summary>The purchaser's order at the vendor, waiting for the organization's approver (a purchase rule asks for one on
    /// every order).</summary>
    private static async Task<Ids> PendingPurchaseAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await PurchaseRuleAsync(backend, await SalesAsync(backend, ids, admin), admin);
        using var purchaser = backend.As(Purchaser, $"{Purchaser}@test.example");
        await BackendFixture.Ensure(await purchaser.PostAsJsonAsync($"/api/orgs/{ids.Org}/suppliers/{ids.Vendor}/cart/lines", new { lines = new[] { new { sku = Ids.Sku, quantity = 1 } } }));
        return ids with { OrderId = await CheckoutAsync(purchaser, ids.Org, ids.Vendor) };
    }

    /// <summary>A list the owner shares with the organization: every member of the buyer side reads it.</summary>
    private static async Task<Ids> ListAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SalesAsync(backend, ids, admin);
        using var owner = OwnerClient(backend, ids);
        var list = await BackendFixture.Json(await owner.PostAsJsonAsync($"/api/orgs/{ids.Org}/suppliers/{ids.Vendor}/lists",
            new { name = "Weekly", visibility = "shared", lines = new[] { new { sku = Ids.Sku, quantity = 2 } } }));
        return ids with { ListId = (string)list["id"]!, CartId = (string)list["id"]! };
    }

    /// <summary>The same list once its outbox was handed on. Handing it on rewrites the document, and so its ETag: a change
    /// naming an ETag read before that gets 412 (a client reads again and retries; a test must not race it).</summary>
    private static async Task<Ids> SettledListAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await ListAsync(backend, ids, admin);
        var lists = backend.Backend.Services.GetRequiredService<ISalesDocuments<Cart>>();
        await BackendFixture.EventuallyAsync(async () => (await lists.FindAsync(ids.ListId, default))?.Value.Outbox.IsEmpty == true, $"list {ids.ListId}'s outbox to be handed on");
        return ids;
    }

    /// <summary>The customer's cart at the organization.</summary>
    private static async Task<Ids> CustomerCartAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SalesAsync(backend, ids, admin);
        using var customer = backend.As("c-admin", "c-admin@test.example");
        var cart = await BackendFixture.Json(await customer.PostAsJsonAsync($"/api/orgs/{ids.Customer}/suppliers/{ids.Org}/cart/lines", new { lines = new[] { new { sku = Ids.Sku, quantity = 1 } } }));
        return ids with { CartId = (string)cart["id"]! };
    }

    /// <summary>An order the customer placed at the organization: 5 × 10 within its credit limit of 100 (placed), or 20 × 10
    /// past it (waiting for the supplier's credit approval).</summary>
    private static async Task<Ids> SaleAsync(BackendFixture backend, Ids ids, HttpClient admin) => await CustomerOrderAsync(backend, ids, admin, 5);

    private static async Task<Ids> PendingSaleAsync(BackendFixture backend, Ids ids, HttpClient admin) => await CustomerOrderAsync(backend, ids, admin, 20);

    private static async Task<Ids> CustomerOrderAsync(BackendFixture backend, Ids ids, HttpClient admin, int quantity) =>
        await CustomerCheckoutAsync(backend, await SalesAsync(backend, ids, admin), quantity);

    private static async Task<Ids> CustomerCheckoutAsync(BackendFixture backend, Ids ids, int quantity)
    {
        using var customer = backend.As("c-admin", "c-admin@test.example");
        await BackendFixture.Ensure(await customer.PostAsJsonAsync($"/api/orgs/{ids.Customer}/suppliers/{ids.Org}/cart/lines", new { lines = new[] { new { sku = Ids.Sku, quantity } } }));
        return ids with { OrderId = await CheckoutAsync(customer, ids.Customer, ids.Org) };
    }

    /// <summary>The customer's order, confirmed by the organization.</summary>
    private static async Task<Ids> ConfirmedSaleAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SaleAsync(backend, ids, admin);
        await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{ids.Org}/orders/{ids.OrderId}/status", new { status = "confirmed" }));
        return ids;
    }

    /// <summary>Two small confirmed orders of the customer to the same address: they can travel together.</summary>
    private static async Task<Ids> TwoConfirmedSalesAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        var first = await CustomerOrderAsync(backend, ids, admin, 2);
        var second = await CustomerCheckoutAsync(backend, first, 3);
        foreach (var order in new[] { first.OrderId, second.OrderId })
        {
            await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{ids.Org}/orders/{order}/status", new { status = "confirmed" }));
        }

        return second with { OtherOrderId = first.OrderId };
    }

    /// <summary>The confirmed sale split into one lot of its whole line, in picking.</summary>
    private static async Task<Ids> SaleShipmentAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await ConfirmedSaleAsync(backend, ids, admin);
        return ids with { ShipmentId = await SplitAsync(admin, ids.Org, ids.OrderId, 5) };
    }

    /// <summary>The organization's purchase at the vendor, confirmed, split and dispatched by the vendor: on its way to the
    /// organization, whose shoppers confirm its delivery.</summary>
    private static async Task<Ids> PurchaseShipmentAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await PurchaseAsync(backend, ids, admin);
        using var vendor = backend.As("v-admin", "v-admin@test.example");
        await BackendFixture.Ensure(await vendor.PostAsJsonAsync($"/api/orgs/{ids.Vendor}/orders/{ids.OrderId}/status", new { status = "confirmed" }));
        var shipment = await SplitAsync(vendor, ids.Vendor, ids.OrderId, 1);
        await BackendFixture.Ensure(await vendor.PostAsJsonAsync($"/api/orgs/{ids.Vendor}/shipments/{shipment}/status", new { status = "packed" }));
        await BackendFixture.Ensure(await vendor.PostAsJsonAsync($"/api/orgs/{ids.Vendor}/shipments/{shipment}/status", new { status = "dispatched", carrier = "Jadlog", trackingNumber = "JD1" }));
        return ids with { ShipmentId = shipment };
    }

    /// <summary>The purchase's shipment, received: the organization's admin confirmed its delivery.</summary>
    private static async Task<Ids> DeliveredPurchaseAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await PurchaseShipmentAsync(backend, ids, admin);
        await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{ids.Org}/shipments/{ids.ShipmentId}/status", new { status = "delivered" }));
        return ids;
    }

    /// <summary>A return of the delivered purchase, asked by the organization's admin.</summary>
    private static async Task<Ids> PurchaseReturnAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await DeliveredPurchaseAsync(backend, ids, admin);
        return ids with { ReturnId = await ReturnAsync(admin, ids.Org, ids.OrderId) };
    }

    /// <summary>A return the customer asked of its delivered order at the organization.</summary>
    private static async Task<Ids> SaleReturnAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SaleShipmentAsync(backend, ids, admin);
        foreach (var move in new object[] { new { status = "packed" }, new { status = "dispatched", carrier = "Jadlog", trackingNumber = "JD2" }, new { status = "delivered" } })
        {
            await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{ids.Org}/shipments/{ids.ShipmentId}/status", move));
        }

        using var customer = backend.As("c-admin", "c-admin@test.example");
        return ids with { ReturnId = await ReturnAsync(customer, ids.Customer, ids.OrderId) };
    }

    private static async Task<Ids> ApprovedSaleReturnAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SaleReturnAsync(backend, ids, admin);
        await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{ids.Org}/returns/{ids.ReturnId}/decision", new { decision = "approve" }));
        return ids;
    }

    private static async Task<string> ReturnAsync(HttpClient buyer, string buyerId, string orderId)
    {
        var response = await buyer.PostAsJsonAsync($"/api/orgs/{buyerId}/orders/{orderId}/returns", new { reason = "Damaged box", lines = new[] { new { line = 0, quantity = 1 } } });
        await BackendFixture.Ensure(response);
        return (string)(await BackendFixture.Json(response))["id"]!;
    }

    private static async Task<string> SplitAsync(HttpClient client, string supplierId, string orderId, decimal quantity)
    {
        var response = await client.PostAsJsonAsync($"/api/orgs/{supplierId}/orders/{orderId}/shipments",
            new { lots = new[] { new { warehouseId = Ids.WarehouseId, lines = new[] { new { line = 0, quantity } } } } });
        await BackendFixture.Ensure(response);
        return (string)(await BackendFixture.Json(response))["items"]![0]!["id"]!;
    }

    /// <summary>The invoice of the customer's order at the organization (5 × 10, confirmed), issued as fulfilment issues it.</summary>
    private static async Task<Ids> SaleInvoiceAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SaleAsync(backend, ids, admin);
        await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{ids.Org}/orders/{ids.OrderId}/status", new { status = "confirmed" }));
        return ids with { InvoiceId = await IssueAsync(backend, ids.OrderId) };
    }

    /// <summary>The invoice the vendor issued for the organization's order there.</summary>
    private static async Task<Ids> PurchaseInvoiceAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await PurchaseAsync(backend, ids, admin);
        using var vendor = backend.As("v-admin", "v-admin@test.example");
        await BackendFixture.Ensure(await vendor.PostAsJsonAsync($"/api/orgs/{ids.Vendor}/orders/{ids.OrderId}/status", new { status = "confirmed" }));
        return ids with { InvoiceId = await IssueAsync(backend, ids.OrderId) };
    }

    private static async Task<string> IssueAsync(BackendFixture backend, string orderId)
    {
        var billing = backend.Backend.Services.GetRequiredService<Agora.Core.Billing.BillingService>();
        var invoice = await billing.IssueAsync(new($"inv.{orderId}", orderId, [new(0, 1)], null), default);
        return invoice.Id;
    }

    private static async Task<string> CheckoutAsync(HttpClient buyer, string buyerId, string supplierId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orgs/{buyerId}/suppliers/{supplierId}/checkout") { Content = JsonContent.Create(new { addressId = "hq" }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await buyer.SendAsync(request);
        await BackendFixture.Ensure(response);
        return (string)(await BackendFixture.Json(response))["id"]!;
    }

    /// <summary>A quote the customer asked the organization for.</summary>
    private static async Task<Ids> QuoteRequestAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SalesAsync(backend, ids, admin);
        using var customer = backend.As("c-admin", "c-admin@test.example");
        var quote = await BackendFixture.Json(await customer.PostAsJsonAsync($"/api/orgs/{ids.Customer}/suppliers/{ids.Org}/quotes", new { comment = "Price for 5?", lines = new[] { new { sku = Ids.Sku, quantity = 5 } } }));
        return ids with { QuoteId = (string)quote["id"]! };
    }

    /// <summary>The same, proposed by the sales manager far below the price lists: it waits for a pricing manager.</summary>
    private static async Task<Ids> BelowMarginQuoteAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await QuoteRequestAsync(backend, ids, admin);
        using var sales = backend.As(Sales, $"{Sales}@test.example");
        await BackendFixture.Ensure(await sales.PostAsJsonAsync($"/api/orgs/{ids.Org}/quotes/{ids.QuoteId}/proposals", new { lines = new[] { new { line = 1, unitPrice = 1 } } }));
        return ids;
    }

    /// <summary>A quote the organization asked the vendor for.</summary>
    private static async Task<Ids> PurchaseQuoteAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SalesAsync(backend, ids, admin);
        var quote = await BackendFixture.Json(await admin.PostAsJsonAsync($"/api/orgs/{ids.Org}/suppliers/{ids.Vendor}/quotes", new { lines = new[] { new { sku = Ids.Sku, quantity = 5 } } }));
        return ids with { QuoteId = (string)quote["id"]! };
    }

    /// <summary>The same, answered with a proposal.</summary>
    private static async Task<Ids> ProposedPurchaseQuoteAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await PurchaseQuoteAsync(backend, ids, admin);
        using var vendor = backend.As("v-admin", "v-admin@test.example");
        await BackendFixture.Ensure(await vendor.PostAsJsonAsync($"/api/orgs/{ids.Vendor}/quotes/{ids.QuoteId}/proposals", new { lines = new[] { new { line = 1, unitPrice = 9.9m } } }));
        return ids;
    }

    public static object Campaign(string name) => new
    {
        name,
        segment = new { categories = new[] { "retail" } },
        messages = new Dictionary<string, object> { ["en"] = new { subject = "News for {{company}}", body = "Hello {{name}},\n\nNew drills are in." } },
    };

    private static async Task<Ids> CampaignAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        var campaign = await BackendFixture.Json(await admin.PostAsJsonAsync($"/api/orgs/{ids.Org}/campaigns", Campaign("News")));
        return ids with { CampaignId = (string)campaign["campaign"]!["id"]! };
    }

    private static async Task<Ids> ApprovalRuleAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{ids.Org}/approval-rules/{Ids.RuleId}",
            new { name = "First order", side = "supplier", condition = "firstOrder", tiers = new[] { new { roles = new[] { "salesManager" }, require = "any" } } }));
        return ids;
    }

    private static async Task<Ids> PurchaseRuleAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{ids.Org}/approval-rules/{Ids.RuleId}", PurchaseRule));
        return ids;
    }

    private static async Task<Ids> ImportAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        var job = await BackendFixture.ImportAsync(admin, ids.Org, "prices", "p.csv", "sku;unidade;preco\nP-1;UN;10,00\n");
        return ids with { ImportId = (string)job["id"]! };
    }

    /// <summary>Stock of the product in w1 and an open clearance proposal of it there, as the nightly analysis stores one
    /// (the analysis itself, which needs the clock moved on, is ClearanceTests').</summary>
    private static async Task<Ids> ClearanceProposalAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{ids.Org}/stock", new { items = new[] { new { sku = Ids.Sku, warehouseId = Ids.WarehouseId, onHand = 5, asOf = backend.Clock.GetUtcNow().AddSeconds(-1) } } }));
        var now = backend.Clock.GetUtcNow();
        var proposal = new Agora.Core.Marketing.ProposedClearance(Agora.Core.Marketing.ProposedClearance.IdOf(Ids.Sku, Ids.WarehouseId), ids.Org, Ids.Sku, Ids.WarehouseId, 5, 120, now.AddDays(-120), 12.5m, [],
            "120 days without a sale from w1", Agora.Core.Marketing.ClearanceStatus.Open, SharedEmulators.Unique("r"), now);
        await backend.Backend.Services.GetRequiredService<Agora.Core.Marketing.IClearanceStore>().SaveProposalAsync(proposal, null, default);
        return ids with { ProposalId = proposal.Id };
    }

    private static async Task<Ids> PriceListAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{ids.Org}/pricing/lists/{Ids.RuleId}", new { name = "VIP", currency = "BRL", audience = "category:retail" }));
        return ids;
    }

    private static async Task<Ids> PriceAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{ids.Org}/pricing/lists/base/prices/{Ids.Sku}/UN/1", new { price = 10 }));
        return ids;
    }
}
