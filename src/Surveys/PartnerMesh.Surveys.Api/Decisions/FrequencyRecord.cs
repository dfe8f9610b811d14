using Microsoft.Extensions.Options;
using PartnerMesh.Redis;
using PartnerMesh.Redis.ContactFrequency;
using StackExchange.Redis;

namespace PartnerMesh.Surveys.Api.Decisions;

/// <summary>
/// Per survey and shopper: last shown and submitted, in Redis (docs/surveys.md explains why Redis rather than PostgreSQL),
/// under every identity the shopper presents (<see cref="Shopper"/>). The shopper's state is the merge of their
/// identities' records (the latest showing; submitted if any says so), and every write stores it under all of them, so a
/// customer or email seen once with a visitor id carries that visitor's showings to any other visitor id.
/// Besides the surveys' records, <see cref="AnySurvey"/> remembers the shopper's last contact (a survey shown, or a contact
/// the shared record refused a showing for) for the global recontact cooldown, linked across identities the same way.
/// Throws what <see cref="RedisOutage.IsUnavailable"/> recognises when Redis is down.
/// </summary>
public sealed class FrequencyRecord(RedisConnection redis, IOptions<SurveysOptions> options, IOptions<ContactFrequencyOptions> contactOptions)
{
    public const string KeyPrefix = "partnermesh:surveys:frequency:";

    /// <summary>The pseudo-survey whose record is the shopper's last contact (no survey has the empty id).</summary>
    public static readonly Guid AnySurvey = Guid.Empty;

    /// <summary><c>{prefix}{survey}:{visitor}</c> (as before customers and emails had keys), <c>{prefix}customer:{survey}:{id}</c>, <c>{prefix}email:{survey}:{hash}</c>.</summary>
    public static string Key(Guid surveyId, (string Space, string Id) identity) => $"{KeyPrefix}{identity.Space}{surveyId:N}:{identity.Id}";

    /// <summary>The global recontact cooldown; zero turns the shopper's contact record off.</summary>
    public TimeSpan GlobalCooldown => contactOptions.Value.GlobalCooldown;

    /// <summary>
    /// The shopper's state for each survey and their last contact, in one <c>MGET</c>; <see cref="ShopperRecords.Unlinked"/>
    /// when some identity's record lags the others (an identity not seen together with them before).
    /// </summary>
    public async Task<ShopperRecords> ReadAsync(IReadOnlyList<Guid> surveyIds, Shopper shopper)
    {
        var identities = shopper.Identities();
        Guid[] ids = [.. surveyIds, AnySurvey];
        var values = await redis.GetDatabase().StringGetAsync([.. ids.SelectMany(id => identities.Select(identity => (RedisKey)Key(id, identity)))]);
        var states = new FrequencyState[ids.Length];
        var unlinked = new List<Guid>();
        for (var index = 0; index < ids.Length; index++)
        {
            var own = values.Skip(index * identities.Count).Take(identities.Count).Select(value => FrequencyState.Parse(value)).ToList();
            states[index] = own.Aggregate(FrequencyState.None, FrequencyState.Merge);
            if (own.Any(state => state != states[index]))
            {
                unlinked.Add(ids[index]);
            }
        }

        return new ShopperRecords(states[..^1], states[^1], unlinked);
    }

    /// <summary>
    /// Records a showing of <paramref name="surveyId"/> (and, with <paramref name="lastContact"/>, the shopper's last contact)
    /// only if the shopper's state still is what the decision read (compare and set over all identities, in one script):
    /// of two decisions racing for one shopper — under one visitor id or under several with a customer id or email in
    /// common — one shows and the other finds the record changed.
    /// </summary>
    public async Task<bool> TryRecordShownAsync(Guid surveyId, Shopper shopper, FrequencyState previous, DateTimeOffset now, FrequencyState? lastContact = null)
    {
        var groups = new List<Group> { SurveyGroup(surveyId, shopper, previous, previous with { LastShownAt = now }) };
        if (lastContact is { } contact && ContactGroup(shopper, contact, new FrequencyState(now, false)) is { } contactGroup)
        {
            groups.Add(contactGroup);
        }

        return (long)await EvaluateAsync(CompareAndSetScript, groups) == 1;
    }

    /// <summary>
    /// Undoes <see cref="TryRecordShownAsync"/> when the showing did not happen after all, under every identity whose
    /// record has not moved on since; the last contact becomes <paramref name="contactedAt"/> (the contact the shared
    /// record refused the showing for), else goes back to <paramref name="lastContact"/>.
    /// </summary>
    public Task RevertShownAsync(Guid surveyId, Shopper shopper, FrequencyState previous, DateTimeOffset now, FrequencyState? lastContact = null, DateTimeOffset? contactedAt = null)
    {
        var groups = new List<Group> { SurveyGroup(surveyId, shopper, previous with { LastShownAt = now }, previous) };
        if (lastContact is { } contact
            && ContactGroup(shopper, new FrequencyState(now, false), contactedAt is { } at ? new FrequencyState(at, false) : contact) is { } contactGroup)
        {
            groups.Add(contactGroup);
        }

        return EvaluateAsync(RevertScript, groups);
    }

