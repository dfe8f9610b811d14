using PartnerMesh.Surveys.Api.Definitions;

namespace PartnerMesh.Surveys.Api.Decisions;

/// <summary>What a survey's frequency record says about one visitor: when it was last shown, and whether they answered.</summary>
public readonly record struct FrequencyState(DateTimeOffset? LastShownAt, bool Submitted)
{
    public static readonly FrequencyState None = new(null, false);

    /// <summary>One shopper's state from two of their identities' records: the later showing, submitted if either is.</summary>
    public static FrequencyState Merge(FrequencyState left, FrequencyState right) =>
        new(left.LastShownAt is { } a && (right.LastShownAt is not { } b || a >= b) ? a : right.LastShownAt, left.Submitted || right.Submitted);

    public string Serialize() => $"{LastShownAt?.ToUnixTimeMilliseconds() ?? 0}|{(Submitted ? 1 : 0)}";

    public static FrequencyState Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return None;
        }

        var parts = value.Split('|');
        DateTimeOffset? shown = parts.Length > 0 && long.TryParse(parts[0], out var ms) && ms > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        return new FrequencyState(shown, parts.Length > 1 && parts[1] == "1");
    }
}

/// <summary>The per-survey frequency rules (pure).</summary>
public static class FrequencyRule
{
    public static bool Allows(Survey survey, FrequencyState state, DateTimeOffset now)
    {
        var cooldown = survey.CooldownMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : TimeSpan.Zero;
        // Without a cooldown, time never refuses (not even a showing stamped a moment after this request's "now").
        var cooledDown = state.LastShownAt is not { } shown || cooldown == TimeSpan.Zero || now - shown >= cooldown;
        return survey.FrequencyMode switch
        {
            FrequencyModes.Once => state.LastShownAt is null && !state.Submitted,
            FrequencyModes.UntilSubmitted => !state.Submitted && cooledDown,
            _ => cooledDown,
        };
    }
}
