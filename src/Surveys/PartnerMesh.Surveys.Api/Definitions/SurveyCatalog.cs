using Microsoft.EntityFrameworkCore;
using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Infrastructure;

namespace PartnerMesh.Surveys.Api.Definitions;

/// <summary>A survey as the decision path sees it: its definition and its current questions, immutable.</summary>
public sealed record LiveSurvey(Survey Survey, IReadOnlyList<Question> Questions)
{
    public Guid Id => Survey.Id;
}

/// <summary>
/// The surveys that can be shown, held in memory so the decision path reads no database: reloaded after every change made
/// here, on a Redis notification of a change made by another instance, and by a poll (<see cref="SurveysOptions.CatalogPollInterval"/>).
/// </summary>
public sealed class SurveyCatalog(IServiceScopeFactory scopes) : IDisposable
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile IReadOnlyList<LiveSurvey> _current = [];
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<LiveSurvey> Current => _current;

    /// <summary>The live survey with this id, if it is live.</summary>
    public LiveSurvey? Find(Guid id) => _current.FirstOrDefault(live => live.Id == id);

    public bool IsLoaded => _loaded.Task.IsCompleted;

    public Task WhenLoadedAsync(CancellationToken cancellationToken) => _loaded.Task.WaitAsync(cancellationToken);

    public void Dispose() => _loading.Dispose();

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SurveysDbContext>();
            var rows = await db.Surveys.AsNoTracking().Where(survey => !survey.Paused)
                .Join(db.SurveyVersions, survey => new { SurveyId = survey.Id, survey.Version }, version => new { version.SurveyId, version.Version },
                    (survey, version) => new { survey, version.Questions })
                .ToListAsync(cancellationToken);
            _current =
            [
                .. rows.Select(row => new LiveSurvey(row.survey, Json.Read<List<Question>>(row.Questions)))
                    .OrderByDescending(live => live.Survey.Priority).ThenBy(live => live.Survey.CreatedAt).ThenBy(live => live.Id),
            ];
            _loaded.TrySetResult();
        }
        finally
        {
            _loading.Release();
        }
    }
}
