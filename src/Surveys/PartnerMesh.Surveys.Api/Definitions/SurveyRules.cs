using System.Text.RegularExpressions;
using PartnerMesh.Surveys.Api.Common;

namespace PartnerMesh.Surveys.Api.Definitions;

/// <summary>Validation of survey definitions; normalises a valid request into the questions to store.</summary>
public static partial class SurveyRules
{
    public const int MaxNameLength = 200;
    public const int MaxQuestions = 20;
    public const int MaxOptions = 30;
    public const int MaxTextLength = 500;
    public const int MaxListItems = 50;
    public const int MaxKeyLength = 64;
    public const int MaxCooldownHours = 24 * 365;

    public const string MaxSelectionsRule =
        "maxSelections applies to multiple choice: between 1 and the number of options, plus 1 for 'other' when allowOther is true.";

    public const string KeyRule = "lower-case letters, digits and dashes, 1 to 64 characters, starting with a letter or digit";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex KeyPattern();

    public static bool IsKey(string? value) => value is not null && KeyPattern().IsMatch(value);

    /// <summary>Null when valid; <paramref name="questions"/> is then what to store (defaults applied).</summary>
    public static Dictionary<string, string[]>? Validate(SaveSurveyRequest? request, out IReadOnlyList<Question> questions)
    {
        questions = [];
        var errors = new Errors();
        if (request is null)
        {
            errors.Add("body", "A survey definition is required.");
            return errors.ToDictionary();
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > MaxNameLength || !StoredText.IsStorable(request.Name))
        {
            errors.Add("name", $"A name of 1 to {MaxNameLength} characters is required.");
        }

        if (request.Kind is null || !SurveyKinds.All.Contains(request.Kind))
        {
            errors.Add("kind", $"kind must be one of {string.Join(", ", SurveyKinds.All)}.");
        }

        var trigger = request.Trigger ?? DefaultTrigger(request.Kind);
        if (trigger is null || !Triggers.Configurable.Contains(trigger))
        {
            errors.Add("trigger", $"trigger must be one of {string.Join(", ", Triggers.Configurable)}.");
        }
        else
        {
            var allowed = Touchpoints.For(trigger);
            foreach (var touchpoint in request.Touchpoints ?? [])
            {
                if (!allowed.Contains(touchpoint))
                {
                    errors.Add("touchpoints", $"'{touchpoint}' is not a touchpoint of the {trigger} trigger ({string.Join(", ", allowed)}).");
                }
            }

            if (trigger == Triggers.Event && !IsKey(request.EventName))
            {
                errors.Add("eventName", $"An event-triggered survey needs an eventName: {KeyRule}.");
            }
        }

        if (request.Touchpoints is { Count: > MaxListItems } || request.PartnerIds is { Count: > MaxListItems } || request.Segments is { Count: > MaxListItems })
        {
            errors.Add("targeting", $"At most {MaxListItems} touchpoints, partners or segments.");
        }

        foreach (var segment in request.Segments ?? [])
        {
            if (!IsKey(segment))
            {
                errors.Add("segments", $"Segment '{segment}' is not valid: {KeyRule}.");
            }
        }

        if (request.PartnerIds?.Any(id => id == Guid.Empty) == true)
        {
            errors.Add("partnerIds", "Partner ids must not be empty.");
        }

        if (request.SamplingPercent is < 0 or > 100)
        {
            errors.Add("samplingPercent", "samplingPercent must be between 0 and 100.");
        }

        var mode = request.Frequency?.Mode ?? FrequencyModes.Once;
        if (!FrequencyModes.All.Contains(mode))
        {
            errors.Add("frequency.mode", $"frequency.mode must be one of {string.Join(", ", FrequencyModes.All)}.");
        }

        if (request.Frequency?.CooldownHours is < 1 or > MaxCooldownHours)
        {
            errors.Add("frequency.cooldownHours", $"cooldownHours must be between 1 and {MaxCooldownHours}.");
        }
        else if (mode == FrequencyModes.Cooldown && request.Frequency?.CooldownHours is null)
        {
            errors.Add("frequency.cooldownHours", "The cooldown mode needs cooldownHours.");
        }
        else if (mode == FrequencyModes.Once && request.Frequency?.CooldownHours is not null)
        {
            // A once survey is never shown twice: hours stored with it would mean nothing.
            errors.Add("frequency.cooldownHours", "cooldownHours applies to the cooldown and until-submitted modes only, not to once.");
        }

        DateBounds.Check(errors, "startsAt", request.StartsAt);
        DateBounds.Check(errors, "endsAt", request.EndsAt);
        if (request.StartsAt is { } starts && request.EndsAt is { } ends && ends <= starts)
        {
            errors.Add("endsAt", "endsAt must be after startsAt.");
        }

        if (request.Priority is < -1000 or > 1000)
        {
            errors.Add("priority", "priority must be between -1000 and 1000.");
        }

        var requested = request.Questions ?? [];
        if (requested.Count == 0 && request.Kind == SurveyKinds.ExitIntent)
        {
            requested = [ReasonCodes.DefaultExitIntentQuestion()];
        }

        ValidateQuestions(requested, errors);
        if (DefiningQuestionType(request.Kind) is { } defining && requested.Count > 0 && !requested.Any(question => question?.Type == defining))
        {
            // The kind names the survey's score: an "nps" survey without an NPS question would never have one.
            errors.Add("questions", $"A survey of kind {request.Kind} needs a question of type {defining}.");
        }

        questions = requested;
        return errors.ToDictionary();
    }

