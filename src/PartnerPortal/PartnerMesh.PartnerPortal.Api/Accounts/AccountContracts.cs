using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.PartnerPortal.Api.Accounts;

/// <summary>Fields are nullable so a missing one is a validation problem, not a binding failure.</summary>
public sealed record CreateAccountRequest([Required] Guid? PartnerId, [Required] string? Email, [Required] string? Password);

public sealed record AccountResponse(
    Guid Id,
    Guid PartnerId,
    string Email,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt,
    DateTimeOffset? DisabledAt)
{
    public static AccountResponse From(PortalAccount account) =>
        new(account.Id, account.PartnerId, account.Email, account.CreatedAt, account.LastSignInAt, account.DisabledAt);
}
