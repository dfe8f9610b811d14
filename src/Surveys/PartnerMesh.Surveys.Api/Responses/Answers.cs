using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Definitions;

namespace PartnerMesh.Surveys.Api.Responses;

/// <summary>
/// One answer: <c>score</c> for NPS and CSAT, <c>choice</c> or <c>choices</c> (option codes, <c>other</c> with
/// <c>otherText</c>) for choice questions, <c>text</c> for free text.
/// </summary>
public sealed record Answer
{
    [Required]
    public string? QuestionId { get; init; }

    public int? Score { get; init; }
    public string? Choice { get; init; }
    public IReadOnlyList<string>? Choices { get; init; }
    public string? OtherText { get; init; }
    public string? Text { get; init; }
}

/// <summary>What a valid set of answers yields: the normalised answers and the figures insights and events use.</summary>
public sealed record ValidatedAnswers(IReadOnlyList<Answer> Answers, int? NpsScore, int? CsatScore, IReadOnlyList<string> ReasonCodes, string FreeText);

/// <summary>Checks answers against the questions of the version they answer. Free text is kept as given (data, never markup).</summary>
public static class AnswerRules
{
    /// <summary>Characters as a shopper counts them: text elements (an emoji, with its skin tone, is one), not UTF-16 code units.</summary>
    public const int MaxTextLength = 2_000;

    /// <summary>
    /// The size guard beside <see cref="MaxTextLength"/>: one text element may stack any number of combining marks. Eight
    /// bytes per character, so 2,000 emoji with a skin tone, or 2,000 flags, fit.
    /// </summary>
    public const int MaxTextBytes = 16_000;

    private static readonly string TextRule = $"1 to {MaxTextLength} characters (at most {MaxTextBytes} bytes in UTF-8)";

    /// <summary>A free text or an "other" text: not blank, storable, within <see cref="MaxTextLength"/> characters and <see cref="MaxTextBytes"/> bytes.</summary>
    public static bool IsText(string? text) =>
        !string.IsNullOrWhiteSpace(text) && StoredText.IsStorable(text)
        && (text.Length <= MaxTextLength
            || (Encoding.UTF8.GetByteCount(text) <= MaxTextBytes && new StringInfo(text).LengthInTextElements <= MaxTextLength));

    public static Dictionary<string, string[]>? Validate(IReadOnlyList<Question> questions, IReadOnlyList<Answer>? answers, out ValidatedAnswers result)
    {
        result = new ValidatedAnswers([], null, null, [], "");
        var errors = new Errors();
        if (answers is null || answers.Count == 0)
        {
            errors.Add("answers", "At least one answer is required.");
            return errors.ToDictionary();
        }

        var byId = questions.ToDictionary(question => question.Id, StringComparer.Ordinal);
        var answered = new HashSet<string>(StringComparer.Ordinal);
        var normalised = new List<Answer>(answers.Count);
        int? nps = null;
        int? csat = null;
        var reasons = new List<string>();
        var texts = new List<string>();
        for (var index = 0; index < answers.Count; index++)
        {
            var answer = answers[index];
            var field = $"answers[{index}]";
            if (answer?.QuestionId is not { } questionId || !byId.TryGetValue(questionId, out var question))
            {
                errors.Add($"{field}.questionId", $"Unknown question '{answer?.QuestionId}'.");
                continue;
            }

            if (!answered.Add(questionId))
            {
                errors.Add($"{field}.questionId", $"The question '{questionId}' is answered twice.");
                continue;
            }

            var clean = ValidateOne(question, answer, field, errors);
            if (clean is null)
            {
                continue;
            }

            normalised.Add(clean);
            switch (question.Type)
            {
                case QuestionTypes.Nps:
                    nps = clean.Score;
                    break;
                case QuestionTypes.Csat:
                    csat = clean.Score;
                    break;
                case QuestionTypes.FreeText:
                    texts.Add(clean.Text!);
                    break;
                default:
                    if (question.Id == ReasonCodes.QuestionId)
                    {
                        reasons.AddRange(clean.Choices ?? (clean.Choice is { } choice ? [choice] : []));
                    }

                    if (clean.OtherText is { } other)
                    {
                        texts.Add(other);
                    }

                    break;
            }
        }

        foreach (var question in questions.Where(question => question.Required && !answered.Contains(question.Id)))
        {
            errors.Add("answers", $"The question '{question.Id}' requires an answer.");
        }

        if (errors.Any)
        {
            return errors.ToDictionary();
        }

        result = new ValidatedAnswers(normalised, nps, csat, [.. reasons.Distinct(StringComparer.Ordinal)], string.Join("\n", texts));
        return null;
    }

