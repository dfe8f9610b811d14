using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.Surveys.Api.Definitions;

/// <summary>One question of a survey version. Ids and option codes are stable keys: answers and insights refer to them.</summary>
public sealed record Question
{
    [Required]
    public string Id { get; init; } = "";

    [Required]
    public string Type { get; init; } = "";

    [Required]
    public string Text { get; init; } = "";

    public bool Required { get; init; }
    public IReadOnlyList<ChoiceOption>? Options { get; init; }
    /// <summary>Choice questions: the shopper may pick <c>other</c> and type a text.</summary>
    public bool AllowOther { get; init; }
    /// <summary>Multiple choice: at most this many picks (all options when null).</summary>
    public int? MaxSelections { get; init; }
}

public sealed record ChoiceOption(string Code, string Label);
