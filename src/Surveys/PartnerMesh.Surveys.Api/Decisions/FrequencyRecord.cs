using Microsoft.Extensions.Options;
using PartnerMesh.Redis;
using StackExchange.Redis;

namespace PartnerMesh.Surveys.Api.Decisions;

/// <summary>
/// Per survey and visitor: last shown and submitted, in Redis (docs/surveys.md explains why Redis rather than PostgreSQL).
/// Throws what <see cref="RedisOutage.IsUnavailable"/> recognises when Redis is down.
/// </summary>
public sealed class FrequencyRecord(RedisConnection redis, IOptions<SurveysOptions> options)
{
    public const string KeyPrefix = "partnermesh:surveys:frequency:";

    public static string Key(Guid surveyId, string visitorId) => $"{KeyPrefix}{surveyId:N}:{visitorId}";

    public async Task<FrequencyState[]> ReadAsync(IReadOnlyList<Guid> surveyIds, string visitorId)
    {
        var values = await redis.GetDatabase().StringGetAsync([.. surveyIds.Select(id => (RedisKey)Key(id, visitorId))]);
        return [.. values.Select(value => FrequencyState.Parse(value))];
    }

    /// <summary>
    /// Records a showing only if the record still says what the decision read (compare and set, in one script): of two
    /// decisions racing for the same visitor and survey, one shows and the other finds the record changed — so a "once"
    /// survey is shown once and a cooldown holds even when nothing else (a global cooldown of zero) separates them.
    /// </summary>
    public async Task<bool> TryRecordShownAsync(Guid surveyId, string visitorId, FrequencyState previous, DateTimeOffset now)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(
            CompareAndSetScript,
            [Key(surveyId, visitorId)],
            [Raw(previous), (previous with { LastShownAt = now }).Serialize(), (long)options.Value.FrequencyRetention.TotalMilliseconds]);
        return (long)result == 1;
    }

    /// <summary>Undoes <see cref="TryRecordShownAsync"/> when the showing did not happen after all, unless the record moved on since.</summary>
    public Task RevertShownAsync(Guid surveyId, string visitorId, FrequencyState previous, DateTimeOffset now) =>
        previous == FrequencyState.None
            ? redis.GetDatabase().ScriptEvaluateAsync(DeleteIfScript, [Key(surveyId, visitorId)], [(previous with { LastShownAt = now }).Serialize()])
            : redis.GetDatabase().ScriptEvaluateAsync(
                CompareAndSetScript,
                [Key(surveyId, visitorId)],
                [(previous with { LastShownAt = now }).Serialize(), previous.Serialize(), (long)options.Value.FrequencyRetention.TotalMilliseconds]);

    private const string CompareAndSetScript = """
        local current = redis.call('GET', KEYS[1]) or ''
        if current ~= ARGV[1] then
          return 0
        end
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        return 1
        """;

    private const string DeleteIfScript = """
        if (redis.call('GET', KEYS[1]) or '') == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    /// <summary>What the record holds for <paramref name="state"/>: nothing for a visitor never shown the survey.</summary>
    private static string Raw(FrequencyState state) => state == FrequencyState.None ? "" : state.Serialize();

    public async Task RecordSubmittedAsync(Guid surveyId, string visitorId, DateTimeOffset now)
    {
        var database = redis.GetDatabase();
        var key = Key(surveyId, visitorId);
        var previous = FrequencyState.Parse(await database.StringGetAsync(key));
        await database.StringSetAsync(key, new FrequencyState(previous.LastShownAt ?? now, true).Serialize(), options.Value.FrequencyRetention);
    }
}
