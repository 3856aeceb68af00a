using Agora.Core.Marketing;
using Agora.Core.Notifications;
using Microsoft.Extensions.Options;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Agora.Infrastructure.Email;

/// <summary>App settings <c>SendGrid__ApiKey</c>, <c>SendGrid__FromEmail</c>, <c>SendGrid__FromName</c>, and locally
/// <c>SendGrid__Host</c>, which points the real client at the local runtime's mail sink. Marketing adds
/// <c>SendGrid__WebhookPublicKey</c>, the Event Webhook's verification key (base64 DER, as the SendGrid console shows it;
/// the local runtime sets its own), and <c>SendGrid__UnsubscribeGroups__*</c> (<see cref="UnsubscribeGroups"/>, read by
/// <see cref="InfrastructureServices"/>).</summary>
public sealed class SendGridOptions
{
    public const string Section = "SendGrid";

    public string ApiKey { get; set; } = string.Empty;

    public string FromEmail { get; set; } = "no-reply@agora.example";

    public string FromName { get; set; } = "Agora";

    public string? Host { get; set; }

    public string WebhookPublicKey { get; set; } = string.Empty;
}

/// <summary>What the transactional sender and the marketing mailer share: one client built from <see cref="SendGridOptions"/>
/// on the HttpClient the factory gives each, and one way of saying what SendGrid refused.</summary>
internal static class SendGridApi
{
    public static SendGridClient Client(HttpClient http, SendGridOptions options) => new(http, new SendGridClientOptions
    {
        ApiKey = options.ApiKey,
        Host = string.IsNullOrEmpty(options.Host) ? "https://api.sendgrid.com" : options.Host,
    });

    public static EmailAddress From(SendGridOptions options) => new(options.FromEmail, options.FromName);

    /// <summary>SendGrid's answer to a refused request, cut to what a log line or an exception message can carry.</summary>
    public static async Task<string> BodyOfAsync(Response response, CancellationToken cancellationToken)
    {
        var body = await response.Body.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return body.Length <= 2000 ? body : body[..2000] + "…";
    }
}

public sealed class SendGridEmailSender(HttpClient http, IOptions<SendGridOptions> options) : IEmailSender
{
    private readonly SendGridClient _client = SendGridApi.Client(http, options.Value);

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var mail = MailHelper.CreateSingleEmail(
            SendGridApi.From(options.Value), new EmailAddress(message.To, message.ToName), message.Subject, message.Text, message.Html);
        var response = await _client.SendEmailAsync(mail, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // Thrown so the queue retries the message, and after its last attempt keeps it in the poison queue.
            var body = await SendGridApi.BodyOfAsync(response, cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"SendGrid refused the email ({(int)response.StatusCode}): {body}", null, response.StatusCode);
        }
    }
}
