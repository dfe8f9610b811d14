using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Outbox;

namespace PartnerMesh.Analytics.Api.Scorecards;

/// <summary>A partner flagged (or once flagged) as a concentration risk in one currency.</summary>
public sealed class ConcentrationFlag
{
    public Guid PartnerId { get; init; }
    public required string Currency { get; init; }
    public bool Active { get; set; }
    public decimal RevenueShare { get; set; }
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset? ClearedAt { get; set; }
}

/// <param name="Share">Rounded for display; <see cref="Exceeds"/> judges the exact share.</param>
public sealed record PartnerShare(Guid PartnerId, string Currency, decimal PartnerRevenue, decimal TotalRevenue, decimal Share)
{
    /// <summary>10001 of 20001 (0.500025) exceeds 0.5 though it shows as 0.5.</summary>
    public bool Exceeds(decimal threshold) => PartnerRevenue > threshold * TotalRevenue;
}

/// <summary>
/// Measures each partner's share of revenue per currency over the trailing window (from the daily aggregates) and raises
/// a flag plus <see cref="PartnerConcentrationRiskDetected"/> when it passes the threshold; clears the flag when it drops.
/// </summary>
public sealed class ConcentrationMonitor(AnalyticsDbContext db, IOptions<AnalyticsOptions> options, TimeProvider timeProvider)
{
    private const long LockKey = 0x636f6e63656e7472;

    public async Task<(DateOnly From, DateOnly To, List<PartnerShare> Shares)> SharesAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), settings.TimeZone()).DateTime);
        var from = today.AddDays(1 - Math.Max(1, (int)Math.Ceiling(settings.ConcentrationRisk.Window.TotalDays)));
        var (start, end) = (from.ToDateTime(TimeOnly.MinValue), today.ToDateTime(TimeOnly.MinValue));
        var rows = await db.Aggregates.AsNoTracking()
            .Where(row => row.Granularity == Granularities.Day && row.Currency != "" && row.Period >= start && row.Period <= end
                && (row.Dimension == Dimensions.All || row.Dimension == Dimensions.Partner))
            .GroupBy(row => new { row.Dimension, row.DimensionValue, row.Currency })
            .Select(group => new { group.Key.Dimension, group.Key.DimensionValue, group.Key.Currency, Revenue = group.Sum(row => row.Revenue) })
            .ToListAsync(cancellationToken);
        var totals = rows.Where(row => row.Dimension == Dimensions.All).ToDictionary(row => row.Currency, row => row.Revenue, StringComparer.Ordinal);
        var shares = rows
            .Where(row => row.Dimension == Dimensions.Partner && totals.GetValueOrDefault(row.Currency) > 0)
            .Select(row => new PartnerShare(
                Guid.Parse(row.DimensionValue),
                row.Currency,
                row.Revenue,
                totals[row.Currency],
                Math.Round(row.Revenue / totals[row.Currency], KpiRates.RatioDecimals, MidpointRounding.AwayFromZero)))
            .OrderByDescending(share => share.Share)
            .ThenBy(share => share.PartnerId)
            .ToList();
        return (from, today, shares);
    }

    /// <returns>The shares it judged and the flags active afterwards (one consistent view).</returns>
    public async Task<(DateOnly From, DateOnly To, List<PartnerShare> Shares, HashSet<(Guid PartnerId, string Currency)> Flagged)> CheckAsync(
        CancellationToken cancellationToken)
    {
        var settings = options.Value.ConcentrationRisk;
        var now = timeProvider.GetUtcNow();

        // One check at a time across instances and requests: flags are read, compared and raised under the lock.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
        var (from, to, shares) = await SharesAsync(cancellationToken);
        var flags = await db.ConcentrationFlags.ToListAsync(cancellationToken);
        var byKey = flags.ToDictionary(flag => (flag.PartnerId, flag.Currency));
        foreach (var share in shares)
        {
            var risky = share.Exceeds(settings.Threshold) && share.TotalRevenue > settings.MinimumRevenue;
            byKey.TryGetValue((share.PartnerId, share.Currency), out var flag);
            if (risky && flag is not { Active: true })
            {
                if (flag is null)
                {
                    flag = new ConcentrationFlag { PartnerId = share.PartnerId, Currency = share.Currency };
                    db.ConcentrationFlags.Add(flag);
                    flags.Add(flag);
                }

                flag.Active = true;
                flag.RaisedAt = now;
                flag.ClearedAt = null;
                db.AddIntegrationEvent(new PartnerConcentrationRiskDetected
                {
                    EventId = Guid.NewGuid(),
                    OccurredAt = now,
                    PartnerId = share.PartnerId,
                    Currency = share.Currency,
                    PartnerRevenue = share.PartnerRevenue,
                    TotalRevenue = share.TotalRevenue,
                    RevenueShare = share.Share,
                    Threshold = settings.Threshold,
                    WindowStart = from,
                    WindowEnd = to,
                });
            }

            if (flag is not null)
            {
                flag.RevenueShare = share.Share;
            }
        }

        var stillRisky = shares.Where(share => share.Exceeds(settings.Threshold) && share.TotalRevenue > settings.MinimumRevenue)
            .Select(share => (share.PartnerId, share.Currency)).ToHashSet();
        foreach (var flag in flags.Where(flag => flag.Active && !stillRisky.Contains((flag.PartnerId, flag.Currency))))
        {
            flag.Active = false;
            flag.ClearedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (from, to, shares, flags.Where(flag => flag.Active).Select(flag => (flag.PartnerId, flag.Currency)).ToHashSet());
    }
}
