using System.Diagnostics.Metrics;

namespace PartnerMesh.Surveys.Api;

/// <summary>The surveys meters: decisions by result (<c>shown</c> or why not, including <c>frequency-record-unavailable</c>
/// when Redis is down), responses by result, email links issued, and the showings' group commits (size, duration).</summary>
public sealed class SurveysMetrics
{
    public const string MeterName = "PartnerMesh.Surveys";

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _responses;
    private readonly Counter<long> _links;
    private readonly Histogram<int> _commitBatchSize;
    private readonly Histogram<double> _commitDuration;

    public SurveysMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _decisions = meter.CreateCounter<long>("partnermesh.surveys.decisions", "{decision}", "Which-survey-now decisions, by result (shown or the reason nothing was shown).");
        _responses = meter.CreateCounter<long>("partnermesh.surveys.responses", "{response}", "Response submissions, by result (ok, replayed or the refusal reason).");
        _links = meter.CreateCounter<long>("partnermesh.surveys.email_links", "{link}", "Email link requests, by result (issued, or refused: not-eligible, contact-frequency, contact-record-unavailable).");
        _commitBatchSize = meter.CreateHistogram<int>("partnermesh.surveys.showings.commit_batch_size", "{showing}", "Showings committed together by one group commit.");
        _commitDuration = meter.CreateHistogram<double>("partnermesh.surveys.showings.commit_duration", "s", "Duration of one group commit of showings.");
    }

    public void ShowingsCommitted(int count, TimeSpan duration)
    {
        _commitBatchSize.Record(count);
        _commitDuration.Record(duration.TotalSeconds);
    }

    public void Decided(string result) => _decisions.Add(1, new KeyValuePair<string, object?>("result", result));

    public void Submitted(string result) => _responses.Add(1, new KeyValuePair<string, object?>("result", result));

    public void LinkIssued() => LinkRequested(EmailLinkResults.Issued);

    public void LinkRequested(string result) => _links.Add(1, new KeyValuePair<string, object?>("result", result));
}

/// <summary>The results of an email link request, as the metric's <c>result</c> tag and the refusal's <c>reason</c>.</summary>
public static class EmailLinkResults
{
    public const string Issued = "issued";
    public const string ContactFrequency = "contact-frequency";
    public const string ContactRecordUnavailable = "contact-record-unavailable";
    public const string NotEligible = "not-eligible";

    /// <summary>A refusal's reason only (no metric result): a link asked for a survey that is not a post-purchase email survey.</summary>
    public const string NotAnEmailSurvey = "not-an-email-survey";
}
