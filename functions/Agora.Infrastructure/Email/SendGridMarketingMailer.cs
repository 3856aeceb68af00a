using System.Globalization;
using System.Net;
using Agora.Core.Marketing;
using Microsoft.Extensions.Options;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Agora.Infrastructure.Email;

/// <summary>Sends a <see cref="MarketingBatch"/> as one SendGrid mail-send request: one personalization per recipient
/// (its address, its substitutions, and custom args that SendGrid hands back with every event of the email: the
/// recipient's own, its delivery id and the kind), the unsubscribe group of the batch's kind with every group on the
/// preferences page, the batch's categories for SendGrid's statistics, and open and click tracking on, which the results
/// of a campaign count. SendGrid answers a refused request whole (nothing of it is sent), so a 429 or 5xx throws and the
/// run resumes at its checkpoint.</summary>
public sealed class SendGridMarketingMailer(HttpClient http, IOptions<SendGridOptions> options, UnsubscribeGroups groups, TimeProvider clock) : IMarketingMailer
{
    /// <summary>SendGrid's limit of categories per message.</summary>
    public const int MaxCategories = 10;

    /// <summary>The custom argument that names the email: the event webhook keys results by it.</summary>
    public const string DeliveryIdArg = "deliveryId";

    public const string KindArg = "kind";

    private readonly SendGridClient _client = SendGridApi.Client(http, options.Value);

    public async Task SendAsync(MarketingBatch batch, CancellationToken cancellationToken)
    {
        var message = Message(batch, options.Value, groups);
        var response = await _client.SendEmailAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await SendGridApi.BodyOfAsync(response, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        throw new MarketingSendRefusedException(
            status,
            RetryAfterOf(response, clock.GetUtcNow()),
            $"SendGrid refused the {batch.Kind} batch of {batch.Recipients.Count} recipients ({status}): {body}");
    }

    /// <summary>The mail-send request of <paramref name="batch"/>; public so a test can read what would be sent.</summary>
    public static SendGridMessage Message(MarketingBatch batch, SendGridOptions options, UnsubscribeGroups groups)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(groups);
        if (batch.Recipients.Count is 0 or > MarketingBatch.MaxRecipients)
        {
            throw new ArgumentException($"A batch has 1 to {MarketingBatch.MaxRecipients} recipients (SendGrid's limit per request), not {batch.Recipients.Count}.", nameof(batch));
        }

        if (batch.Categories.Count > MaxCategories)
        {
            throw new ArgumentException($"SendGrid takes at most {MaxCategories} categories per message, not {batch.Categories.Count}.", nameof(batch));
        }

        var group = groups.GroupOf(batch.Kind);
        if (group <= 0)
        {
            throw new InvalidOperationException($"Set SendGrid__UnsubscribeGroups__{batch.Kind} to the id of its SendGrid unsubscribe group: marketing email is never sent outside one.");
        }

        var message = new SendGridMessage
        {
            From = SendGridApi.From(options),
            Subject = batch.Subject,
            PlainTextContent = batch.Text,
            HtmlContent = batch.Html,
            Asm = new ASM { GroupId = group, GroupsToDisplay = [.. groups.All.Where(g => g > 0).Distinct()] },
            TrackingSettings = new TrackingSettings
            {
                OpenTracking = new OpenTracking { Enable = true },
                ClickTracking = new ClickTracking { Enable = true, EnableText = false },
            },
            Personalizations = [.. batch.Recipients.Select(r => Personalization(r, batch.Kind))],
        };
        if (batch.Categories.Count > 0)
        {
            message.AddCategories([.. batch.Categories]);
        }

        return message;
    }

    private static Personalization Personalization(MarketingRecipient recipient, MarketingKind kind)
    {
        var args = new Dictionary<string, string>(recipient.CustomArgs, StringComparer.Ordinal)
        {
            [DeliveryIdArg] = recipient.DeliveryId,
            [KindArg] = kind.ToString(),
        };
        return new Personalization
        {
            Tos = [new EmailAddress(recipient.Email, recipient.Name)],
            Substitutions = recipient.Substitutions.Count > 0 ? new Dictionary<string, string>(recipient.Substitutions, StringComparer.Ordinal) : null,
            CustomArgs = args,
        };
    }

    /// <summary>Retry-After (seconds or a date) when SendGrid sent it, else its rate-limit reset (X-RateLimit-Reset, Unix
    /// seconds) on a 429.</summary>
    private static TimeSpan? RetryAfterOf(Response response, DateTimeOffset now)
    {
        if (response.Headers?.RetryAfter is { } retryAfter)
        {
            return retryAfter.Delta ?? (retryAfter.Date is { } date ? Max(date - now) : null);
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests
            && response.Headers?.TryGetValues("X-RateLimit-Reset", out var values) == true
            && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var reset)
            && reset < DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return Max(DateTimeOffset.FromUnixTimeSeconds(reset) - now);
        }

        return null;
    }

    private static TimeSpan Max(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
}
