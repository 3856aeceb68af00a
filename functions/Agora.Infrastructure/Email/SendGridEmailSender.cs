using Agora.Core.Notifications;
using Microsoft.Extensions.Options;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Agora.Infrastructure.Email;

/// <summary>App settings <c>SendGrid__ApiKey</c>, <c>SendGrid__FromEmail</c>, <c>SendGrid__FromName</c>, and locally
/// <c>SendGrid__Host</c>, which points the real client at the local runtime's mail sink.</summary>
public sealed class SendGridOptions
{
    public const string Section = "SendGrid";

    public string ApiKey { get; set; } = string.Empty;

    public string FromEmail { get; set; } = "no-reply@agora.example";

    public string FromName { get; set; } = "Agora";

    public string? Host { get; set; }
}

public sealed class SendGridEmailSender(HttpClient http, IOptions<SendGridOptions> options) : IEmailSender
{
    private readonly SendGridClient _client = new(http, new SendGridClientOptions
    {
        ApiKey = options.Value.ApiKey,
        Host = string.IsNullOrEmpty(options.Value.Host) ? "https://api.sendgrid.com" : options.Value.Host,
    });

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var mail = MailHelper.CreateSingleEmail(
            new EmailAddress(options.Value.FromEmail, options.Value.FromName), new EmailAddress(message.To, message.ToName), message.Subject, message.Text, message.Html);
        var response = await _client.SendEmailAsync(mail, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // Thrown so the queue retries the message, and after its last attempt keeps it in the poison queue.
            var body = await response.Body.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"SendGrid refused the email ({(int)response.StatusCode}): {body}", null, response.StatusCode);
        }
    }
}