    /// <summary>Stores the shopper's merged state under each of their identities whose record lags (what a refusal read).</summary>
    public Task LinkAsync(IReadOnlyList<Guid> surveyIds, Shopper shopper)
    {
        var groups = surveyIds.Select(id => id == AnySurvey
            ? ContactGroup(shopper, FrequencyState.None, FrequencyState.None)
            : SurveyGroup(id, shopper, FrequencyState.None, FrequencyState.None)).OfType<Group>().ToList();
        return groups.Count == 0 ? Task.CompletedTask : EvaluateAsync(LinkScript, groups);
    }

    /// <summary>Marks the survey submitted for the shopper, under every identity (kept: when it was last shown).</summary>
    public Task RecordSubmittedAsync(Guid surveyId, Shopper shopper, DateTimeOffset now) =>
        EvaluateAsync(SubmittedScript, [SurveyGroup(surveyId, shopper, FrequencyState.None, new FrequencyState(now, true))]);

    private Group SurveyGroup(Guid surveyId, Shopper shopper, FrequencyState expected, FrequencyState next) =>
        new([.. shopper.Identities().Select(identity => Key(surveyId, identity))], Raw(expected), Raw(next), options.Value.FrequencyRetention);

    /// <summary>The last-contact group, or null when there is no global cooldown to keep it for.</summary>
    private Group? ContactGroup(Shopper shopper, FrequencyState expected, FrequencyState next) =>
        GlobalCooldown > TimeSpan.Zero
            ? new([.. shopper.Identities().Select(identity => Key(AnySurvey, identity))], Raw(expected), Raw(next), GlobalCooldown)
            : null;

    /// <summary>KEYS: each group's keys. ARGV: per group, its key count, the expected and the next value, and the TTL in ms.</summary>
    private Task<RedisResult> EvaluateAsync(string script, IReadOnlyList<Group> groups) =>
        redis.GetDatabase().ScriptEvaluateAsync(
            script,
            [.. groups.SelectMany(group => group.Keys.Select(key => (RedisKey)key))],
            [.. groups.SelectMany(group => new RedisValue[] { group.Keys.Count, group.Expected, group.Next, (long)group.Ttl.TotalMilliseconds })]);

    /// <summary>What the record holds for <paramref name="state"/>: nothing for a shopper never shown the survey.</summary>
    private static string Raw(FrequencyState state) => state == FrequencyState.None ? "" : state.Serialize();

    private sealed record Group(IReadOnlyList<string> Keys, string Expected, string Next, TimeSpan Ttl);

    // merge(values): the shopper's state over their identities' values "lastShownMs|submitted" (or ""), as
    // FrequencyState.Merge does it: the latest showing (the value's own digits, not reformatted), submitted if any is.
    // groups(): calls back with each group's first key index, key count and arguments.
    private const string MergeFunction = """
        local function merge(values)
          local shown, shownText, submitted = 0, '0', false
          for _, value in ipairs(values) do
            if value then
              local ms, flag = string.match(value, '^(%d+)|(%d)')
              if ms and tonumber(ms) > shown then
                shown, shownText = tonumber(ms), ms
              end
              if flag == '1' then
                submitted = true
              end
            end
          end
          if shown == 0 and not submitted then
            return ''
          end
          return shownText .. '|' .. (submitted and '1' or '0')
        end
        local function groups(each)
          local key, arg = 1, 1
          while arg <= #ARGV do
            local count = tonumber(ARGV[arg])
            local stop = each(key, count, ARGV[arg + 1], ARGV[arg + 2], ARGV[arg + 3])
            if stop ~= nil then
              return stop
            end
            key, arg = key + count, arg + 4
          end
        end
        local function values(first, count)
          local list = {}
          for index = first, first + count - 1 do
            list[#list + 1] = redis.call('GET', KEYS[index]) or false
          end
          return list
        end

        """;

    private const string CompareAndSetScript = MergeFunction + """
        local changed = groups(function(first, count, expected)
          if merge(values(first, count)) ~= expected then
            return 0
          end
        end)
        if changed ~= nil then
          return changed
        end
        groups(function(first, count, _, value, ttl)
          for index = first, first + count - 1 do
            redis.call('SET', KEYS[index], value, 'PX', ttl)
          end
        end)
        return 1
        """;

    // Each key still holding what the showing wrote goes to the group's next value ("" deletes it).
    private const string RevertScript = MergeFunction + """
        groups(function(first, count, wrote, value, ttl)
          for index = first, first + count - 1 do
            if (redis.call('GET', KEYS[index]) or '') == wrote then
              if value == '' then
                redis.call('DEL', KEYS[index])
              else
                redis.call('SET', KEYS[index], value, 'PX', ttl)
              end
            end
          end
        end)
        return 1
        """;

    private const string LinkScript = MergeFunction + """
        groups(function(first, count, _expected, _value, ttl)
          local merged = merge(values(first, count))
          if merged ~= '' then
            for index = first, first + count - 1 do
              if (redis.call('GET', KEYS[index]) or '') ~= merged then
                redis.call('SET', KEYS[index], merged, 'PX', ttl)
              end
            end
          end
        end)
        return 1
        """;

    // The value's time (now) stands in for the last showing only when no identity has one.
    private const string SubmittedScript = MergeFunction + """
        groups(function(first, count, _expected, value, ttl)
          local shown = string.match(merge(values(first, count)), '^(%d+)|')
          if not shown or shown == '0' then
            shown = string.match(value, '^(%d+)|')
          end
          for index = first, first + count - 1 do
            redis.call('SET', KEYS[index], shown .. '|1', 'PX', ttl)
          end
        end)
        return 1
        """;
}
