using System.Buffers.Binary;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Infrastructure.Configurations;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Data;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Analytics.Api.Campaigns;

/// <summary>
/// A campaign's create/update body. Unknown properties are refused (400 naming the property) rather than ignored: a
/// misspelt <c>partners</c> for <see cref="PartnerIds"/> would otherwise save a campaign without its partners.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SaveCampaignRequest(
    [Required] string? Name,
    [Required] string? Code,
    [Required] DateOnly? StartsOn,
    [Required] DateOnly? EndsOn,
    IReadOnlyList<Guid>? PartnerIds,
    IReadOnlyList<string>? Incentives,
    IReadOnlyDictionary<string, decimal>? Targets,
    string? Currency);

/// <param name="Currency">The currency of the money targets (<c>revenue</c>, <c>averageOrderValue</c>) and the report's default.</param>
public sealed record CampaignResponse(
    Guid Id, string Name, string Code, DateOnly StartsOn, DateOnly EndsOn, IReadOnlyList<Guid> PartnerIds,
    IReadOnlyList<string> Incentives, IReadOnlyDictionary<string, decimal> Targets, string Currency, string Status);

public sealed record CampaignPage(IReadOnlyList<CampaignResponse> Items, string? NextCursor);

/// <param name="Met">
/// Whether the actual reached the target (for "lower is better" KPIs: stayed at or below it); null without data (every
/// target before the campaign starts), and for a money target when the report is in another currency than the
/// campaign's (the target is in the campaign's).
/// </param>
public sealed record TargetResult(string Kpi, decimal Target, decimal? Actual, bool? Met, bool LowerIsBetter);

public sealed record CampaignReport(CampaignResponse Campaign, DateOnly From, DateOnly To, string Currency, KpiFigures Kpis, IReadOnlyList<TargetResult> Targets);

public static class CampaignEndpoints
{
    public const int MaxCampaignDays = 366;

    private const string CampaignsList = "analytics.campaigns";

    /// <summary>The money KPIs a campaign can target: set in the campaign's currency and judged only in it.</summary>
    private static readonly string[] MoneyTargetKpis = ["revenue", "averageOrderValue"];

    /// <summary>The KPIs that count things: a target for them is a whole number.</summary>
    private static readonly string[] CountTargetKpis = ["sessions", "orders"];

    private const string DefaultCurrency = "EUR";

