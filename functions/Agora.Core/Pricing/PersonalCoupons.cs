using System.Security.Cryptography;
using System.Text;

namespace Agora.Core.Pricing;

/// <summary>A promotion's coupon made personal (issue 13: "a coupon code per recipient when wanted"): the promotion's code
/// and eight characters derived from the promotion and the customer, e.g. <c>VOLTA10-7KQ2M9XA</c>. It applies the
/// promotion like its code does, but only in that customer's quotes — another customer's code does not match theirs — and
/// an order that used it is credited to the campaign that sent it. Derived rather than stored, so a campaign to 10,000
/// customers writes no coupon documents; it needs no secret, as knowing how it is made only lets a customer make its own.</summary>
public static class PersonalCoupons
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford's base 32: no I, L, O, U to misread

    public static string For(string couponCode, string promotionId, string buyerId)
    {
        ArgumentNullException.ThrowIfNull(couponCode);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{promotionId}\u001f{buyerId}"));
        var suffix = new StringBuilder(8);
        for (var i = 0; i < 8; i++)
        {
            suffix.Append(Alphabet[hash[i] & 31]);
        }

        return $"{couponCode}-{suffix}";
    }
}
