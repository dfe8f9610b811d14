using PartnerMesh.ServiceDefaults.WebApi;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Data;
using PartnerMesh.Redis;
using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Infrastructure;
using PartnerMesh.Surveys.Api.Infrastructure.Configurations;

namespace PartnerMesh.Surveys.Api.Definitions;

public enum SaveOutcome
{
    Created,
    Replayed,
    Updated,
    NotFound,
    IdempotencyConflict,
}

/// <summary>Survey definitions and their versions (admin). Every change reloads the in-memory catalog.</summary>
public sealed class SurveyService(SurveysDbContext db, SurveyCatalog catalog, RedisConnection redis, TimeProvider timeProvider)
{
    public async Task<(SaveOutcome Outcome, SurveyView? Survey)> CreateAsync(
        SaveSurveyRequest request, IReadOnlyList<Question> questions, string? idempotencyKey, string actor, CancellationToken cancellationToken)
    {
        var hash = Json.Hash(request);
        if (idempotencyKey is not null && await ReplayAsync(idempotencyKey, hash, cancellationToken) is { } replay)
        {
            return replay;
        }

        var now = Clock.Now(timeProvider);
        var survey = new Survey
        {
            Id = Guid.CreateVersion7(now),
            Name = request.Name!.Trim(),
            Kind = request.Kind!,
            Trigger = request.Trigger ?? SurveyRules.DefaultTrigger(request.Kind)!,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = actor,
            FrequencyMode = FrequencyModes.Once,
            Version = 1,
            IdempotencyKey = idempotencyKey,
            RequestHash = hash,
        };
        Apply(survey, request);
        db.Surveys.Add(survey);
        db.SurveyVersions.Add(new SurveyVersion { SurveyId = survey.Id, Version = 1, Questions = Json.Write(questions), CreatedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (idempotencyKey is not null && exception.IsUniqueViolation(SurveyConfiguration.IdempotencyKeyIndex))
        {
            db.ChangeTracker.Clear();
            return await ReplayAsync(idempotencyKey, hash, cancellationToken) ?? (SaveOutcome.IdempotencyConflict, null);
        }

        await ChangedAsync(cancellationToken);
        return (SaveOutcome.Created, SurveyView.From(survey, questions));
    }

    public async Task<(SaveOutcome Outcome, SurveyView? Survey)> UpdateAsync(
        Guid id, SaveSurveyRequest request, IReadOnlyList<Question> questions, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var survey = await db.Surveys.FromSql($"SELECT * FROM surveys WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (survey is null)
        {
            return (SaveOutcome.NotFound, null);
        }

        var now = Clock.Now(timeProvider);
        var current = await db.SurveyVersions.AsNoTracking().SingleAsync(version => version.SurveyId == id && version.Version == survey.Version, cancellationToken);
        if (Json.Write(Json.Read<List<Question>>(current.Questions)) != Json.Write(questions))
        {
            survey.Version++;
            db.SurveyVersions.Add(new SurveyVersion { SurveyId = id, Version = survey.Version, Questions = Json.Write(questions), CreatedAt = now });
        }

        if (request.Kind is { } kind)
        {
            survey.Kind = kind;
        }

        survey.Name = request.Name!.Trim();
        survey.Trigger = request.Trigger ?? SurveyRules.DefaultTrigger(request.Kind) ?? survey.Trigger;
        Apply(survey, request);
        survey.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await ChangedAsync(cancellationToken);
        return (SaveOutcome.Updated, SurveyView.From(survey, questions));
    }

    public async Task<SurveyView?> SetPausedAsync(Guid id, bool paused, CancellationToken cancellationToken)
    {
        var survey = await db.Surveys.SingleOrDefaultAsync(survey => survey.Id == id, cancellationToken);
        if (survey is null)
        {
            return null;
        }

        survey.Paused = paused;
        survey.UpdatedAt = Clock.Now(timeProvider);
        await db.SaveChangesAsync(cancellationToken);
        await ChangedAsync(cancellationToken);
        return await FindAsync(id, cancellationToken);
    }

    public async Task<SurveyView?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var survey = await db.Surveys.AsNoTracking().SingleOrDefaultAsync(survey => survey.Id == id, cancellationToken);
        if (survey is null)
        {
            return null;
        }

        var version = await FindVersionAsync(id, survey.Version, cancellationToken);
        return SurveyView.From(survey, version!.Questions);
    }

    public async Task<SurveyVersionResponse?> FindVersionAsync(Guid id, int version, CancellationToken cancellationToken) =>
        await db.SurveyVersions.AsNoTracking().SingleOrDefaultAsync(row => row.SurveyId == id && row.Version == version, cancellationToken) is { } row
            ? new SurveyVersionResponse(row.SurveyId, row.Version, Json.Read<List<Question>>(row.Questions), row.CreatedAt)
            : null;

    public async Task<PageResponse<SurveyView>> ListAsync(int limit, Guid? after, CancellationToken cancellationToken)
    {
        var surveys = await db.Surveys.AsNoTracking().Where(survey => after == null || survey.Id > after)
            .OrderBy(survey => survey.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var items = surveys.Count > limit ? surveys[..limit] : surveys;
        var ids = items.Select(survey => survey.Id).ToList();
        var versions = await db.SurveyVersions.AsNoTracking().Where(version => ids.Contains(version.SurveyId)).ToListAsync(cancellationToken);
        var questions = versions.ToDictionary(version => (version.SurveyId, version.Version), version => version.Questions);
        return Paging.ToPage(SurveyEndpoints.SurveysList, surveys, limit, survey => survey.Id,
            survey => SurveyView.From(survey, Json.Read<List<Question>>(questions[(survey.Id, survey.Version)])));
    }

    private async Task<(SaveOutcome, SurveyView?)?> ReplayAsync(string idempotencyKey, string hash, CancellationToken cancellationToken)
    {
        var existing = await db.Surveys.AsNoTracking().SingleOrDefaultAsync(survey => survey.IdempotencyKey == idempotencyKey, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        return existing.RequestHash == hash ? (SaveOutcome.Replayed, await FindAsync(existing.Id, cancellationToken)) : (SaveOutcome.IdempotencyConflict, null);
    }

    private static void Apply(Survey survey, SaveSurveyRequest request)
    {
        survey.EventName = request.EventName;
        survey.Touchpoints = request.Touchpoints is { Count: > 0 } touchpoints
            ? [.. touchpoints.Distinct(StringComparer.Ordinal)]
            : [.. Touchpoints.For(survey.Trigger).Order(StringComparer.Ordinal)];
        survey.PartnerIds = [.. (request.PartnerIds ?? []).Distinct().Order()];
        survey.Segments = [.. (request.Segments ?? []).Distinct(StringComparer.Ordinal)];
        survey.SamplingPercent = request.SamplingPercent ?? 100m;
        survey.FrequencyMode = request.Frequency?.Mode ?? FrequencyModes.Once;
        survey.CooldownMinutes = request.Frequency?.CooldownHours * 60;
        survey.StartsAt = request.StartsAt?.ToUniversalTime();
        survey.EndsAt = request.EndsAt?.ToUniversalTime();
        survey.Paused = request.Paused ?? survey.Paused;
        survey.Priority = request.Priority ?? 0;
    }

    private async Task ChangedAsync(CancellationToken cancellationToken)
    {
        await catalog.RefreshAsync(cancellationToken);
        await SurveyCatalogRefresher.NotifyAsync(redis);
    }
}
