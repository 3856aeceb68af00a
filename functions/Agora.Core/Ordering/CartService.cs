using System.Globalization;
using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Pricing;

namespace Agora.Core.Ordering;

/// <summary>Carts and named lists. Every change reprices the whole cart with the pricing engine and checks it against the
/// buyer's assortment, the quantity rules and the stock under the supplier's backorder policy; lines the catalog does not
/// sell to this buyer are refused with the reason, the others kept with their problems in words until the buyer fixes
/// them. A change costs the cart's read and write plus a quote's few reads, whatever its number of lines.</summary>
public sealed class CartService(
    SalesAccess access,
    ICustomerAccountStore accounts,
    PricingService pricing,
    IProductStore products,
    IWarehouseStore warehouses,
    IOrderingStore ordering,
    ISalesDocuments<Cart> carts,
    ISalesDocuments<Order> orders,
    ISalesIndex index,
    SalesSignal outbox,
    IEnumerable<ICartObserver> observers,
    TimeProvider clock)
{
    public const int MaxListPage = 100;

    /// <summary>A line to add, with the row it came from when it came from a file or a paste.</summary>
    public sealed record NewLine(int? Row, string Sku, string? Unit, decimal Quantity);

    public async Task<CartView> GetCartAsync(Caller caller, string buyerId, string supplierId, CancellationToken cancellationToken)
    {
        await access.BuyerAsync(caller, buyerId, "shop", SalesAccess.Shoppers, cancellationToken).ConfigureAwait(false);
        var account = await AccountAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false);
        var id = Cart.CartIdOf(buyerId, supplierId, caller.UserId);
        var cart = (await carts.FindAsync(id, cancellationToken).ConfigureAwait(false))?.Value ?? NewCart(id, CartKind.Cart, caller, buyerId, supplierId, null, ListVisibility.Private, []);
        return await ViewAsync(cart, account, cancellationToken).ConfigureAwait(false);
    }

    public Task<CartView> AddLinesAsync(Caller caller, string buyerId, string supplierId, AddCartLines input, CancellationToken cancellationToken)
    {
        var lines = CartViews.Validate(input.Lines, "lines").Select(l => new NewLine(null, l.Sku!, l.Unit?.ToUpperInvariant(), l.Quantity!.Value)).ToArray();
        return AddAsync(caller, buyerId, supplierId, lines, [], "added", cancellationToken);
    }

    /// <summary>Adds lines read from a paste or an order file; rows the reader refused come back in the cart's
    /// <see cref="CartView.Rejected"/> beside those the catalog refused.</summary>
    public Task<CartView> AddRowsAsync(Caller caller, string buyerId, string supplierId, IReadOnlyList<NewLine> lines, IReadOnlyList<RejectedLine> rejectedByReader, CancellationToken cancellationToken)
    {
        if (lines.Count == 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "No line of the order could be read.", new Dictionary<string, string[]>
            {
                ["lines"] = rejectedByReader.Count == 0 ? ["The order holds no line."] : rejectedByReader.Take(20).Select(r => $"Row {r.Row}: {r.Reason}").ToArray(),
            });
        }

        return AddAsync(caller, buyerId, supplierId, lines, rejectedByReader, "quick order", cancellationToken);
    }

    /// <summary>Quick order: a pasted list (<c>text/plain</c>) or an order file (CSV or XLSX, Portuguese or English
    /// headers) read by <see cref="QuickOrderReader"/> into the caller's cart; the rows it could not read and the lines the
    /// catalog refused come back in <see cref="CartView.Rejected"/> with their row numbers. A file that cannot be read at
    /// all is one 422 that says why.</summary>
    public async Task<CartView> QuickOrderAsync(Caller caller, string buyerId, string supplierId, Stream body, string? contentType, string? fileName, CancellationToken cancellationToken)
    {
        await access.BuyerAsync(caller, buyerId, "shop", SalesAccess.Shoppers, cancellationToken).ConfigureAwait(false);
        _ = await AccountAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false);
        QuickOrderParse parse;
        try
        {
            if (contentType?.Split(';')[0].Trim().Equals("text/plain", StringComparison.OrdinalIgnoreCase) == true)
            {
                using var reader = new StreamReader(body, System.Text.Encoding.UTF8);
                var buffer = new char[QuickOrderReader.MaxFileBytes + 1];
                var read = await reader.ReadBlockAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read > QuickOrderReader.MaxFileBytes)
                {
                    throw new Files.TabularFileException($"A pasted order is at most {QuickOrderReader.MaxFileBytes / 1024 / 1024} MB.");
                }

                parse = QuickOrderReader.ParseText(new string(buffer, 0, read));
            }
            else
            {
                parse = await QuickOrderReader.ParseFileAsync(body, fileName, contentType, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Files.TabularFileException e)
        {
            throw DomainException.Unprocessable("file", e.Message);
        }

        return await AddRowsAsync(caller, buyerId, supplierId, parse.Lines.Select(l => new NewLine(l.Row, l.Sku, l.Unit?.ToUpperInvariant(), l.Quantity)).ToArray(),
            parse.Rejected.Select(r => new RejectedLine(r.Row, r.Sku, r.Reason)).ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the lines of a past order of this buyer at this supplier (bonus lines are the supplier's to give again).</summary>
    public async Task<CartView> ReorderAsync(Caller caller, string buyerId, string supplierId, Reorder input, CancellationToken cancellationToken)
    {
        await access.BuyerAsync(caller, buyerId, "shop", SalesAccess.Shoppers, cancellationToken).ConfigureAwait(false);
        var order = input.OrderId is { } orderId && Ids.IsWellFormed(orderId) ? (await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false))?.Value : null;
        if (order is null || order.BuyerId != buyerId || order.SupplierId != supplierId)
        {
            throw DomainException.Invalid("orderId", "is not an order of this buyer at this supplier.");
        }

        var lines = order.Lines.Where(l => l.Price.Status != LineStatus.Bonus).Select(l => new NewLine(l.Price.Line, l.Price.Sku, l.Price.Unit, l.Price.Quantity)).ToArray();
        return await AddAsync(caller, buyerId, supplierId, lines, [], $"reordered {order.Number}", cancellationToken).ConfigureAwait(false);
    }

    public async Task<CartView> ChangeLineAsync(Caller caller, string buyerId, string supplierId, string lineId, ChangeCartLine input, CancellationToken cancellationToken)
    {
        var v = new Validation();
        v.Check(input.Unit is null || ProductRules.IsUnitCode(input.Unit), "unit", "must be a sale unit such as UN or CX.");
        v.Check(input.Quantity is null || CartViews.IsQuantity(input.Quantity), "quantity", CartViews.QuantityReason);
        v.Check(input.Unit is not null || input.Quantity is not null, "quantity", "set the quantity, the unit or both.");
        v.ThrowIfInvalid();
        return await MutateAsync(caller, buyerId, supplierId, cart =>
        {
            var line = cart.Lines.FirstOrDefault(l => l.LineId == lineId) ?? throw DomainException.NotFound("Cart line", lineId);
            var changed = line with { Unit = input.Unit?.ToUpperInvariant() ?? line.Unit, Quantity = input.Quantity ?? line.Quantity };
            var lines = cart.Lines.Select(l => l.LineId == lineId ? changed : l).ToArray();
            return (lines, $"Changed {line.Sku} from {Num(line.Quantity)} {line.Unit} to {Num(changed.Quantity)} {changed.Unit}.", "changed", []);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<CartView> RemoveLineAsync(Caller caller, string buyerId, string supplierId, string lineId, CancellationToken cancellationToken) =>
        MutateAsync(caller, buyerId, supplierId, cart =>
        {
            var line = cart.Lines.FirstOrDefault(l => l.LineId == lineId) ?? throw DomainException.NotFound("Cart line", lineId);
            return (cart.Lines.Where(l => l.LineId != lineId).ToArray(), $"Removed {line.Sku} ({Num(line.Quantity)} {line.Unit}).", "removed", []);
        }, cancellationToken);

    public Task<CartView> ClearAsync(Caller caller, string buyerId, string supplierId, CancellationToken cancellationToken) =>
        MutateAsync(caller, buyerId, supplierId, cart => ([], $"Emptied the cart ({cart.Lines.Count} lines).", "emptied", []), cancellationToken);

    public async Task<CartView> SetCouponsAsync(Caller caller, string buyerId, string supplierId, CartCoupons input, CancellationToken cancellationToken)
    {
        var codes = (input.CouponCodes ?? []).Select(c => c?.Trim() ?? string.Empty).ToArray();
        var v = new Validation();
        for (var i = 0; i < codes.Length; i++)
        {
            v.Check(codes[i].Length is > 0 and <= PricingService.MaxCouponCodeLength, $"couponCodes[{i}]", $"must be a coupon code of at most {PricingService.MaxCouponCodeLength} characters.");
        }

        v.ThrowIfInvalid();
        return await MutateAsync(caller, buyerId, supplierId, cart => (cart.Lines, codes.Length == 0 ? "Removed the coupon codes." : $"Set coupon codes {string.Join(", ", codes)}.", "coupons", codes),
            cancellationToken).ConfigureAwait(false);
    }

    // Lists.

    public async Task<Versioned<CartView>> CreateListAsync(Caller caller, string buyerId, string supplierId, CreateList input, CancellationToken cancellationToken)
    {
        await access.BuyerAsync(caller, buyerId, "keep lists", SalesAccess.Shoppers, cancellationToken).ConfigureAwait(false);
        var account = await AccountAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false);
        var v = new Validation();
        var name = v.RequiredText(input.Name, "name", 200);
        v.Check(!(input.FromCart == true && input.Lines is { Count: > 0 }), "lines", "send lines or fromCart, not both.");
        v.ThrowIfInvalid();
        IReadOnlyList<CartItem> items = [];
        if (input.FromCart == true)
        {
            items = (await carts.FindAsync(Cart.CartIdOf(buyerId, supplierId, caller.UserId), cancellationToken).ConfigureAwait(false))?.Value.Lines ?? [];
        }
        else if (input.Lines is { Count: > 0 })
        {
            items = CartViews.Validate(input.Lines, "lines").Select(l => new CartItem(Ids.New(clock), l.Sku!, l.Unit?.ToUpperInvariant() ?? string.Empty, l.Quantity!.Value, clock.GetUtcNow())).ToArray();
            items = await ResolveUnitsAsync(supplierId, items, cancellationToken).ConfigureAwait(false);
        }

        var list = NewCart(Ids.New(clock), CartKind.List, caller, buyerId, supplierId, name, input.Visibility ?? ListVisibility.Private, items);
        list = list with { Outbox = list.Outbox.Add(SalesFacts.Entry(clock, list.Subject, Actor.Of(caller, buyerId), "created", $"Created list '{name}' with {items.Count} lines.", Visibility.Buyer)) };
        var stored = await carts.CreateAsync(list, cancellationToken).ConfigureAwait(false);
        await AfterWriteAsync(stored.Value, cancellationToken).ConfigureAwait(false);
        return new Versioned<CartView>(await ViewAsync(stored.Value, account, cancellationToken).ConfigureAwait(false), stored.Value.ContentVersion);
    }

    public async Task<Versioned<CartView>> GetListAsync(Caller caller, string buyerId, string supplierId, string listId, CancellationToken cancellationToken)
    {
        var you = await access.BuyerAsync(caller, buyerId, "read lists", Roles.BuyerStaff, cancellationToken).ConfigureAwait(false);
        var account = await AccountAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false);
        var list = await ListAsync(you, caller, supplierId, listId, write: false, cancellationToken).ConfigureAwait(false);
        return new Versioned<CartView>(await ViewAsync(list.Value, account, cancellationToken).ConfigureAwait(false), list.Value.ContentVersion);
    }

    public async Task<Page<CartSummary>> ListListsAsync(Caller caller, string buyerId, string supplierId, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        await access.BuyerAsync(caller, buyerId, "read lists", Roles.BuyerStaff, cancellationToken).ConfigureAwait(false);
        _ = await AccountAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false);
        return await index.ListListsAsync(buyerId, supplierId, caller.UserId, Cursor.Decode(cursor, "cursor"), Paging.Size(limit, 50, MaxListPage), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Renames, shares or replaces the lines of a list, with If-Match (its owner or the buyer's admins).</summary>
    public async Task<Versioned<CartView>> ChangeListAsync(Caller caller, string buyerId, string supplierId, string listId, ChangeList input, string? ifMatch, CancellationToken cancellationToken)
    {
        var you = await access.BuyerAsync(caller, buyerId, "change lists", SalesAccess.Shoppers, cancellationToken).ConfigureAwait(false);
        var account = await AccountAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false);
        var v = new Validation();
        var name = input.Name is null ? null : v.RequiredText(input.Name, "name", 200);
        v.ThrowIfInvalid();
        IReadOnlyList<CartItem>? items = input.Lines is null ? null
            : await ResolveUnitsAsync(supplierId, CartViews.Validate(input.Lines, "lines").Select(l => new CartItem(Ids.New(clock), l.Sku!, l.Unit?.ToUpperInvariant() ?? string.Empty, l.Quantity!.Value, clock.GetUtcNow())).ToArray(),
                cancellationToken).ConfigureAwait(false);
        var stored = await Concurrency.RetryAsync("The list", async _ =>
        {
            var current = await ListAsync(you, caller, supplierId, listId, write: true, cancellationToken).ConfigureAwait(false);
            Versions.CheckContent(current.Value.ContentVersion, ifMatch);
            var now = clock.GetUtcNow();
            var changed = current.Value with
            {
                Name = name ?? current.Value.Name,
                Visibility = input.Visibility ?? current.Value.Visibility,
                Lines = items ?? current.Value.Lines,
                UpdatedAt = now,
                LastActivityAt = now,
            };
            var changes = new Dictionary<string, string>();
            if (changed.Name != current.Value.Name)
            {
                changes["name"] = $"{current.Value.Name} → {changed.Name}";
            }

            if (changed.Visibility != current.Value.Visibility)
            {
                changes["visibility"] = $"{current.Value.Visibility} → {changed.Visibility}".ToLowerInvariant();
            }

            if (items is not null)
            {
                changes["lines"] = $"{current.Value.Lines.Count} → {items.Count}";
            }

            changed = changed with { Outbox = changed.Outbox.Add(SalesFacts.Entry(clock, changed.Subject, Actor.Of(caller, buyerId), "changed", $"Changed list '{changed.Name}'.", Visibility.Buyer, changes)) };
            return await carts.ReplaceAsync(changed, current.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await AfterWriteAsync(stored.Value, cancellationToken).ConfigureAwait(false);
        return new Versioned<CartView>(await ViewAsync(stored.Value, account, cancellationToken).ConfigureAwait(false), stored.Value.ContentVersion);
    }

    public async Task DeleteListAsync(Caller caller, string buyerId, string supplierId, string listId, CancellationToken cancellationToken)
    {
        var you = await access.BuyerAsync(caller, buyerId, "delete lists", SalesAccess.Shoppers, cancellationToken).ConfigureAwait(false);
        _ = await ListAsync(you, caller, supplierId, listId, write: true, cancellationToken).ConfigureAwait(false);
        await carts.DeleteAsync(listId, cancellationToken).ConfigureAwait(false);
        await index.RemoveCartAsync(buyerId, listId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds a list's lines to the caller's cart.</summary>
    public async Task<CartView> ListToCartAsync(Caller caller, string buyerId, string supplierId, string listId, CancellationToken cancellationToken)
    {
        var you = await access.BuyerAsync(caller, buyerId, "shop", SalesAccess.Shoppers, cancellationToken).ConfigureAwait(false);
        var list = await ListAsync(you, caller, supplierId, listId, write: false, cancellationToken).ConfigureAwait(false);
        if (list.Value.Lines.Count == 0)
        {
            throw DomainException.Unprocessable("listId", $"List '{list.Value.Name}' is empty.");
        }

        var lines = list.Value.Lines.Select(l => new NewLine(null, l.Sku, l.Unit, l.Quantity)).ToArray();
        return await AddAsync(caller, buyerId, supplierId, lines, [], $"added list '{list.Value.Name}'", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a cart or list for either side (timelines, a sales manager helping a customer): the buyer's own cart,
    /// a list it may see, or any of its customers' carts for the supplier's staff.</summary>
    public async Task<CartView> GetByIdAsync(Caller caller, string orgId, string cartId, CancellationToken cancellationToken)
    {
        var cart = await ReadableAsync(caller, orgId, cartId, cancellationToken).ConfigureAwait(false);
        var account = await AccountAsync(cart.SupplierId, cart.BuyerId, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(cart, account, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The cart or list <paramref name="cartId"/> if the caller may read it from <paramref name="orgId"/>; 404 otherwise.</summary>
    public async Task<Cart> ReadableAsync(Caller caller, string orgId, string cartId, CancellationToken cancellationToken)
    {
        var cart = (await carts.FindAsync(cartId, cancellationToken).ConfigureAwait(false))?.Value;
        var party = await access.PartyAsync(caller, orgId, cart, "Cart", cartId, cancellationToken).ConfigureAwait(false);
        var mine = cart!.OwnerId == caller.UserId;
        if (!party.IsBuyer)
        {
            // The supplier's admins and sales managers follow their customers' carts (to help, and to see what was left).
            _ = party.You.Require("read customers' carts", SalesAccess.SupplierSellers);
            return cart;
        }

        // Another member's own cart or private list is theirs: not disclosed, except to the buyer's admins.
        var allowed = mine || (cart.Type == CartKind.List && cart.Visibility == ListVisibility.Shared) || party.You.Has(Role.BuyerAdmin);
        return allowed ? cart : throw DomainException.NotFound("Cart", cartId);
    }



    private async Task<Versioned<Cart>> ListAsync(OrgAccess you, Caller caller, string supplierId, string listId, bool write, CancellationToken cancellationToken)
    {
        var list = Ids.IsWellFormed(listId) ? await carts.FindAsync(listId, cancellationToken).ConfigureAwait(false) : null;
        var l = list?.Value;
        var visible = l is not null && l.Type == CartKind.List && l.BuyerId == you.Org.Id && l.SupplierId == supplierId
            && (l.OwnerId == caller.UserId || l.Visibility == ListVisibility.Shared || you.Has(Role.BuyerAdmin));
        if (!visible)
        {
            throw DomainException.NotFound("List", listId);
        }

        if (write && l!.OwnerId != caller.UserId && !you.Has(Role.BuyerAdmin))
        {
            throw DomainException.Forbidden($"List '{l.Name}' is {l.OwnerName ?? l.OwnerId}'s; its owner and your organization's admins change it. Copy it into your cart or a list of your own instead.");
        }

        return list!;
    }

    private async Task<CartView> AddAsync(Caller caller, string buyerId, string supplierId, IReadOnlyList<NewLine> lines, IReadOnlyList<RejectedLine> rejectedBefore, string action, CancellationToken cancellationToken)
    {
        var units = await BaseUnitsAsync(supplierId, lines.Where(l => l.Unit is null).Select(l => l.Sku), cancellationToken).ConfigureAwait(false);
        var rejected = rejectedBefore.ToList();
        var resolved = new List<NewLine>(lines.Count);
        foreach (var line in lines)
        {
            if (line.Unit is null && !units.ContainsKey(line.Sku))
            {
                rejected.Add(new RejectedLine(line.Row, line.Sku, $"{line.Sku} is not in this supplier's catalog."));
                continue;
            }

            resolved.Add(line with { Unit = line.Unit ?? units[line.Sku] });
        }

        var added = resolved.Count;
        return await MutateAsync(caller, buyerId, supplierId, cart =>
        {
            var now = clock.GetUtcNow();
            var merged = cart.Lines.ToList();
            var newIds = new List<(string LineId, NewLine From)>();
            foreach (var line in resolved)
            {
                var i = merged.FindIndex(l => l.Sku == line.Sku && l.Unit == line.Unit);
                if (i >= 0)
                {
                    merged[i] = merged[i] with { Quantity = merged[i].Quantity + line.Quantity };
                }
                else
                {
                    var item = new CartItem(Ids.New(clock), line.Sku, line.Unit!, line.Quantity, now);
                    merged.Add(item);
                    newIds.Add((item.LineId, line));
                }
            }

            if (merged.Count > Cart.MaxLines)
            {
                throw DomainException.Unprocessable("lines", $"A cart holds at most {Cart.MaxLines} lines; this would make it {merged.Count}. Check out or save part of it as a list first.");
            }

            var what = added == 1 ? $"{resolved[0].Sku} ({Num(resolved[0].Quantity)} {resolved[0].Unit})" : $"{added} lines";
            return (merged, $"{Capital(action)}: {what}.", action, null, newIds, rejected);
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task<CartView> MutateAsync(Caller caller, string buyerId, string supplierId, Func<Cart, (IReadOnlyList<CartItem> Lines, string Summary, string Action, IReadOnlyList<string>? Coupons)> change,
        CancellationToken cancellationToken) =>
        MutateAsync(caller, buyerId, supplierId, cart =>
        {
            var (lines, summary, action, coupons) = change(cart);
            return (lines, summary, action, coupons, [], []);
        }, cancellationToken);

    /// <summary>Reads the caller's cart, applies <paramref name="change"/>, reprices, drops the lines it added that the
    /// catalog refuses, and writes it back; on a lost race it does all of it again on the newer cart.</summary>
    private async Task<CartView> MutateAsync(Caller caller, string buyerId, string supplierId,
        Func<Cart, (IReadOnlyList<CartItem> Lines, string Summary, string Action, IReadOnlyList<string>? Coupons, List<(string LineId, NewLine From)> Added, List<RejectedLine> Rejected)> change,
        CancellationToken cancellationToken)
    {
        await access.BuyerAsync(caller, buyerId, "shop", SalesAccess.Shoppers, cancellationToken).ConfigureAwait(false);
        var account = await AccountAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false);
        var id = Cart.CartIdOf(buyerId, supplierId, caller.UserId);
        var context = await ContextAsync(supplierId, cancellationToken).ConfigureAwait(false);
        return await Concurrency.RetryAsync("Your cart", async _ =>
        {
            var stored = await carts.FindAsync(id, cancellationToken).ConfigureAwait(false);
            var cart = stored?.Value ?? NewCart(id, CartKind.Cart, caller, buyerId, supplierId, null, ListVisibility.Private, []);
            var (lines, summary, action, coupons, added, rejected) = change(cart);
            var now = clock.GetUtcNow();
            var candidate = cart with { Lines = lines, CouponCodes = coupons ?? cart.CouponCodes, UpdatedAt = now, LastActivityAt = now };
            var (quote, book) = await PriceAsync(candidate, account, cancellationToken).ConfigureAwait(false);
            if (quote is not null && added.Count > 0)
            {
                // Lines this change added that the catalog does not sell to the buyer are refused, not kept.
                var refused = new HashSet<string>(StringComparer.Ordinal);
                var priced = quote.Lines.Where(l => l.Status != LineStatus.Bonus).ToArray();
                for (var i = 0; i < candidate.Lines.Count; i++)
                {
                    var match = added.FirstOrDefault(a => a.LineId == candidate.Lines[i].LineId);
                    if (match.From is not null && priced[i].Status == LineStatus.Unavailable)
                    {
                        refused.Add(match.LineId);
                        rejected.Add(new RejectedLine(match.From.Row, match.From.Sku, (priced[i].Issues.Count > 0 ? priced[i].Issues[0] : null) ?? $"{match.From.Sku} is not sold to you."));
                    }
                }

                if (refused.Count > 0)
                {
                    candidate = candidate with { Lines = candidate.Lines.Where(l => !refused.Contains(l.LineId)).ToArray() };
                    (quote, book) = await PriceAsync(candidate, account, cancellationToken).ConfigureAwait(false);
                    summary += $" {refused.Count} refused.";
                }
            }

            candidate = candidate with { Outbox = candidate.Outbox.Add(SalesFacts.Entry(clock, candidate.Subject, Actor.Of(caller, buyerId), action, summary, Visibility.Both)) };
            var written = stored is null
                ? await carts.CreateAsync(candidate, cancellationToken).ConfigureAwait(false)
                : await carts.ReplaceAsync(candidate, stored.ETag, cancellationToken).ConfigureAwait(false);
            await AfterWriteAsync(written.Value, cancellationToken).ConfigureAwait(false);
            var view = CartViews.Build(written.Value, account.Currency, quote, book?.Products ?? new Dictionary<string, Product>(), context.Warehouses, context.Settings.AllowsBackorders(DateOnly.FromDateTime(now.UtcDateTime)), now);
            return view with { Rejected = rejected.OrderBy(r => r.Row ?? int.MaxValue).ToArray() };
        }).ConfigureAwait(false);
    }

    internal async Task<CartView> ViewAsync(Cart cart, CustomerAccount account, CancellationToken cancellationToken)
    {
        var contextTask = ContextAsync(cart.SupplierId, cancellationToken);
        var (quote, book) = await PriceAsync(cart, account, cancellationToken).ConfigureAwait(false);
        var context = await contextTask.ConfigureAwait(false);
        var now = clock.GetUtcNow();
        return CartViews.Build(cart, account.Currency, quote, book?.Products ?? new Dictionary<string, Product>(), context.Warehouses, context.Settings.AllowsBackorders(DateOnly.FromDateTime(now.UtcDateTime)), now);
    }

    private async Task<(Quote? Quote, PricingBook? Book)> PriceAsync(Cart cart, CustomerAccount account, CancellationToken cancellationToken)
    {
        if (cart.Lines.Count == 0)
        {
            return (null, null);
        }

        var request = new QuoteRequest(cart.Lines.Select(l => new CartLine(l.Sku, l.Unit, l.Quantity)).ToArray(), cart.CouponCodes);
        return await pricing.PriceAsync(account, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The supplier's active warehouses and ordering settings, which the cart's stock problems depend on.</summary>
    internal async Task<(IReadOnlySet<string> Warehouses, OrderingSettings Settings)> ContextAsync(string supplierId, CancellationToken cancellationToken)
    {
        var warehousesTask = warehouses.ListAsync(supplierId, cancellationToken);
        var settingsTask = ordering.SettingsAsync(supplierId, cancellationToken);
        await Task.WhenAll(warehousesTask, settingsTask).ConfigureAwait(false);
        var active = ((await warehousesTask.ConfigureAwait(false))?.Value ?? []).Where(w => w.Active).Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
        return (active, (await settingsTask.ConfigureAwait(false)).Value);
    }

    /// <summary>The customer account between the two, which every cart needs (currency, category); 404 without one, 422 when blocked.</summary>
    internal async Task<CustomerAccount> AccountAsync(string supplierId, string buyerId, CancellationToken cancellationToken)
    {
        var account = Ids.IsWellFormed(supplierId) ? await accounts.FindAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false) : null;
        return account?.Value ?? throw DomainException.NotFound("Supplier account", supplierId);
    }

    /// <summary>Lines a client sent (shape checked) with each missing unit resolved to the product's base unit; 400 for a
    /// SKU the supplier does not have.</summary>
    internal async Task<CartLine[]> LinesAsync(string supplierId, IReadOnlyList<CartLineInput>? input, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var items = CartViews.Validate(input, "lines").Select(l => new CartItem(string.Empty, l.Sku!, l.Unit?.ToUpperInvariant() ?? string.Empty, l.Quantity!.Value, now)).ToArray();
        return (await ResolveUnitsAsync(supplierId, items, cancellationToken).ConfigureAwait(false)).Select(i => new CartLine(i.Sku, i.Unit, i.Quantity)).ToArray();
    }

    private async Task<IReadOnlyList<CartItem>> ResolveUnitsAsync(string supplierId, IReadOnlyList<CartItem> items, CancellationToken cancellationToken)
    {
        var units = await BaseUnitsAsync(supplierId, items.Where(i => i.Unit.Length == 0).Select(i => i.Sku), cancellationToken).ConfigureAwait(false);
        var v = new Validation();
        for (var i = 0; i < items.Count; i++)
        {
            v.Check(items[i].Unit.Length > 0 || units.ContainsKey(items[i].Sku), $"lines[{i}].sku", $"{items[i].Sku} is not in this supplier's catalog.");
        }

        v.ThrowIfInvalid();
        return items.Select(i => i.Unit.Length > 0 ? i : i with { Unit = units[i.Sku] }).ToArray();
    }

    private async Task<IReadOnlyDictionary<string, string>> BaseUnitsAsync(string supplierId, IEnumerable<string> skus, CancellationToken cancellationToken)
    {
        var wanted = skus.Distinct(StringComparer.Ordinal).ToArray();
        return wanted.Length == 0 ? new Dictionary<string, string>()
            : (await products.FindManyAsync(supplierId, wanted, cancellationToken).ConfigureAwait(false)).ToDictionary(p => p.Value.Sku, p => p.Value.BaseUnit, StringComparer.Ordinal);
    }

    /// <summary>What follows every write of a cart or list: its summary, its outbox, its observers (checkout too).</summary>
    internal async Task AfterWriteAsync(Cart cart, CancellationToken cancellationToken)
    {
        await index.UpsertAsync(CartSummary.Of(cart), cancellationToken).ConfigureAwait(false);
        await outbox.SignalAsync(cart, cancellationToken).ConfigureAwait(false);
        foreach (var observer in observers)
        {
            await observer.ChangedAsync(cart, cancellationToken).ConfigureAwait(false);
        }
    }

    private Cart NewCart(string id, CartKind kind, Caller caller, string buyerId, string supplierId, string? name, ListVisibility visibility, IReadOnlyList<CartItem> lines)
    {
        var now = clock.GetUtcNow();
        return new Cart
        {
            Id = id,
            Type = kind,
            BuyerId = buyerId,
            SupplierId = supplierId,
            OwnerId = caller.UserId,
            OwnerName = caller.Name ?? caller.Email,
            OwnerEmail = caller.Email,
            Name = name,
            Visibility = visibility,
            Lines = lines,
            CreatedAt = now,
            UpdatedAt = now,
            LastActivityAt = now,
        };
    }

    private static string Num(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
