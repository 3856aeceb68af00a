using System.Text.Json;
using System.Text.Json.Nodes;
using Agora.Core.Accounts;
using Agora.Core.Billing;
using Agora.Core.Catalog;
using Agora.Core.Fulfilment;
using Agora.Core.Inventory;
using Agora.Core.Marketing;
using Agora.Core.Ordering;
using Agora.Core.Pricing;
using Agora.Functions.Features;

namespace Agora.Functions.OpenApi;

/// <summary>One example body per request type, as the API reference shows it: a Brazilian wholesaler of fasteners and tools
/// (Distribuidora Paraná) selling to a construction company (Construtora Horizonte). Typed instances of the request records,
/// so a renamed or removed field breaks the build instead of leaving a stale example; written with the API's JSON options
/// into each request body's <c>example</c>. <c>ApiExampleTests</c> reads every one through the strict request reader a real
/// call goes through (and the domain's own checks where they need no store): an example a call would refuse is a defect.</summary>
public static class ApiExamples
{
    private const string Buyer = "construtora-horizonte";
    private const string Screws = "PAR-6MM-100";
    private const string Anchors = "BUCHA-S8-100";
    private const string Drill = "FUR-650W-220V";
    private const string Curitiba = "cwb-1";
    // Fixed, so the document does not change by itself: what must lie ahead (a validity, a delivery date) lies in 2030, what
    // must have happened (a stock count, a payment) in 2026.
    private static readonly DateTimeOffset Monday = new(2030, 3, 4, 8, 0, 0, TimeSpan.FromHours(-3));
    private static readonly DateTimeOffset Counted = new(2026, 11, 30, 18, 0, 0, TimeSpan.FromHours(-3));

    private static readonly CartLineInput[] Lines = [new(Sku: Screws, Unit: "CX", Quantity: 20), new(Sku: Anchors, Unit: "CX", Quantity: 10)];

    private static readonly Dictionary<string, CampaignMessage> Messages = new(StringComparer.Ordinal)
    {
        ["pt-BR"] = new(Subject: "Novidades para {{company}}", Body: "Olá {{name}},\n\nChegaram as furadeiras de 650 W com 10% de desconto até sexta."),
    };

