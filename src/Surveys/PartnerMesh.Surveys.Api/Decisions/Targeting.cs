using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Definitions;

namespace PartnerMesh.Surveys.Api.Decisions;

/// <summary>Which surveys fit a request (pure: schedule, trigger, touchpoint, partner, segment, sampling).</summary>
public static class Targeting
{
    public const int MaxIdLength = 128;
    public const int MaxSegments = 50;

    public static Dictionary<string, string[]>? Validate(DecisionRequest? request)
    {
        var errors = new Errors();
        if (request is null)
        {
            errors.Add("body", "A decision request is required.");
            return errors.ToDictionary();
        }

        if (string.IsNullOrWhiteSpace(request.VisitorId) || request.VisitorId.Length > MaxIdLength || !StoredText.IsStorable(request.VisitorId))
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

        foreach (var (field, value) in new[] { ("customerId", request.CustomerId), ("orderId", request.OrderId), ("campaignId", request.CampaignId), ("trafficSource", request.TrafficSource), ("email", request.Email) })
        {
            if (value is { Length: 0 or > MaxIdLength } || !StoredText.IsStorable(value))
            {
                errors.Add(field, $"{field} has 1 to {MaxIdLength} characters.");
            }
        }

        if (request.Segments is { Count: > MaxSegments } || request.Segments?.Any(segment => !SurveyRules.IsKey(segment)) == true)
        {
            errors.Add("segments", $"At most {MaxSegments} segments, each {SurveyRules.KeyRule}.");
        }

        return errors.ToDictionary();
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