    /// <summary>The KPIs a campaign can target; <c>true</c> when lower is better.</summary>
    public static readonly IReadOnlyDictionary<string, bool> TargetKpis = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["sessions"] = false, ["orders"] = false, ["revenue"] = false, ["averageOrderValue"] = false, ["conversionRate"] = false,
        ["couponRedemptionRate"] = false, ["cartRecoveryRate"] = false, ["repeatPurchaseRate"] = false, ["surveyResponseRate"] = false,
        ["netPromoterScore"] = false, ["cartAbandonmentRate"] = true, ["promotionErrorRate"] = true, ["refundRate"] = true,
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapCampaignEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics/campaigns").WithTags("Analytics campaigns");
        group.MapPost("/", CreateAsync).WithName("CreateCampaign").RequireAuthorization(PartnerMeshPolicies.Admin)
            .Produces<CampaignResponse>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListAsync).WithName("ListCampaigns").RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin)
            .Produces<CampaignPage>().ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetAsync).WithName("GetCampaign").RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin)
            .Produces<CampaignResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateCampaign").RequireAuthorization(PartnerMeshPolicies.Admin)
            .Produces<CampaignResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteCampaign").RequireAuthorization(PartnerMeshPolicies.Admin)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/report", ReportAsync).WithName("GetCampaignReport").RequireAuthorization(PartnerMeshPolicies.Admin)
            .Produces<CampaignReport>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Created<CampaignResponse>, Ok<CampaignResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        SaveCampaignRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        AnalyticsDbContext db,
        TimeProvider timeProvider,
        IOptions<AnalyticsOptions> options,
        CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        if (await ReplayAsync(idempotencyKey, request, db, timeProvider, options, cancellationToken) is { } replay)
        {
            return replay;
        }

        if (await CodeTakenAsync(request.Code!.Trim(), null, db, cancellationToken) is { } taken)
        {
            // A concurrent request with the same key may have created it since the replay check: replay that one.
            return await ReplayAsync(idempotencyKey, request, db, timeProvider, options, cancellationToken) ?? taken;
        }

        var now = timeProvider.GetUtcNow();
        var campaign = new Campaign
        {
            Id = Guid.CreateVersion7(now),
            Name = request.Name!.Trim(),
            Code = request.Code!.Trim(),
            IdempotencyKey = idempotencyKey,
            CreatedAt = now,
        };
        Apply(campaign, request, now);
        db.Campaigns.Add(campaign);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (
            exception.IsUniqueViolation(CampaignConfiguration.UniqueCodeIndex) || exception.IsUniqueViolation(CampaignConfiguration.UniqueIdempotencyKeyIndex))
        {
            // A concurrent request with the same key committed first (it also holds the same code, and either index may
            // be the one that fails): replay what it stored.
            db.ChangeTracker.Clear();
            if (await ReplayAsync(idempotencyKey, request, db, timeProvider, options, cancellationToken) is { } stored)
            {
                return stored;
            }

            return exception.IsUniqueViolation(CampaignConfiguration.UniqueCodeIndex)
                ? await CodeTakenAsync(campaign.Code, null, db, cancellationToken) ?? CodeTaken(campaign.Code)
                : Problems.Conflict("Idempotency key in use", "A concurrent request with this Idempotency-Key is creating a campaign; retry.");
        }

        return TypedResults.Created($"/api/analytics/campaigns/{campaign.Id}", ToResponse(campaign, Today(timeProvider, options)));
    }

    /// <summary>The campaign already created under the idempotency key: 200 when the request matches it, 409 otherwise.</summary>
    private static async Task<Results<Created<CampaignResponse>, Ok<CampaignResponse>, ValidationProblem, ProblemHttpResult>?> ReplayAsync(
        string? idempotencyKey,
        SaveCampaignRequest request,
        AnalyticsDbContext db,
        TimeProvider timeProvider,
        IOptions<AnalyticsOptions> options,
        CancellationToken cancellationToken)
    {
        if (idempotencyKey is null
            || await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.IdempotencyKey == idempotencyKey, cancellationToken) is not { } existing)
        {
            return null;
        }

        return SameRequest(existing, request)
            ? TypedResults.Ok(ToResponse(existing, Today(timeProvider, options)))
            : IdempotencyKeys.Reused($"Idempotency-Key '{idempotencyKey}' already created campaign {existing.Id} with other values.");
    }

    /// <summary>Campaigns ordered by start, optionally overlapping [from, to]; partners see those they take part in (the key-day calendar: <see cref="CalendarEndpoints"/>).</summary>
    private static async Task<Results<Ok<CampaignPage>, ValidationProblem>> ListAsync(
        string? from, string? to, string? after, string? cursor, int? limit, System.Security.Claims.ClaimsPrincipal user,
        AnalyticsDbContext db, TimeProvider timeProvider, IOptions<AnalyticsOptions> options, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        DateOnly? fromDay = null, toDay = null;
        if (from is not null)
        {
            fromDay = ParseDay(from, "from", errors);
        }

        if (to is not null)
        {
            toDay = ParseDay(to, "to", errors);
        }

        var size = limit ?? 50;
        if (size is < 1 or > 200)
        {
            errors["limit"] = ["Between 1 and 200."];
        }

        (DateOnly Start, Guid Id)? position = null;
        if ((after ?? cursor) is { } token)
        {
            position = DecodeCursor(token);
            if (position is null)
            {
                errors[after is null ? "cursor" : "after"] = Paging.NotACursor(after is null ? "cursor" : "after");
            }
        }

        if (fromDay > toDay)
        {
            errors["from"] = ["'from' must not be after 'to'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.Campaigns.AsNoTracking();
        if (!user.IsAdmin())
        {
            var own = user.PartnerId() ?? Guid.Empty;
            query = query.Where(c => c.PartnerIds.Contains(own));
        }

        if (fromDay is { } f)
        {
            query = query.Where(c => c.EndsOn >= f);
        }

        if (toDay is { } t)
        {
            query = query.Where(c => c.StartsOn <= t);
        }

        if (position is { } a)
        {
            query = query.Where(c => c.StartsOn > a.Start || (c.StartsOn == a.Start && c.Id.CompareTo(a.Id) > 0));
        }

        var page = await query.OrderBy(c => c.StartsOn).ThenBy(c => c.Id).Take(size + 1).ToListAsync(cancellationToken);
        var today = Today(timeProvider, options);
        var next = page.Count > size ? EncodeCursor(page[size - 1]) : null;
        return TypedResults.Ok(new CampaignPage(page.Take(size).Select(c => ToResponse(c, today, user)).ToList(), next));
    }

    private static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> GetAsync(
        Guid id, System.Security.Claims.ClaimsPrincipal user, AnalyticsDbContext db, TimeProvider timeProvider, IOptions<AnalyticsOptions> options, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null || (!user.IsAdmin() && !campaign.PartnerIds.Contains(user.PartnerId() ?? Guid.Empty)))
        {
            return Problems.NotFound("Campaign not found", $"No campaign {id}.");
        }

        return TypedResults.Ok(ToResponse(campaign, Today(timeProvider, options), user));
    }

    private static async Task<Results<Ok<CampaignResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, SaveCampaignRequest request, AnalyticsDbContext db, TimeProvider timeProvider, IOptions<AnalyticsOptions> options, CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var campaign = await db.Campaigns.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound("Campaign not found", $"No campaign {id}.");
        }

        if (await CodeTakenAsync(request.Code!.Trim(), id, db, cancellationToken) is { } taken)
        {
            return taken;
        }

        campaign.Name = request.Name!.Trim();
        campaign.Code = request.Code!.Trim();
        Apply(campaign, request, timeProvider.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(CampaignConfiguration.UniqueCodeIndex))
        {
            db.ChangeTracker.Clear();
            return await CodeTakenAsync(campaign.Code, id, db, cancellationToken) ?? CodeTaken(campaign.Code);
        }

        return TypedResults.Ok(ToResponse(campaign, Today(timeProvider, options)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, AnalyticsDbContext db, CancellationToken cancellationToken) =>
        await db.Campaigns.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("Campaign not found", $"No campaign {id}.")
            : TypedResults.NoContent();

    /// <summary>
    /// The campaign's KPIs (the <c>campaign</c> dimension of its code, over its days up to today) against its targets:
    /// a live view while it runs, the post-campaign report once it ended.
    /// </summary>
    private static async Task<Results<Ok<CampaignReport>, ValidationProblem, ProblemHttpResult>> ReportAsync(
        Guid id, string? currency, AnalyticsDbContext db, KpiReader reader, TimeProvider timeProvider, IOptions<AnalyticsOptions> options, CancellationToken cancellationToken)
    {
        if (currency is not null && !CurrencyCode.IsValid(currency))
        {
            // An unknown code would report revenue 0 and every money target missed.
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["currency"] = [CurrencyCode.Rule] });
        }

        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound("Campaign not found", $"No campaign {id}.");
        }

        var today = Today(timeProvider, options);
        // Saving bounds a campaign's dates; one saved before that is reported within the bounds.
        var (starts, ends) = (Bounded(campaign.StartsOn), Bounded(campaign.EndsOn));
        var to = ends < today ? ends : (today < starts ? starts : today);
        // Campaign values are kept lower-case (utm_campaign is matched in any case).
        var report = await reader.ReportAsync(Granularities.Day, Dimensions.Campaign, campaign.Code.ToLowerInvariant(), starts, to, cancellationToken);
        var kpis = report.Totals[0].Kpis;
        var own = CurrencyOf(campaign);
        var money = (currency ?? own).ToUpperInvariant();
        var sales = kpis.Sales.FirstOrDefault(s => s.Currency == money);
        var targets = Targets(campaign)
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(target =>
            {
                decimal? actual = target.Key switch
                {
                    "sessions" => kpis.Sessions,
                    "orders" => kpis.Orders,
                    "revenue" => sales?.Revenue ?? 0m,
                    "averageOrderValue" => sales?.AverageOrderValue,
                    "conversionRate" => kpis.ConversionRate,
                    "couponRedemptionRate" => kpis.CouponRedemptionRate,
                    "cartRecoveryRate" => kpis.CartRecoveryRate,
                    "repeatPurchaseRate" => kpis.RepeatPurchaseRate,
                    "surveyResponseRate" => kpis.SurveyResponseRate,
                    "netPromoterScore" => kpis.NetPromoterScore,
                    "cartAbandonmentRate" => kpis.CartAbandonmentRate,
                    "promotionErrorRate" => kpis.PromotionErrorRate,
                    "refundRate" => kpis.RefundRate,
                    _ => null,
                };
                var lower = TargetKpis.GetValueOrDefault(target.Key);
                // A money target is in the campaign's currency: another currency's actual is shown, never judged against it.
                // Before the campaign starts there is nothing to judge: 0 orders then is no missed target.
                var judged = today >= starts && (money == own || !MoneyTargetKpis.Contains(target.Key));
                bool? met = actual is { } value && judged ? (lower ? value <= target.Value : value >= target.Value) : null;
                return new TargetResult(target.Key, target.Value, actual, met, lower);
            })
            .ToList();
        return TypedResults.Ok(new CampaignReport(ToResponse(campaign, today), starts, to, money, kpis, targets));
    }

    /// <summary>
    /// 409 naming the other campaign whose code equals <paramref name="code"/> in any case (codes match <c>utm_campaign</c>
    /// case-insensitively, so "BF" and "bf" would share traffic); the unique index on the lower-cased code settles races.
    /// </summary>
    private static async Task<ProblemHttpResult?> CodeTakenAsync(string code, Guid? self, AnalyticsDbContext db, CancellationToken cancellationToken)
    {
        var key = code.ToLowerInvariant();
        var other = await db.Campaigns.AsNoTracking()
            .Where(c => EF.Property<string>(c, CampaignConfiguration.CodeKey) == key && c.Id != self)
            .Select(c => new { c.Id, c.Name, c.Code })
            .FirstOrDefaultAsync(cancellationToken);
        return other is null
            ? null
            : Problems.Conflict(
                "Campaign code taken",
                $"Campaign '{other.Name}' ({other.Id}) already uses the code '{other.Code}'; codes are unique regardless of case, so '{code}' would share its traffic.");
    }

    private static ProblemHttpResult CodeTaken(string code) =>
        Problems.Conflict("Campaign code taken", $"Another campaign already uses the code '{code}' (codes are unique regardless of case).");

    private static DateOnly Bounded(DateOnly day) =>
        day < KpiDateRange.MinDay ? KpiDateRange.MinDay : day > KpiDateRange.MaxDay ? KpiDateRange.MaxDay : day;

    private static Dictionary<string, string[]> Validate(SaveCampaignRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 200)
        {
            errors["name"] = ["A name has 1 to 200 characters."];
        }

        if (string.IsNullOrWhiteSpace(request.Code) || request.Code.Trim().Length > 200)
        {
            errors["code"] = ["A code (the utm_campaign of the campaign's traffic) has 1 to 200 characters."];
        }

        if (request.StartsOn is null)
        {
            errors["startsOn"] = ["Required (yyyy-MM-dd)."];
        }
        else if (KpiDateRange.Check(request.StartsOn.Value) is { } error)
        {
            errors["startsOn"] = [error];
        }

        if (request.EndsOn is null)
        {
            errors["endsOn"] = ["Required (yyyy-MM-dd)."];
        }
        else if (KpiDateRange.Check(request.EndsOn.Value) is { } error)
        {
            errors["endsOn"] = [error];
        }

        if (request is { StartsOn: { } s, EndsOn: { } e } && !errors.ContainsKey("startsOn") && !errors.ContainsKey("endsOn"))
        {
            if (e < s)
            {
                errors["endsOn"] = ["A campaign ends on or after its start."];
            }
            else if (e.DayNumber - s.DayNumber + 1 > MaxCampaignDays)
            {
                errors["endsOn"] = [$"A campaign lasts at most {MaxCampaignDays} days."];
            }
        }

        if (request.PartnerIds is { } partners && (partners.Count > 1000 || partners.Contains(Guid.Empty)))
        {
            errors["partnerIds"] = ["At most 1000 partner ids, none empty."];
        }

        if (request.Incentives is { } incentives && (incentives.Count > 50 || incentives.Any(i => string.IsNullOrWhiteSpace(i) || i.Length > 500)))
        {
            errors["incentives"] = ["At most 50 incentives of 1 to 500 characters."];
        }

        if (request.Currency is not null && !CurrencyCode.IsValid(request.Currency))
        {
            errors["currency"] = [CurrencyCode.Rule];
        }
        else if (request.Currency is null && request.Targets?.Keys.Intersect(MoneyTargetKpis).Any() == true)
        {
            errors["currency"] = ["Required with a revenue or averageOrderValue target: the currency the target is in."];
        }

        foreach (var (kpi, value) in request.Targets ?? new Dictionary<string, decimal>())
        {
            if (!TargetKpis.ContainsKey(kpi))
            {
                errors[$"targets.{kpi}"] = [$"Unknown KPI; targets may name: {string.Join(", ", TargetKpis.Keys.Order(StringComparer.Ordinal))}."];
            }
            else if (kpi.EndsWith("Rate", StringComparison.Ordinal) && value is < 0 or > 1)
            {
                errors[$"targets.{kpi}"] = ["A rate target is a fraction from 0 to 1."];
            }
            else if (kpi == "netPromoterScore" && value is < -100 or > 100)
            {
                errors[$"targets.{kpi}"] = ["An NPS target is from -100 to 100."];
            }
            else if (kpi != "netPromoterScore" && value < 0)
            {
                errors[$"targets.{kpi}"] = ["A target is not negative."];
            }
            else if (CountTargetKpis.Contains(kpi) && value != decimal.Truncate(value))
            {
                errors[$"targets.{kpi}"] = ["A count target is a whole number."];
            }
            else if (MoneyTargetKpis.Contains(kpi) && request.Currency is { } currency && CurrencyCode.IsValid(currency) && !CurrencyCode.Fits(value, currency))
            {
                errors[$"targets.{kpi}"] = [string.Create(CultureInfo.InvariantCulture,
                    $"A money target has no more decimals than its currency: {currency.ToUpperInvariant()} has {CurrencyCode.MinorUnitsOf(currency)}.")];
            }
        }

        return errors;
    }

    private static void Apply(Campaign campaign, SaveCampaignRequest request, DateTimeOffset now)
    {
        campaign.StartsOn = request.StartsOn!.Value;
        campaign.EndsOn = request.EndsOn!.Value;
        campaign.PartnerIds = (request.PartnerIds ?? []).Distinct().ToArray();
        campaign.Incentives = (request.Incentives ?? []).Select(i => i.Trim()).ToArray();
        var targets = new Dictionary<string, decimal>(request.Targets ?? new Dictionary<string, decimal>(), StringComparer.Ordinal);
        campaign.Targets = JsonSerializer.Serialize(new CampaignTargets(targets, (request.Currency ?? DefaultCurrency).ToUpperInvariant()), Json);
        campaign.UpdatedAt = now;
    }

    private static bool SameRequest(Campaign existing, SaveCampaignRequest request)
    {
        var probe = new Campaign { Name = request.Name!.Trim(), Code = request.Code!.Trim() };
        Apply(probe, request, existing.UpdatedAt);
        return probe.Name == existing.Name && probe.Code == existing.Code && probe.StartsOn == existing.StartsOn && probe.EndsOn == existing.EndsOn
            && probe.PartnerIds.SequenceEqual(existing.PartnerIds) && probe.Incentives.SequenceEqual(existing.Incentives, StringComparer.Ordinal)
            && JsonSerializer.Serialize(Targets(probe), Json) == JsonSerializer.Serialize(Targets(existing), Json)
            && CurrencyOf(probe) == CurrencyOf(existing);
    }

    /// <summary>
    /// The campaign as <paramref name="reader"/> may see it: a partner (who reads only campaigns it takes part in) sees
    /// its own id in <see cref="CampaignResponse.PartnerIds"/>, never the other participants.
    /// </summary>
    internal static CampaignResponse ToResponse(Campaign campaign, DateOnly today, System.Security.Claims.ClaimsPrincipal? reader = null) => new(
        campaign.Id, campaign.Name, campaign.Code, campaign.StartsOn, campaign.EndsOn,
        reader is null || reader.IsAdmin() ? campaign.PartnerIds : [.. campaign.PartnerIds.Where(id => id == reader.PartnerId())],
        campaign.Incentives,
        Targets(campaign),
        CurrencyOf(campaign),
        today < campaign.StartsOn ? "upcoming" : today > campaign.EndsOn ? "finished" : "live");

    private static SortedDictionary<string, decimal> Targets(Campaign campaign) =>
        new(JsonSerializer.Deserialize<CampaignTargets>(campaign.Targets, Json)?.Kpis ?? [], StringComparer.Ordinal);

    private static string CurrencyOf(Campaign campaign) => JsonSerializer.Deserialize<CampaignTargets>(campaign.Targets, Json)?.Currency ?? DefaultCurrency;

    internal static DateOnly Today(TimeProvider timeProvider, IOptions<AnalyticsOptions> options) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), options.Value.TimeZone()).DateTime);

    private static DateOnly? ParseDay(string text, string name, Dictionary<string, string[]> errors)
    {
        if (KpiDateRange.Parse(text, out var day) is { } error)
        {
            errors[name] = [error];
            return null;
        }

        return day;
    }

    /// <summary>The position is the campaign's start (its day number, 4 bytes) and id (16 bytes), the list's order.</summary>
    private static string EncodeCursor(Campaign campaign)
    {
        var position = new byte[sizeof(int) + 16];
        BinaryPrimitives.WriteInt32BigEndian(position, campaign.StartsOn.DayNumber);
        campaign.Id.TryWriteBytes(position.AsSpan(sizeof(int)), bigEndian: true, out _);
        return Paging.EncodeCursor(CampaignsList, position);
    }

    private static (DateOnly, Guid)? DecodeCursor(string cursor) =>
        Paging.TryDecodeCursor(CampaignsList, cursor, out byte[] position) && position.Length == sizeof(int) + 16
            && BinaryPrimitives.ReadInt32BigEndian(position) is var day && day >= DateOnly.MinValue.DayNumber && day <= DateOnly.MaxValue.DayNumber
            ? (DateOnly.FromDayNumber(day), new Guid(position.AsSpan(sizeof(int)), bigEndian: true))
            : null;

    private sealed record CampaignTargets(Dictionary<string, decimal> Kpis, string Currency);
}
