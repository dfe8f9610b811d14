using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace PartnerMesh.Redis.ContactFrequency;

/// <summary>
/// The contact-frequency record shared by every service that contacts shoppers on its own initiative (surveys' exit-intent
/// and post-purchase surveys, coupons' behaviour-triggered offers): one Redis key per identity holding the last contact's
/// time and channel. A claim checks all of the subject's keys and records the contact under all of them in one Lua
/// script, so two services (or two instances) racing for the same shopper cannot both win.
/// </summary>
/// <remarks>
/// Redis is the record because every contacting service already uses it and the check sits on a hot path. Losing it
/// (a flush, a failover without persistence) forgets recent contacts: a shopper may then be contacted once more than the
/// cooldown allows, never more. When Redis is unreachable, claims throw (<see cref="RedisOutage.IsUnavailable"/>) and
/// callers decide: surveys show nothing, coupons retry the offer later.
/// </remarks>
public sealed class ContactFrequencyRecord(RedisConnection redis, TimeProvider timeProvider, IOptions<ContactFrequencyOptions> options)
{
    public const string KeyPrefix = "partnermesh:contact:";

    // KEYS: the subject's identity keys. ARGV: now (unix ms), cooldown (ms), retention (ms), "now|channel|contactId",
    // "|contactId" (or "" without one). Returns {granted (1/0), the latest recorded "unixMs|channel|contactId" or ""}.
    // Within the cooldown the latest contact is copied to the subject's other identities, so they are linked: a new
    // visitor id that presents the same customer id or email later is the same shopper, even after a refusal.
    private const string ClaimScript = """
        local now = tonumber(ARGV[1])
        local latest = nil
        local latestValue = ''
        local values = {}
        for i, key in ipairs(KEYS) do
          local value = redis.call('GET', key)
          values[i] = value
          if value then
            local at = tonumber(string.match(value, '^(%d+)'))
            if at and (latest == nil or at > latest) then
              latest = at
              latestValue = value
            end
          end
        end
        if latest ~= nil and now - latest < tonumber(ARGV[2]) then
          for i, key in ipairs(KEYS) do
            if values[i] ~= latestValue then
              redis.call('SET', key, latestValue, 'PX', ARGV[3])
            end
          end
          if ARGV[5] ~= '' and string.sub(latestValue, -string.len(ARGV[5])) == ARGV[5] then
            return {1, latestValue}
          end
          return {0, latestValue}
        end
        for _, key in ipairs(KEYS) do
          redis.call('SET', key, ARGV[4], 'PX', ARGV[3])
        end
        return {1, latestValue}
        """;

    public TimeSpan GlobalCooldown => options.Value.GlobalCooldown;

    /// <summary>
    /// Records a contact through <paramref name="channel"/> unless the subject was contacted, through any channel, within
    /// <paramref name="cooldown"/> (the global cooldown when null). A subject with no identity is never granted.
    /// <paramref name="contactId"/> makes the claim repeatable: when the latest contact is this same contact (a retried
    /// message, a second offer in the same contact), it is granted again rather than refused by itself.
    /// </summary>
    public async Task<ContactClaim> TryClaimAsync(ContactSubject subject, string channel, TimeSpan? cooldown = null, string? contactId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        if (channel.Contains('|', StringComparison.Ordinal) || contactId?.Contains('|', StringComparison.Ordinal) == true)
        {
            throw new ArgumentException("Channel and contact id cannot contain '|'.");
        }

        var keys = subject.Keys();
        if (keys.Count == 0)
        {
            return new ContactClaim(false, null, null);
        }

        var effectiveCooldown = cooldown ?? options.Value.GlobalCooldown;
        var now = timeProvider.GetUtcNow();
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            ClaimScript,
            [.. keys.Select(key => (RedisKey)key)],
            [
                now.ToUnixTimeMilliseconds(),
                (long)effectiveCooldown.TotalMilliseconds,
                (long)Math.Max(options.Value.Retention.TotalMilliseconds, effectiveCooldown.TotalMilliseconds),
                $"{now.ToUnixTimeMilliseconds()}|{channel}|{contactId}",
                string.IsNullOrEmpty(contactId) ? "" : $"|{contactId}",
            ]))!;

        var previous = Parse((string?)result[1]);
        var granted = (long)result[0] == 1;
        return new ContactClaim(granted, previous?.At, previous?.Channel)
        {
            RetryAfter = granted || previous is null ? null : previous.At + effectiveCooldown,
        };
    }

    /// <summary>The latest contact recorded under any of the subject's identities, or null.</summary>
    public async Task<LastContact?> GetLastContactAsync(ContactSubject subject)
    {
        var keys = subject.Keys();
        if (keys.Count == 0)
        {
            return null;
        }

        var values = await redis.GetDatabase().StringGetAsync([.. keys.Select(key => (RedisKey)key)]);
        return values.Select(value => Parse(value)).Where(contact => contact is not null).MaxBy(contact => contact!.At);
    }

    private static LastContact? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var parts = value.Split('|');
        return parts.Length >= 2 && long.TryParse(parts[0], out var unixMs)
            ? new LastContact(DateTimeOffset.FromUnixTimeMilliseconds(unixMs), parts[1])
            : null;
    }
}