    private static Answer? ValidateOne(Question question, Answer answer, string field, Errors errors)
    {
        var id = question.Id;
        switch (question.Type)
        {
            case QuestionTypes.Nps or QuestionTypes.Csat:
            {
                var (min, max) = question.Type == QuestionTypes.Nps ? (0, 10) : (1, 5);
                if (answer.Choice is not null || answer.Choices is not null || answer.Text is not null || answer.OtherText is not null)
                {
                    errors.Add(field, $"The {question.Type} question '{id}' takes a score only.");
                    return null;
                }

                if (answer.Score is not { } score || score < min || score > max)
                {
                    errors.Add($"{field}.score", $"The {question.Type} question '{id}' takes a whole score from {min} to {max}.");
                    return null;
                }

                return new Answer { QuestionId = id, Score = score };
            }

            case QuestionTypes.FreeText:
            {
                if (answer.Score is not null || answer.Choice is not null || answer.Choices is not null || answer.OtherText is not null)
                {
                    errors.Add(field, $"The free-text question '{id}' takes a text only.");
                    return null;
                }

                if (answer.Text is not { } text || !IsText(text))
                {
                    errors.Add($"{field}.text", $"The free-text question '{id}' takes a text of {TextRule}.");
                    return null;
                }

                return new Answer { QuestionId = id, Text = text };
            }

            default:
                return ValidateChoice(question, answer, field, errors);
        }
    }

    private static Answer? ValidateChoice(Question question, Answer answer, string field, Errors errors)
    {
        var id = question.Id;
        if (answer.Score is not null || answer.Text is not null)
        {
            errors.Add(field, $"The choice question '{id}' takes choice(s) only.");
            return null;
        }

        IReadOnlyList<string> picked;
        if (question.Type == QuestionTypes.SingleChoice)
        {
            if (answer.Choices is not null || answer.Choice is null)
            {
                errors.Add($"{field}.choice", $"The single-choice question '{id}' takes one choice.");
                return null;
            }

            picked = [answer.Choice];
        }
        else
        {
            // Either form, never both: keeping one of two differing picks would silently drop the other.
            if (answer.Choice is not null && answer.Choices is not null)
            {
                errors.Add(field, $"The multiple-choice question '{id}' takes choice or choices, not both.");
                return null;
            }

            picked = answer.Choices ?? (answer.Choice is { } single ? [single] : []);
            if (picked.Count == 0 || picked.Distinct(StringComparer.Ordinal).Count() != picked.Count)
            {
                errors.Add($"{field}.choices", $"The multiple-choice question '{id}' takes one or more distinct choices.");
                return null;
            }

            if (question.MaxSelections is { } max && picked.Count > max)
            {
                errors.Add($"{field}.choices", $"The question '{id}' takes at most {max.ToString(CultureInfo.InvariantCulture)} {(max == 1 ? "choice" : "choices")}.");
                return null;
            }
        }

        var codes = (question.Options ?? []).Select(option => option.Code).ToHashSet(StringComparer.Ordinal);
        var ok = true;
        foreach (var code in picked)
        {
            if (code is null || !(codes.Contains(code) || (question.AllowOther && code == ReasonCodes.Other)))
            {
                errors.Add($"{field}.choices", $"'{code}' is not an option of the question '{id}'.");
                ok = false;
            }
        }

        var other = picked.Contains(ReasonCodes.Other);
        if (other != (answer.OtherText is not null))
        {
            errors.Add($"{field}.otherText", "otherText goes with the choice 'other', and only with it.");
            ok = false;
        }
        else if (answer.OtherText is { } text && !IsText(text))
        {
            errors.Add($"{field}.otherText", $"otherText has {TextRule}.");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        return question.Type == QuestionTypes.SingleChoice
            ? new Answer { QuestionId = id, Choice = picked[0], OtherText = answer.OtherText }
            : new Answer { QuestionId = id, Choices = picked, OtherText = answer.OtherText };
    }
}
