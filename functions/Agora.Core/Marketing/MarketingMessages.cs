using System.Globalization;
using System.Net;
using System.Text;
using Agora.Core.Catalog;
using Agora.Core.Pricing;

namespace Agora.Core.Marketing;

/// <summary>Turns a campaign's message into one SendGrid content for a whole batch, and each recipient's values into its
/// substitutions (pure). The body's placeholders become substitution keys — <c>-name-</c> in the text, <c>-name-html-</c>
/// in the HTML, whose values are HTML-encoded — so one request serves 1,000 different people, and no value a recipient's
/// organization typed (a company name with markup) ever reaches the HTML unencoded. Every email ends with the unsubscribe
/// link of its kind.</summary>
public static class MarketingMessages
{
    public static readonly IReadOnlyList<string> Placeholders = ["name", "company", "coupon", "offer", "cart", "hint", "link"];

    /// <summary>The message in <paramref name="language"/>, else English, else Portuguese.</summary>
    public static CampaignMessage? Pick(IReadOnlyDictionary<string, CampaignMessage> messages, string language) =>
        messages.GetValueOrDefault(language) ?? messages.GetValueOrDefault("en") ?? messages.GetValueOrDefault("pt-BR") ?? messages.Values.FirstOrDefault();

    public static (string Subject, string Text, string Html) Compose(CampaignMessage message, string supplierName, string language)
    {
        ArgumentNullException.ThrowIfNull(message);
        var pt = language == "pt-BR";
        var subject = Keys(message.Subject, html: false);
        var footer = pt
            ? $"Você recebe estes emails de {supplierName} pelo Agora. Para não receber mais: {MarketingBatch.UnsubscribeTag}"
            : $"You get these emails from {supplierName} on Agora. To stop them: {MarketingBatch.UnsubscribeTag}";
        var text = $"{Keys(message.Body, html: false)}\n\n--\n{footer}\n";
        var html = new StringBuilder();
        foreach (var paragraph in message.Body.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            html.Append("<p>").Append(Keys(WebUtility.HtmlEncode(paragraph).Replace("\n", "<br>", StringComparison.Ordinal), html: true)).Append("</p>");
        }

        var unsubscribe = pt ? "Não quero mais receber estes emails" : "Unsubscribe from these emails";
        var from = pt ? $"Você recebe estes emails de {WebUtility.HtmlEncode(supplierName)} pelo Agora." : $"You get these emails from {WebUtility.HtmlEncode(supplierName)} on Agora.";
        html.Append(CultureInfo.InvariantCulture, $"<hr><p style=\"font-size:12px;color:#666\">{from} <a href=\"{MarketingBatch.UnsubscribeTag}\">{unsubscribe}</a></p>");
        return (subject, text, html.ToString());
    }

    /// <summary>A recipient's values as SendGrid substitutions: each placeholder's text, and its HTML-encoded form.</summary>
    public static IReadOnlyDictionary<string, string> Substitutions(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in Placeholders)
        {
            var value = values.GetValueOrDefault(key) ?? string.Empty;
            result[$"-{key}-"] = value;
            var encoded = WebUtility.HtmlEncode(value);
            // The portal link is a link in the HTML (it is Agora's own URL, never a recipient's text).
            result[$"-{key}-html-"] = key == "link" && value.Length > 0 ? $"<a href=\"{encoded}\">{encoded}</a>" : encoded.Replace("\n", "<br>", StringComparison.Ordinal);
        }

        return result;
    }

    /// <summary>What one recipient's email says in each placeholder.</summary>
    public static IReadOnlyDictionary<string, string> Values(string language, string? name, string company, string? coupon, Promotion? offer, Quote? cart,
        IReadOnlyDictionary<string, Product>? products, string link)
    {
        var pt = language == "pt-BR";
        var culture = CultureInfo.GetCultureInfo(pt ? "pt-BR" : "en-US");
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["name"] = string.IsNullOrWhiteSpace(name) ? (pt ? "cliente" : "there") : name.Trim(),
            ["company"] = company,
            ["coupon"] = coupon ?? string.Empty,
            ["link"] = link,
            ["offer"] = offer is null ? string.Empty
                : offer.ValidTo is { } until
                    ? pt ? $"{offer.Name} (válida até {until.UtcDateTime.ToString("dd/MM/yyyy", culture)})" : $"{offer.Name} (until {until.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})"
                    : offer.Name,
            ["cart"] = string.Empty,
            ["hint"] = string.Empty,
        };
        if (cart is not null)
        {
            var lines = new StringBuilder();
            foreach (var line in cart.Lines.Take(10))
            {
                var product = products?.GetValueOrDefault(line.Sku)?.Name ?? line.Sku;
                lines.Append(CultureInfo.InvariantCulture, $"{line.Quantity.ToString("0.######", culture)} {line.Unit} {product} ({line.Sku}): {Money(line.LineTotal, cart.Currency, culture)}\n");
            }

            if (cart.Lines.Count > 10)
            {
                lines.Append(pt ? $"... e mais {cart.Lines.Count - 10} itens\n" : $"... and {cart.Lines.Count - 10} more lines\n");
            }

            lines.Append(pt ? "Total: " : "Total: ").Append(Money(cart.Total, cart.Currency, culture));
            values["cart"] = lines.ToString();
            values["hint"] = string.Join("\n", cart.Hints.Concat(cart.Lines.SelectMany(l => l.Hints)).Distinct(StringComparer.Ordinal).Take(3));
        }

        return values;
    }

    /// <summary>A subject as a history line says it: its placeholders as an ellipsis (they differ per person).</summary>
    public static string Plain(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var key in Placeholders)
        {
            subject = subject.Replace("{{" + key + "}}", "…", StringComparison.OrdinalIgnoreCase);
        }

        return subject;
    }

    private static string Money(decimal amount, string currency, CultureInfo culture) =>
        $"{currency} {amount.ToString("N" + Common.Currency.MinorUnitsOf(currency).ToString(CultureInfo.InvariantCulture), culture)}";

    private static string Keys(string text, bool html)
    {
        foreach (var key in Placeholders)
        {
            text = text.Replace("{{" + key + "}}", html ? $"-{key}-html-" : $"-{key}-", StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }
}