    /// <summary>Keyed by the request type an <see cref="Http.ApiOperationAttribute"/> names.</summary>
    public static readonly IReadOnlyDictionary<Type, object> Requests = new Dictionary<Type, object>
    {
        [typeof(CreateOrganization)] = new CreateOrganization(Id: "distribuidora-parana", Name: "Distribuidora Paraná Ltda.", TaxId: "12.345.678/0001-95", Country: "BR",
            DefaultCurrency: "BRL", Capabilities: [Capability.Supplier]),
        [typeof(UpdateOrganization)] = new UpdateOrganization(Name: "Distribuidora Paraná Ltda.", TaxId: "12.345.678/0001-95", Country: "BR", DefaultCurrency: "BRL",
            Capabilities: [Capability.Supplier, Capability.Buyer]),
        [typeof(SetMember)] = new SetMember(Email: "joana.souza@distribuidoraparana.com.br", Name: "Joana Souza", Roles: [Role.SalesManager]),
        [typeof(CreateInvitation)] = new CreateInvitation(Email: "carlos.lima@distribuidoraparana.com.br", Roles: [Role.Warehouse]),
        [typeof(InvitationAcceptance)] = new InvitationAcceptance(Token: "inv_01jf3v4k8m2q7r9s5t6w8x0y1z.3fa85f64b2"),
        [typeof(CustomerAccountInput)] = new CustomerAccountInput(BuyerId: Buyer, Category: "construtoras", Currency: "BRL", PaymentTermsDays: [30, 60], Incoterm: "CIF",
            DeliveryPlace: "Canteiro de obras, Rua XV de Novembro 1200, Curitiba-PR", CreditLimit: 50_000m, SalesManagerId: "joana.souza", ExternalCode: "CLI-004512", Status: null),
        [typeof(ProductInput)] = new ProductInput(Name: "Parafuso sextavado 6 mm × 40 mm, zincado", Description: "Aço carbono, rosca inteira, caixa com 100 peças.",
            Category: "Fixação > Parafusos", Brand: "Ciser", Gtin: "7891234567895", Attributes: new Dictionary<string, string>(StringComparer.Ordinal) { ["diametro"] = "6 mm", ["comprimento"] = "40 mm" },
            Status: null, Related: [Anchors], BaseUnit: "UN", SaleUnits: [new SaleUnit(Code: "CX", Factor: 100), new SaleUnit(Code: "PL", Factor: 4800)]),
        [typeof(WarehouseInput)] = new WarehouseInput(Name: "CD Curitiba", City: "Curitiba", Country: "BR", Active: true),
        [typeof(AssortmentRuleInput)] = new AssortmentRuleInput(Include: new ProductSetInput(Skus: null, Brands: null, Categories: ["Fixação", "Ferramentas elétricas"]),
            Exclude: new ProductSetInput(Skus: [Drill], Brands: null, Categories: null)),
        [typeof(StockPush)] = new StockPush(Items: [new StockCountInput(Sku: Screws, WarehouseId: Curitiba, OnHand: 12_400, AsOf: Counted), new StockCountInput(Sku: Drill, WarehouseId: Curitiba, OnHand: 35, AsOf: Counted)]),
        [typeof(QuoteRequest)] = new QuoteRequest(Lines: [new CartLine(Sku: Screws, Unit: "CX", Quantity: 20), new CartLine(Sku: Drill, Unit: "UN", Quantity: 2)], CouponCodes: ["OBRA10"]),
        [typeof(PricingSettingsInput)] = new PricingSettingsInput(Resolution: ListResolution.MostSpecific, MaxTotalDiscountPercent: 25, ExchangeRates: [new ExchangeRate(From: "BRL", To: "USD", Rate: 0.1818m)]),
        [typeof(PriceListInput)] = new PriceListInput(Name: "Construtoras 2027", Audience: "category:construtoras", Currency: "BRL", ValidFrom: Monday, ValidTo: Monday.AddYears(1), Priority: 10, Active: true),
        [typeof(PriceInput)] = new PriceInput(Price: 38.90m, Currency: "BRL"),
        [typeof(DiscountRuleInput)] = new DiscountRuleInput(Name: "Fixação para construtoras", Audience: "category:construtoras", Products: new ProductSetInput(Skus: null, Brands: null, Categories: ["Fixação"]),
            Percent: 5, ValidFrom: null, ValidTo: null, Priority: 0, Stacking: Stacking.Combinable),
        [typeof(VolumeDiscountInput)] = new VolumeDiscountInput(Name: "Pedidos acima de R$ 10 mil", Audience: "all", MinOrderValue: 10_000m, MinOrderQuantity: null, Percent: 3, ValidFrom: null, ValidTo: null),
        [typeof(PromotionInput)] = new PromotionInput(Name: "Furadeira com 10% na obra", Audiences: ["category:construtoras"], Products: new ProductSetInput(Skus: [Drill], Brands: null, Categories: null),
            MinQuantity: 2, MinValue: null, ValidFrom: Monday, ValidTo: Monday.AddDays(5), UsageLimitPerCustomer: 1, CouponCode: "OBRA10", Reward: new Reward(RewardKind.PercentOff, Percent: 10),
            Stacking: Stacking.Exclusive, Priority: 5, Clearance: false),
        [typeof(QuantityRuleInput)] = new QuantityRuleInput(Audience: "all", Products: new ProductSetInput(Skus: [Screws], Brands: null, Categories: null), Unit: "CX", Min: 5, Multiple: 5, Max: 500),
        [typeof(AddCartLines)] = new AddCartLines(Lines: Lines),
        [typeof(ChangeCartLine)] = new ChangeCartLine(Unit: "CX", Quantity: 30),
        [typeof(CartCoupons)] = new CartCoupons(CouponCodes: ["OBRA10"]),
        [typeof(Reorder)] = new Reorder(OrderId: "01jf3v4k8m2q7r9s5t6w8x0y1z"),
        [typeof(CreateList)] = new CreateList(Name: "Reposição semanal do canteiro", Visibility: ListVisibility.Shared, FromCart: null, Lines: Lines),
        [typeof(ChangeList)] = new ChangeList(Name: "Reposição quinzenal do canteiro", Visibility: ListVisibility.Shared, Lines: null),
        [typeof(CheckoutRequest)] = new CheckoutRequest(QuoteId: null, AddressId: "canteiro-centro", RequestedDeliveryDate: new DateOnly(2030, 3, 11), PurchaseOrderNumber: "OC-2026-0457",
            Comment: "Entregar pelo portão 2, das 7h às 16h."),
        [typeof(RequestQuote)] = new RequestQuote(Comment: "Obra grande em 2027: qual o melhor preço para 500 caixas?", Lines: [new CartLineInput(Sku: Screws, Unit: "CX", Quantity: 500)]),
        [typeof(RevisionInput)] = new RevisionInput(Lines: [new CartLineInput(Sku: Screws, Unit: "CX", Quantity: 800)], Comment: "E para 800 caixas?"),
        [typeof(ProposalInput)] = new ProposalInput(Lines: [new ProposedLine(Line: 1, UnitPrice: 34.50m)], PaymentTermsDays: [30, 60, 90], Incoterm: "CIF", ExpiresAt: Monday.AddDays(14),
            Comment: "Preço especial para 500 caixas, frete incluso."),
        [typeof(QuoteMove)] = new QuoteMove(Status: QuoteStatus.Accepted, Comment: "Aprovado pela diretoria."),
        [typeof(CommentInput)] = new CommentInput(Text: "A obra pede entrega antes do dia 10.", Internal: false),
        [typeof(OrderMove)] = new OrderMove(Status: OrderStatus.Confirmed, Reason: null),
        [typeof(ApprovalInput)] = new ApprovalInput(Decision: ApprovalVerdict.Approve, Comment: "Dentro do orçamento da obra."),
        [typeof(SplitInput)] = new SplitInput(Lots: [new LotRequest(WarehouseId: Curitiba, Lines: [new LotLineRequest(Line: 0, Quantity: 20), new LotLineRequest(Line: 1, Quantity: 6)])]),
        [typeof(ShipmentMove)] = new ShipmentMove(Status: ShipmentStatus.Dispatched, Carrier: "Jadlog", TrackingNumber: "JD00012345678BR", Reason: null),
        [typeof(DeliveryInput)] = new DeliveryInput(OrderIds: ["01jf3v4k8m2q7r9s5t6w8x0y1z", "01jf3v9d2c4b6n8m0p2q4r6s8t"], WarehouseId: Curitiba),
        [typeof(ReturnInput)] = new ReturnInput(Lines: [new ReturnLineInput(Line: 0, Quantity: 2)], Reason: "Duas caixas chegaram amassadas."),
        [typeof(ReturnDecision)] = new ReturnDecision(Decision: ApprovalVerdict.Approve, Comment: "Pode devolver pela transportadora."),
        [typeof(ReturnReceipt)] = new ReturnReceipt(Lines: [new ReceivedLine(Line: 0, Condition: GoodsCondition.Damaged)]),
        [typeof(ApprovalRuleInput)] = new ApprovalRuleInput(Name: "Pedidos acima de R$ 20 mil", Side: ApprovalSide.Buyer, Condition: ConditionKind.OrderTotalAbove, Amount: new Amount(Value: 20_000m, Currency: "BRL"),
            Categories: null, Skus: null, Tiers: [new ApprovalTierInput(Roles: [Role.Approver], Require: Quorum.Any)], Active: true, Order: 1),
        [typeof(AddressInput)] = new AddressInput(Label: "Canteiro Centro", Recipient: "Almoxarifado da obra", Line1: "Rua XV de Novembro, 1200", Line2: "Portão 2", City: "Curitiba", Region: "PR",
            PostalCode: "80020-310", Country: "BR", Phone: "+55 41 3222-0000"),
        [typeof(OrderingSettingsInput)] = new OrderingSettingsInput(Backorders: BackorderPolicy.Allow, BackordersUntil: null, PendingHoldHours: 48, NegotiationMarginPercent: 15, QuoteValidityDays: 15),
        [typeof(BillingSettingsInput)] = new BillingSettingsInput(InvoicePer: InvoicePer.Shipment, InvoiceSeries: "nf1", CreditNoteSeries: "nc1", ReminderDays: [0, 7, 15], BlockOrdersAfterDays: 30,
            DepositPercent: null, Prepayment: false, Language: "pt-BR"),
        [typeof(PaymentBatch)] = new PaymentBatch(Payments: [new PaymentInput(PaymentId: "erp-pix-98231", BuyerId: Buyer, Amount: 4_785.50m, Currency: "BRL", ReceivedOn: new DateOnly(2026, 11, 27),
            InvoiceId: "nf1-000123", Installment: 1, Reference: "PIX E1234567820261204")]),
        [typeof(MarketingSettingsInput)] = new MarketingSettingsInput(MaxPerWeek: 2, QuietFrom: "20:00", QuietUntil: "08:00", InactiveFloorDays: 30, InactiveFactor: 2, AttributionDays: 14,
            TaskCartValues: new Dictionary<string, decimal>(StringComparer.Ordinal) { ["BRL"] = 5_000m }, TaskCartAfterHours: 24),
        [typeof(CampaignInput)] = new CampaignInput(Name: "Furadeiras para construtoras", Kind: CampaignKind.Broadcast,
            Segment: new SegmentInput(Categories: ["construtoras"], Customers: null, AbandonedCartHours: null, Inactive: null, NotLoggedInDays: null, Bought: null, CartHasOfferProduct: null),
            Offer: null, Messages: Messages, Schedule: new CampaignSchedule(At: null, Cron: "0 9 * * 1", Until: null), Steps: null, SendWithinHours: 48),
        [typeof(CampaignStatusInput)] = new CampaignStatusInput(Status: CampaignStatus.Ended),
        [typeof(ClearanceSettingsInput)] = new ClearanceSettingsInput(AgeDays: 90, BaseDiscountPercent: 10, MaxDiscountPercent: 30, ValidityDays: 14, Bundle: true),
        [typeof(ClearanceAcceptance)] = new ClearanceAcceptance(DiscountPercent: 15, ValidTo: Monday.AddDays(14), Bundle: false),
        [typeof(CompleteTaskInput)] = new CompleteTaskInput(Note: "Liguei: fazem o pedido da obra nova na semana que vem."),
        [typeof(SnoozeTaskInput)] = new SnoozeTaskInput(Until: Monday.AddDays(21), Note: "Retornar depois das férias coletivas."),
        [typeof(IReadOnlyList<SendGridWebhookFunctions.SendGridEvent>)] = new SendGridWebhookFunctions.SendGridEvent[]
        {
            new(Email: "compras@construtorahorizonte.com.br", Event: "open", Timestamp: 1_764_540_000, SgEventId: "ZGVsaXZlcmVkLTAtNDY4", AsmGroupId: null, Type: null, Reason: null,
                DeliveryId: "01jf3vb1x2y3z4a5b6c7d8e9f0", CampaignId: "01jf3v7q8r9s0t1u2v3w4x5y6z", SupplierId: "distribuidora-parana"),
        },
    };

    /// <summary>The example of <paramref name="type"/> as the document carries it (null when there is none).</summary>
    public static JsonNode? Request(Type type) =>
        Requests.TryGetValue(type, out var example) ? JsonSerializer.SerializeToNode(example, type, Core.Common.Json.Options) : null;
}
