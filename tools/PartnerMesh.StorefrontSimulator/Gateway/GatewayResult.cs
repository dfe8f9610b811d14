using System.Net;

namespace PartnerMesh.StorefrontSimulator.Gateway;

/// <summary>
/// One gateway call after any 429 waits. <see cref="Status"/> is 0 when no answer came (connection refused, timeout);
/// then <see cref="Error"/> says why. Timestamps are <see cref="System.Diagnostics.Stopwatch"/> ticks of the last attempt.
/// </summary>
public sealed record GatewayResult<T>(
    HttpStatusCode Status,
    T? Value,
    string Body,
    string? Error,
    long SentTimestamp,
    long ReceivedTimestamp,
    int ThrottledAttempts)
{
    public TimeSpan Latency => System.Diagnostics.Stopwatch.GetElapsedTime(SentTimestamp, ReceivedTimestamp);

    public bool IsSuccess => Error is null && (int)Status is >= 200 and < 300;

    /// <summary>One line for an error log: status, problem title/detail or transport error.</summary>
    public string Describe() =>
        Error ?? $"{(int)Status} {Status}: {(Body.Length > 300 ? Body[..300] + "…" : Body)}";
}
