using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PartnerMesh.ServiceDefaults.Customers;
using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Definitions;

namespace PartnerMesh.Surveys.Api.Decisions;

/// <summary>Which surveys fit a request (pure: schedule, trigger, touchpoint, partner, segment, sampling).</summary>
public static class Targeting
{
    public const int MaxIdLength = 128;

    /// <summary>
    /// One limit for an order id on decisions, responses and email links: an email link without a visitor or customer id
    /// makes its showing's visitor <c>order:{orderId}</c>, which must fit an id of <see cref="MaxIdLength"/>.
    /// </summary>
    public const int MaxOrderIdLength = MaxIdLength - 8;

    public const string NilPartnerRule = "partnerId is a partner id or absent: the nil id 00000000-0000-0000-0000-000000000000 is no partner's.";
    public const int MaxSegments = 50;

    public static Dictionary<string, string[]>? Validate(DecisionRequest? request)
    {
        var errors = new Errors();
        if (request is null)
        {
            errors.Add("body", "A decision request is required.");
            return errors.ToDictionary();
        }

        if (!IsTrimmedId(request.VisitorId))
        {
            errors.Add("visitorId", $"A visitorId of 1 to {MaxIdLength} characters is required.");
        }

        if (request.Touchpoint is null || !Touchpoints.All.Contains(request.Touchpoint) || request.Touchpoint == Touchpoints.Email)
        {
            errors.Add("touchpoint", "touchpoint must be one of product, cart, checkout, order.");
        }

        if (request.Trigger is null || !Triggers.Configurable.Contains(request.Trigger))
        {
            errors.Add("trigger", $"trigger must be one of {string.Join(", ", Triggers.Configurable)}.");
        }
        else if (request.Trigger == Triggers.Event && !SurveyRules.IsKey(request.EventName))
        {
            errors.Add("eventName", $"The event trigger needs an eventName: {SurveyRules.KeyRule}.");
        }

        CheckContext(errors, request.CustomerId, request.OrderId, request.PartnerId, request.CampaignId, request.TrafficSource);

        // The shared rule, on the folded address (254 characters, as email links and every other service take it); an
        // email of white space or invisible characters only is no email, as if absent (the empty string is a 400, as
        // every empty id is).
        if (request.Email is { } email && (email.Length == 0 || (!CustomerEmail.IsBlank(email) && CustomerEmail.Normalize(email) is null)))
        {
            errors.Add("email", CustomerEmail.Rule);
        }

        if (request.Segments is { Count: > MaxSegments } || request.Segments?.Any(segment => !SurveyRules.IsKey(segment)) == true)
        {
            errors.Add("segments", $"At most {MaxSegments} segments, each {SurveyRules.KeyRule}.");
        }

        return errors.ToDictionary();
    }

    /// <summary>
    /// Whether <paramref name="id"/> is an id taken in trimmed (a visitor, customer or campaign id, a traffic source):
    /// 1 to <see cref="MaxIdLength"/> characters once trimmed, so white space around a 128-character id does not count
    /// (it is the same id), and white space alone is no id.
    /// </summary>
    public static bool IsTrimmedId(string? id) =>
        id?.Trim() is { Length: >= 1 and <= MaxIdLength } && StoredText.IsStorable(id);

    /// <summary>
    /// The context ids decisions, responses and email links share, each checked by the same rule: the order id exactly as
    /// given (as every service takes an order id), the others once trimmed (<see cref="IsTrimmedId"/>).
    /// </summary>
    public static void CheckContext(Errors errors, string? customerId, string? orderId, Guid? partnerId, string? campaignId, string? trafficSource)
    {
        if (orderId is not null && (orderId.Length is 0 or > MaxOrderIdLength || !StoredText.IsStorable(orderId)))
        {
            errors.Add("orderId", $"orderId has 1 to {MaxOrderIdLength} characters.");
        }

        foreach (var (field, value) in new[] { ("customerId", customerId), ("campaignId", campaignId), ("trafficSource", trafficSource) })
        {
            if (value is not null && !IsTrimmedId(value))
            {
                errors.Add(field, $"{field} has 1 to {MaxIdLength} characters once trimmed.");
            }
        }

        if (partnerId == Guid.Empty)
        {
            errors.Add("partnerId", NilPartnerRule);
        }
    }

    public static bool Fits(Survey survey, DecisionRequest request, DateTimeOffset now) => Rejection(survey, request, now) is null;

    /// <summary>Why <paramref name="survey"/> does not fit <paramref name="request"/> (an <see cref="Eligibility"/> code), or null when it does.</summary>
    public static string? Rejection(Survey survey, DecisionRequest request, DateTimeOffset now) =>
        survey.Paused ? Eligibility.Paused
        : (survey.StartsAt is { } starts && now < starts) || (survey.EndsAt is { } ends && now >= ends) ? Eligibility.OutsideSchedule
        : survey.Trigger != request.Trigger
            || (survey.Trigger == Triggers.Event && !string.Equals(survey.EventName, request.EventName, StringComparison.Ordinal)) ? Eligibility.Trigger
        : !survey.Touchpoints.Contains(request.Touchpoint!) ? Eligibility.Touchpoint
        : survey.PartnerIds.Count > 0 && (request.PartnerId is not { } partner || !survey.PartnerIds.Contains(partner)) ? Eligibility.Partner
        : survey.Segments.Count > 0 && !(request.Segments ?? []).Any(survey.Segments.Contains) ? Eligibility.Segment
        : !InSample(survey.Id, request.VisitorId!, survey.SamplingPercent) ? Eligibility.Sampling
        : null;

    /// <summary>
    /// Sticky sampling: the visitor's bucket (0–9,999) comes from a hash of survey and visitor, so the same visitor is
    /// always in or always out of a survey's sample, and different surveys sample independently.
    /// </summary>
    public static bool InSample(Guid surveyId, string visitorId, decimal percent)
    {
        if (percent >= 100m)
        {
            return true;
        }

        if (percent <= 0m)
        {
            return false;
        }

        return Bucket(surveyId, visitorId) < percent * 100m;
    }

    public static int Bucket(Guid surveyId, string visitorId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{surveyId:N}:{visitorId}"), hash);
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(hash) % 10_000);
    }
}
