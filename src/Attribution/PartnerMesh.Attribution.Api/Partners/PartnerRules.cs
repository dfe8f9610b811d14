using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using PartnerMesh.Attribution.Api.Common;

namespace PartnerMesh.Attribution.Api.Partners;

/// <param name="CommissionRate">The flat rate of a partner without a program (required then); refused for a program's partner (its plan pays).</param>
/// <param name="Budget">Only for a program's partner: a cap in the program currency, with no more decimals than that currency has.</param>
public sealed record CreatePartnerRequest(
    [Required] string? Name, [Required] string? Email, [Required] string? Kind,
    // Required only without a programId, so OpenAPI cannot list it as required: the description says when.
    [property: Description(
        "Required when programId is absent (a partner without a program): its flat rate, greater than 0 and at most 0.9, with at most 4 decimals (0.10 = 10 %). " +
        "With a programId it must be absent (the program's plan pays): 400.")]
    decimal? CommissionRate,
    [property: Description("The partner's program, whose plan pays it; without one the partner needs a commissionRate.")] Guid? ProgramId = null,
    string? Status = null, string? CustomerId = null,
    decimal? Budget = null);

public sealed record UpdatePartnerStatusRequest([Required] string? Status);

public sealed record CreateAmbassadorRequest([Required] Guid? ProgramId, [Required] string? CustomerId, [Required] string? Email, string? Name, string? TargetUrl);

public sealed record AmbassadorResponse(PartnerResponse Partner, string Code, string TrackingPath);

public sealed record PartnerResponse(
    Guid Id, string Name, string Email, string Kind, decimal CommissionRate, DateTimeOffset CreatedAt,
    string Status = PartnerStatus.Active, Guid? ProgramId = null, string? CustomerId = null, decimal? Budget = null)
{
    public static PartnerResponse From(Partner partner) =>
        new(partner.Id, partner.Name, partner.Email, partner.Kind, partner.CommissionRate, partner.CreatedAt,
            partner.Status, partner.ProgramId, partner.CustomerId, partner.Budget);
}

public static class PartnerRules
{
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;
    public const decimal MaxCommissionRate = 0.9m;
    public const int MaxCustomerIdLength = 100;

    public static readonly IReadOnlyList<string> Kinds = ["affiliate", "influencer", "ambassador"];

    public static Dictionary<string, string[]>? Validate(CreatePartnerRequest request)
    {
        var errors = new Dictionary<string, string[]>();

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            errors["name"] = [$"name is required and must be at most {MaxNameLength} characters, without control characters."];
        }

        if (!IsValidEmail(request.Email?.Trim()))
        {
            errors["email"] = [$"email must be a valid address of at most {MaxEmailLength} characters."];
        }

        if (request.Kind is null || !Kinds.Contains(request.Kind, StringComparer.Ordinal))
        {
            errors["kind"] = [$"kind must be one of: {string.Join(", ", Kinds)}."];
        }

        if (request.Status is { } status && !PartnerStatus.All.Contains(status, StringComparer.Ordinal))
        {
            errors["status"] = [$"status must be one of: {string.Join(", ", PartnerStatus.All)}."];
        }

        if (request.CustomerId is { } customerId && !IsValidCustomerId(customerId))
        {
            errors["customerId"] = [$"customerId must be 1-{MaxCustomerIdLength} printable characters."];
        }

        if (request.Budget is { } budget && (budget < 0 || budget > Money.MaxAmount || !Money.HasAtMostDecimals(budget, 4)))
        {
            errors["budget"] = [$"budget must be between 0 and {Money.MaxAmount:0}."];
        }
        else if (request.Budget is not null && request.ProgramId is null)
        {
            errors["budget"] = ["budget is in the program currency: only a partner of a program may have one."];
        }

        if (request.ProgramId is not null)
        {
            if (request.CommissionRate is not null)
            {
                // The program's plan pays: a flat rate would be stored and never applied.
                errors["commissionRate"] = ["commissionRate is only for partners without a program: a program's partners earn by its plan."];
            }
        }
        else if (request.CommissionRate is null)
        {
            errors["commissionRate"] = [$"commissionRate is required for a partner without a program (no programId): its flat rate, greater than 0 and at most {MaxCommissionRate}, with at most 4 decimals (0.10 = 10 %)."];
        }
        else if (request.CommissionRate is not { } rate || rate <= 0 || rate > MaxCommissionRate || !Money.HasAtMostDecimals(rate, 4))
        {
            errors["commissionRate"] = [$"commissionRate must be greater than 0 and at most {MaxCommissionRate}, with at most 4 decimals (0.10 = 10 %)."];
        }

        return errors.Count == 0 ? null : errors;
    }

    public static bool IsValidEmail(string? email) =>
        email is { Length: > 0 and <= MaxEmailLength }
        // Control characters (NUL above all, which PostgreSQL cannot store) may hide in a quoted local part.
        && !email.Any(char.IsControl)
        && MailAddress.TryCreate(email, out var address)
        && address.Address == email
        && address.DisplayName.Length == 0
        && address.Host.Contains('.', StringComparison.Ordinal);

    public static bool IsValidCustomerId(string customerId) =>
        customerId.Length is > 0 and <= MaxCustomerIdLength && !customerId.Any(char.IsControl) && customerId.Trim().Length == customerId.Length;

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
