using System.ComponentModel.DataAnnotations;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.ServiceDefaults.Customers;
using PartnerMesh.ServiceDefaults.Orders;

namespace PartnerMesh.Attribution.Api.Leads;

public sealed record RecordLeadRequest(
    [Required] string? LeadId, string? Kind, Guid? ClickId, string? VisitorId, string? CustomerId, string? CustomerEmail, DateTimeOffset? OccurredAt);

public sealed record LeadResponse(
    Guid Id, string LeadId, string? Kind, bool Attributed, Guid? PartnerId, Guid? ClickId, Guid? ProgramId, string Reason,
    decimal CommissionAmount, string? CommissionCurrency, string? CommissionNote, DateTimeOffset OccurredAt)
{
    public static LeadResponse From(Lead lead) => new(
        lead.Id, lead.LeadId, lead.Kind, lead.Attributed, lead.PartnerId, lead.ClickId, lead.ProgramId, lead.Reason,
        lead.CommissionAmount, lead.CommissionCurrency, lead.CommissionNote, lead.OccurredAt);
}

public static class LeadRules
{
    public const int MaxKindLength = 40;

    public static Dictionary<string, string[]>? Validate(RecordLeadRequest request, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (!OrderIds.IsValid(request.LeadId))
        {
            errors["leadId"] = ["leadId is required, by the order id rule: 1 to 100 characters, not only spaces, no '/', no control characters, not '.' or '..'."];
        }

        if (request.Kind is { } kind && (kind.Length is 0 or > MaxKindLength || kind.Any(char.IsControl)))
        {
            errors["kind"] = [$"kind must be 1-{MaxKindLength} printable characters (e.g. signup)."];
        }

        if (request.ClickId == Guid.Empty)
        {
            errors["clickId"] = ["clickId must be a click id returned by the redirect."];
        }

        if (request.VisitorId is { } visitorId && !ClickDetails.IsValidVisitorId(visitorId))
        {
            errors["visitorId"] = [$"visitorId must be 1-{ClickDetails.MaxVisitorIdLength} characters of A-Z, a-z, 0-9, '-' and '_'."];
        }

        if (request.CustomerId is { } customerId && !PartnerRules.IsValidCustomerId(customerId))
        {
            errors["customerId"] = [$"customerId must be 1-{ConversionRules.MaxCustomerIdLength} printable characters."];
        }

        if (request.CustomerEmail is { } email && CustomerEmail.Normalize(email) is null)
        {
            errors["customerEmail"] = [$"customerEmail must be an email address. {CustomerEmail.Rule}"];
        }

        if (request.OccurredAt is { } occurredAt && (occurredAt > now + ConversionRules.MaxFutureSkew || occurredAt < now - ConversionRules.MaxAge))
        {
            errors["occurredAt"] = ["occurredAt must not be more than 5 minutes in the future nor more than a year in the past."];
        }

        return errors.Count == 0 ? null : errors;
    }
}
