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

    public Task RecordShownAsync(Guid surveyId, string visitorId, FrequencyState previous, DateTimeOffset now) =>
        redis.GetDatabase().StringSetAsync(Key(surveyId, visitorId), (previous with { LastShownAt = now }).Serialize(), options.Value.FrequencyRetention);

    public async Task RecordSubmittedAsync(Guid surveyId, string visitorId, DateTimeOffset now)
    {
        var database = redis.GetDatabase();
        var key = Key(surveyId, visitorId);
        var previous = FrequencyState.Parse(await database.StringGetAsync(key));
        await database.StringSetAsync(key, new FrequencyState(previous.LastShownAt ?? now, true).Serialize(), options.Value.FrequencyRetention);
    }
}
