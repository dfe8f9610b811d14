using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Data;

namespace PartnerMesh.Attribution.Api.Conversions;

/// <summary>
/// Per-click commission (a program plan's <c>perClick</c>), booked per partner per closed UTC hour rather than per click:
/// one ledger entry <c>click:{partner}:{yyyyMMddHH}</c> for the hour's recorded clicks (a repeat collapsed into an
/// earlier click never pays), at the plan in force when the hour is booked. The entry key makes booking idempotent
/// across passes and instances. Fraud signals hold the entry for review, never drop it: clicks carrying paid-search
/// ids under a no-paid-search policy, and a source (address and browser) reaching the click-flood threshold in the hour.
/// An hour that earns nothing (the partner not active or without the latest agreement, its budgets spent) is booked at 0
/// with the reason in its note, so it is decided and visible like any other.
/// </summary>
public sealed class ClickCommissionAccrual(
    AttributionDbContext db, CommissionBook book, TimeProvider timeProvider, IOptions<AttributionOptions> options, AttributionMetrics metrics)
{
    /// <summary>An hour is booked once it ended this long ago: a click stamped just before the hour's end may still be committing.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMinutes(1);

    /// <returns>How many entries were booked.</returns>
    public async Task<int> AccrueAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNowForStorage();
        var lastClosedHour = Hour(now - SettleTime) - TimeSpan.FromHours(1);
        var firstHour = lastClosedHour - TimeSpan.FromHours(options.Value.ClickAccrualLookbackHours - 1);

        var programs = (await db.Programs.AsNoTracking().ToListAsync(cancellationToken))
            .Where(program => program.Plan.PerClick is > 0m)
            .ToList();
        var booked = 0;
        foreach (var program in programs)
        {
            var partnerIds = await db.Partners.Where(partner => partner.ProgramId == program.Id).Select(partner => partner.Id).ToListAsync(cancellationToken);
            for (var hour = firstHour; hour <= lastClosedHour; hour += TimeSpan.FromHours(1))
            {
                booked += await AccrueHourAsync(program, partnerIds, hour, now, cancellationToken);
            }
        }

        return booked;
    }

    private async Task<int> AccrueHourAsync(
        PartnerProgram program, List<Guid> partnerIds, DateTimeOffset hour, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var end = hour + TimeSpan.FromHours(1);
        var clicks = db.Clicks.AsNoTracking().Where(click => partnerIds.Contains(click.PartnerId) && click.OccurredAt >= hour && click.OccurredAt < end);
        var perPartner = await clicks.GroupBy(click => click.PartnerId).Select(group => new
        {
            PartnerId = group.Key,
            Clicks = group.Count(),
            Paid = group.Count(click => click.Gclid != null || click.Fbclid != null || click.Msclkid != null || click.Ttclid != null
                || click.LiFatId != null || click.Rdclid != null || click.Twclid != null),
        }).ToListAsync(cancellationToken);

        var booked = 0;
        foreach (var partnerClicks in perPartner)
        {
            var key = EntryKey(partnerClicks.PartnerId, hour);
            if (await db.Commissions.AnyAsync(commission => commission.EntryKey == key, cancellationToken))
            {
                continue;
            }

            var floodedSources = await clicks.Where(click => click.PartnerId == partnerClicks.PartnerId && click.SourceKey != null)
                .GroupBy(click => click.SourceKey)
                .CountAsync(group => group.Sum(click => 1 + click.Duplicates) >= program.ClickFloodThreshold, cancellationToken);
            var flags = new List<FraudFlag>();
            if (program.NoPaidSearch && partnerClicks.Paid > 0)
            {
                flags.Add(new(FraudRules.PaidSearchPolicy, $"{partnerClicks.Paid} of the hour's clicks carry paid-search click ids under a no-paid-search policy."));
            }

            if (floodedSources > 0)
            {
                flags.Add(new(FraudRules.ClickFlooding, $"{floodedSources} source(s) reached {program.ClickFloodThreshold} clicks in the hour."));
            }

            if (await BookAsync(program, partnerClicks.PartnerId, partnerClicks.Clicks, hour, key, flags, now, cancellationToken))
            {
                booked++;
            }
        }

        return booked;
    }

    private async Task<bool> BookAsync(
        PartnerProgram program, Guid partnerId, int clicks, DateTimeOffset hour, string key, List<FraudFlag> flags, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The partner's (and program budget's) lock serializes this with its sales: budgets sum its commissions.
        var partner = await book.LockForBookingAsync(partnerId, program, cancellationToken)
            ?? throw new InvalidOperationException($"Partner {partnerId} vanished.");
        // A partner who may not earn, or whose budgets are spent, still gets the hour's entry, at 0 with the reason (as a
        // sale's answer says it): the hour is decided once and the ledger shows why it paid nothing, never a silent gap.
        var note = partner.Status != PartnerStatus.Active ? ConversionService.NotePartnerInactive
            : !await book.AgreementAcceptedAsync(partner, cancellationToken) ? ConversionService.NoteAgreement
            : null;
        var amount = Money.Round(clicks * program.Plan.PerClick!.Value, program.Currency);
        var capped = note is null ? await book.CapByBudgetsAsync(partner, program, amount, program.Currency, cancellationToken) : 0m;
        note ??= capped <= 0 ? ConversionService.NoteBudgetExhausted : capped < amount ? ConversionService.NoteBudgetCapped : null;

        var entry = new Commission
        {
            Id = Guid.CreateVersion7(now),
            EntryKey = key,
            PartnerId = partner.Id,
            ProgramId = program.Id,
            Kind = CommissionKind.Click,
            Amount = capped,
            Currency = program.Currency,
            PlanVersion = program.PlanVersion,
            Status = FraudRules.StatusFor(flags),
            HoldUntil = now + TimeSpan.FromDays(program.HoldDays),
            HoldReasons = FraudRules.HoldReasonsOf(flags),
            Note = $"{clicks} click(s) {hour:yyyy-MM-dd HH}:00–{hour.AddHours(1):HH}:00 UTC × {program.Plan.PerClick} {program.Currency}"
                + (note is null ? "" : $"; {note}"),
            CreatedAt = now,
        };
        book.Book(entry, flags, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(CommissionConfiguration.UniqueEntryKeyIndex))
        {
            // Another instance booked this hour first.
            db.ChangeTracker.Clear();
            return false;
        }

        if (entry.Amount > 0)
        {
            metrics.CommissionBooked(entry.Amount, entry.Currency);
        }

        return true;
    }

    public static string EntryKey(Guid partnerId, DateTimeOffset hour) => $"click:{partnerId}:{hour:yyyyMMddHH}";

    private static DateTimeOffset Hour(DateTimeOffset instant) => new(instant.Year, instant.Month, instant.Day, instant.Hour, 0, 0, TimeSpan.Zero);
}

/// <summary>Runs <see cref="ClickCommissionAccrual"/> on every instance (entry keys keep it exactly once).</summary>
public sealed class ClickCommissionAccrualJob(
    IServiceScopeFactory scopes, IOptions<AttributionOptions> options, ILogger<ClickCommissionAccrualJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ClickAccrualInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var booked = await scope.ServiceProvider.GetRequiredService<ClickCommissionAccrual>().AccrueAsync(stoppingToken);
                if (booked > 0)
                {
                    logger.LogInformation("Booked {Count} per-click commission entries", booked);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Booking per-click commissions failed; retrying in {Interval}", options.Value.ClickAccrualInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
