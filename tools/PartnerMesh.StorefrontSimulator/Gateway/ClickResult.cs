using System.Net;

namespace PartnerMesh.StorefrontSimulator.Gateway;

/// <summary>Outcome of following a referral link without following its redirect.</summary>
public sealed record ClickResult(
    HttpStatusCode Status,
    string? ClickId,
    string? Location,
    string? Error,
    long SentTimestamp,
    long ReceivedTimestamp,
    int ThrottledAttempts)
{
    public TimeSpan Latency => System.Diagnostics.Stopwatch.GetElapsedTime(SentTimestamp, ReceivedTimestamp);

    public bool IsSuccess => Error is null && ClickId is not null;
}
