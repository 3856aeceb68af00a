using Agora.Testing;

namespace Agora.Client.Tests;

/// <summary>The demo flow — catalog, quote, cart, checkout, approval, shipment, invoice, payment — through the client NSwag
/// generates from the OpenAPI document and nothing else: where a call here does not compile or a response does not read,
/// the document is wrong, not the test. Only the organizations are made with the fixture (they need its signed-in users).</summary>
[Collection(BackendCollection.Name)]
public sealed class DemoFlowTests(BackendFixture backend)
{
    [Fact]
    public async Task A_buyer_finds_a_product_quotes_it_orders_it_with_approval_and_the_supplier_ships_invoices_and_is_paid()
    {
        var prefix = SharedEmulators.Unique("c");
        string U(string role) => $"{prefix}-{role}";
        var supplier = await backend.OrganizationAsync(U("s-admin"), ["supplier"], (U("s-sales"), ["salesManager"]), (U("s-wh"), ["warehouse"]));
        var buyer = await backend.OrganizationAsync(U("b-admin"), ["buyer"], (U("b-buyer"), ["purchaser"]), (U("b-appr"), ["approver"]));
        using var supplierAdmin = backend.As(U("s-admin"), $"{U("s-admin")}@test.example");
        using var salesHttp = backend.As(U("s-sales"), $"{U("s-sales")}@test.example");
        using var warehouseHttp = backend.As(U("s-wh"), $"{U("s-wh")}@test.example");
        using var buyerAdminHttp = backend.As(U("b-admin"), $"{U("b-admin")}@test.example");
        using var purchaserHttp = backend.As(U("b-buyer"), $"{U("b-buyer")}@test.example");
        using var approverHttp = backend.As(U("b-appr"), $"{U("b-appr")}@test.example");
        var admin = new AgoraClient(supplierAdmin);
        var sales = new AgoraClient(salesHttp);
        var warehouse = new AgoraClient(warehouseHttp);
        var buyerAdmin = new AgoraClient(buyerAdminHttp);
        var purchaser = new AgoraClient(purchaserHttp);
        var approver = new AgoraClient(approverHttp);

        // The supplier's catalog: a warehouse, a product, its price and stock; the buyer as a customer on 30 days.
        await admin.PutWarehouseAsync(supplier, "w1", new WarehouseInput { Name = "Cajamar", Country = "BR" });
        await admin.PutProductAsync(supplier, "DRILL-1", new ProductInput { Name = "Furadeira de impacto", Category = "Ferramentas > Elétricas", Brand = "Bosch", BaseUnit = "UN" });
        await admin.PutPriceAsync(supplier, "base", "DRILL-1", "UN", "1", new PriceInput { Price = 250, Currency = "BRL" });
        await warehouse.PushStockAsync(supplier, new StockPush { Items = [new Items17 { Sku = "DRILL-1", WarehouseId = "w1", OnHand = 20, AsOf = DateTimeOffset.UtcNow.AddMinutes(-1) }] });
        await admin.CreateCustomerAccountAsync(supplier, new CustomerAccountInput { BuyerId = buyer, Category = "construction", PaymentTermsDays = [30], Incoterm = "CIF", CreditLimit = 100_000, SalesManagerId = U("s-sales") },
            idempotency_Key: Guid.NewGuid().ToString());
        await buyerAdmin.PutAddressAsync(buyer, "hq", new AddressInput { Label = "Sede", Recipient = "Recebimento", Line1 = "Rua Funchal, 200", City = "São Paulo", Region = "SP", PostalCode = "04551-060", Country = "BR" });
        await buyerAdmin.PutApprovalRuleAsync(buyer, "above-1000", new ApprovalRuleInput
        {
            Name = "Above 1000",
            Condition = ApprovalRuleInputCondition.OrderTotalAbove,
            Amount = new Amount { Value = 1000, Currency = "BRL" },
            Tiers = [new Tiers2 { Roles = [Roles9.Approver], Require = Tiers2Require.Any }],
        });

        // Catalog and quote: the buyer sees the product and its price for 5.
        var found = await purchaser.BrowseCatalogAsync(buyer, supplier, q: "Furadeira");
        Assert.Contains(found.Items, p => p.Sku == "DRILL-1");
        var quote = await purchaser.QuoteAsync(buyer, supplier, new QuoteRequest { Lines = [new Lines7 { Sku = "DRILL-1", Unit = "UN", Quantity = 5 }] });
        Assert.Equal(1250, quote.Total);

        // Cart and checkout: over 1,000 the order waits for the approver, who approves it.
        var cart = await purchaser.AddCartLinesAsync(buyer, supplier, new AddCartLines { Lines = [new Lines2 { Sku = "DRILL-1", Unit = "UN", Quantity = 5 }] });
        Assert.Single(cart.Lines);
        var order = await purchaser.CheckoutAsync(buyer, supplier, new CheckoutRequest { AddressId = "hq", PurchaseOrderNumber = "PO-77" }, idempotency_Key: Guid.NewGuid().ToString());
        Assert.Equal(OrderStatus.PendingApproval, order.Status);
        order = await approver.DecideOrderAsync(buyer, order.Id, new ApprovalInput { Decision = ApprovalInputDecision.Approve });
        Assert.Equal(OrderStatus.Placed, order.Status);

        // Shipment: confirmed, shipped in one lot from w1, packed and dispatched.
        await sales.MoveOrderAsync(supplier, order.Id, new OrderMove { Status = OrderMoveStatus.Confirmed });
        var shipments = await warehouse.SplitOrderAsync(supplier, order.Id, new SplitInput { Lots = [new Lots { WarehouseId = "w1", Lines = [new Lines22 { Line = 0, Quantity = 5, InBaseUnits = true }] }] },
            idempotency_Key: Guid.NewGuid().ToString());
        var shipment = Assert.Single(shipments.Items);
        await warehouse.MoveShipmentAsync(supplier, shipment.Id, new ShipmentMove { Status = ShipmentMoveStatus.Packed });
        var dispatched = await warehouse.MoveShipmentAsync(supplier, shipment.Id, new ShipmentMove { Status = ShipmentMoveStatus.Dispatched, Carrier = "Jadlog", TrackingNumber = "JD-1" });
        Assert.Equal(ShipmentStatus.Dispatched, dispatched.Status);

        // Invoice: one per shipment, for the order's total, due in 30 days.
        var invoice = await buyerAdmin.GetInvoiceAsync(buyer, shipment.Id);
        Assert.Equal(order.Total, invoice.Total);
        Assert.Single(invoice.Installments);

        // Payment: recorded against the buyer; the statement then shows nothing owed.
        var recorded = await admin.RecordPaymentsAsync(supplier, new PaymentBatch
        {
            Payments = [new Payments { PaymentId = $"{prefix}-pix-1", BuyerId = buyer, Amount = invoice.Total, Currency = "BRL", ReceivedOn = backend.Clock.GetUtcNow() }],
        });
        Assert.Equal("recorded", Assert.Single(recorded.Results).Outcome.ToString(), ignoreCase: true);
        var statement = await buyerAdmin.GetSupplierStatementAsync(buyer, supplier);
        Assert.Equal(0, statement.Balance);
    }
}