    public static string? DefaultTrigger(string? kind) => kind switch
    {
        SurveyKinds.ExitIntent => Triggers.ExitIntent,
        SurveyKinds.PostPurchase or SurveyKinds.Nps or SurveyKinds.Csat => Triggers.PostPurchase,
        _ => null,
    };

    /// <summary>The question type a kind is named after (nps, csat), or null for kinds any questions fit.</summary>
    public static string? DefiningQuestionType(string? kind) => kind switch
    {
        SurveyKinds.Nps => QuestionTypes.Nps,
        SurveyKinds.Csat => QuestionTypes.Csat,
        _ => null,
    };

    private static void ValidateQuestions(IReadOnlyList<Question> questions, Errors errors)
    {
        if (questions.Count is 0 or > MaxQuestions)
        {
            errors.Add("questions", $"A survey has 1 to {MaxQuestions} questions.");
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < questions.Count; index++)
        {
            var question = questions[index];
            var field = $"questions[{index}]";
            if (question is null)
            {
                errors.Add(field, "A question is required.");
                continue;
            }

            if (!IsKey(question.Id))
            {
                errors.Add($"{field}.id", $"A question id is {KeyRule}.");
            }
            else if (!ids.Add(question.Id))
            {
                errors.Add($"{field}.id", $"The question id '{question.Id}' is used twice.");
            }

            if (!QuestionTypes.All.Contains(question.Type ?? ""))
            {
                errors.Add($"{field}.type", $"type must be one of {string.Join(", ", QuestionTypes.All)}.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(question.Text) || question.Text.Length > MaxTextLength || !StoredText.IsStorable(question.Text))
            {
                errors.Add($"{field}.text", $"A question text of 1 to {MaxTextLength} characters is required.");
            }

            if (QuestionTypes.IsChoice(question.Type!))
            {
                ValidateOptions(question, field, errors);
            }
            else if (question.Options is { Count: > 0 } || question.AllowOther || question.MaxSelections is not null)
            {
                errors.Add($"{field}.options", "Only choice questions have options, allowOther or maxSelections.");
            }
        }

        if (questions.Count(question => question?.Type == QuestionTypes.Nps) > 1 || questions.Count(question => question?.Type == QuestionTypes.Csat) > 1)
        {
            errors.Add("questions", "A survey has at most one NPS and one CSAT question (they are its scores).");
        }
    }

    private static void ValidateOptions(Question question, string field, Errors errors)
    {
        var options = question.Options ?? [];
        if (options.Count is < 1 or > MaxOptions)
        {
            errors.Add($"{field}.options", $"A choice question has 1 to {MaxOptions} options.");
            return;
        }

        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < options.Count; index++)
        {
            var option = options[index];
            if (option is null || !IsKey(option.Code) || option.Code == ReasonCodes.Other)
            {
                errors.Add($"{field}.options[{index}].code", $"An option code is {KeyRule} and not 'other' (use allowOther).");
            }
            else if (!codes.Add(option.Code))
            {
                errors.Add($"{field}.options[{index}].code", $"The option code '{option.Code}' is used twice.");
            }

            if (option is not null && (string.IsNullOrWhiteSpace(option.Label) || option.Label.Length > MaxTextLength || !StoredText.IsStorable(option.Label)))
            {
                errors.Add($"{field}.options[{index}].label", $"A label of 1 to {MaxTextLength} characters is required.");
            }
        }

        // What a shopper can pick: the options, and "other" only when the question allows it.
        if (question.MaxSelections is { } max
            && (question.Type != QuestionTypes.MultipleChoice || max < 1 || max > options.Count + (question.AllowOther ? 1 : 0)))
        {
            errors.Add($"{field}.maxSelections", MaxSelectionsRule);
        }
    }
}
