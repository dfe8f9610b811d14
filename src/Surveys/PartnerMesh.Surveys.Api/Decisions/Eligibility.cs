namespace PartnerMesh.Surveys.Api.Decisions;

/// <summary>Why a survey is not for a shopper now: the <c>eligibility</c> of an email link's 422 <c>not-eligible</c> problem.</summary>
public static class Eligibility
{
    public const string Paused = "paused";
    public const string OutsideSchedule = "outside-schedule";
    public const string Trigger = "trigger";
    public const string Touchpoint = "touchpoint";
    public const string Partner = "partner";
    public const string Segment = "segment";
    public const string Sampling = "sampling";
    public const string Frequency = "frequency";
}
