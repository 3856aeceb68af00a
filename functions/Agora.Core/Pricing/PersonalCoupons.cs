using System.Security.Cryptography;
using System.Text;

namespace Agora.Core.Pricing;

/// <summary>A promotion's coupon made personal (issue 13: "a coupon code per recipient when wanted"): ten characters made
/// from the customer with the promotion's own secret (<see cref="Promotion.CouponSalt"/>, drawn when it was first saved and
/// never shown to buyers), e.g. <c>7KQ2M9XAHD</c>. It applies the promotion like its code does, but only in that customer's
/// quotes, it tells nothing of the promotion's own code, and nobody can make one without the secret; an order that used
/// it is credited to the campaign that sent it. Derived rather than stored, so a campaign to 10,000 customers writes no
/// coupon documents.</summary>
public static class PersonalCoupons
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford's base 32: no I, L, O, U to misread

    /// <summary>The customer's code for <paramref name="promotion"/>; null when the promotion takes no coupon. A promotion
    /// saved before it had a secret falls back to its id (decision 0021).</summary>
    public static string? For(Promotion promotion, string buyerId)
    {
        ArgumentNullException.ThrowIfNull(promotion);
        if (promotion.CouponCode is null)
        {
            return null;
        }

        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(promotion.CouponSalt ?? promotion.Id), Encoding.UTF8.GetBytes(buyerId));
        var code = new StringBuilder(10);
        for (var i = 0; i < 10; i++)
        {
            code.Append(Alphabet[hash[i] & 31]);
        }

        return code.ToString();
    }
}
