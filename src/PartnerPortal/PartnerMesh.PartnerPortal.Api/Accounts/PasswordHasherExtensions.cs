using Microsoft.AspNetCore.Identity;

namespace PartnerMesh.PartnerPortal.Api.Accounts;

public static class PasswordHasherExtensions
{
    /// <summary>
    /// Checks the NFKC form first (<see cref="AccountRules.NormalizePassword"/>), then, when it differs, the password as
    /// typed: hashes made before passwords were normalised are of the raw form. A match of the raw form asks for a rehash,
    /// so the stored hash becomes the normalised one at that sign-in.
    /// </summary>
    public static PasswordVerificationResult VerifyPassword(
        this IPasswordHasher<PortalAccount> hasher, PortalAccount account, string normalizedPassword, string password)
    {
        var result = hasher.VerifyHashedPassword(account, account.PasswordHash, normalizedPassword);
        if (result != PasswordVerificationResult.Failed || normalizedPassword == password)
        {
            return result;
        }

        return hasher.VerifyHashedPassword(account, account.PasswordHash, password) == PasswordVerificationResult.Failed
            ? PasswordVerificationResult.Failed
            : PasswordVerificationResult.SuccessRehashNeeded;
    }
}
