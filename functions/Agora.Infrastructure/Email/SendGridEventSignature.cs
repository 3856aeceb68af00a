using System.Text;
using Agora.Core.Marketing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGrid.Helpers.EventWebhook;

namespace Agora.Infrastructure.Email;

/// <summary>Verifies the Event Webhook's signature with SendGrid's own <see cref="RequestValidator"/> (ECDSA P-256 over
/// SHA-256 of timestamp + body, the key base64 DER as the SendGrid console shows it), so Agora checks exactly what SendGrid
/// signs. The validator takes the body as text: it is decoded as strict UTF-8, and a body that is not (no JSON SendGrid
/// sends) is refused rather than decoded with replacement characters into text some other body also decodes to.</summary>
public sealed partial class SendGridEventSignature : IEventWebhookSignature
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly RequestValidator _validator = new();
    private readonly EllipticCurve.PublicKey? _key;

    public SendGridEventSignature(IOptions<SendGridOptions> options, ILogger<SendGridEventSignature> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = options.Value.WebhookPublicKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            LogNoKey(logger);
            return;
        }

        try
        {
            _key = _validator.ConvertPublicKeyToECDSA(key.Trim());
        }
#pragma warning disable CA1031 // The library's parser throws whatever it hits on a malformed key; each means the same: no key.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogBadKey(logger, e);
        }
    }

    public bool IsValid(string timestamp, string signature, ReadOnlySpan<byte> body)
    {
        if (_key is null)
        {
            return false;
        }

        string payload;
        try
        {
            payload = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        try
        {
            return _validator.VerifySignature(_key, payload, signature.Trim(), timestamp);
        }
#pragma warning disable CA1031 // A malformed signature makes the library throw (FormatException, ArgumentException, OverflowException ...): it is a forgery, not a bug.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SendGrid__WebhookPublicKey is not set: every call of the SendGrid event webhook is refused.")]
    private static partial void LogNoKey(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "SendGrid__WebhookPublicKey is not a SendGrid verification key (base64 DER of an ECDSA P-256 public key): every call of the SendGrid event webhook is refused.")]
    private static partial void LogBadKey(ILogger logger, Exception exception);
}
