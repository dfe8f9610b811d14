namespace PartnerMesh.Surveys.Api.Definitions;

public static class SurveyKinds
{
    public const string Nps = "nps";
    public const string Csat = "csat";
    public const string ExitIntent = "exit-intent";
    public const string PostPurchase = "post-purchase";
    public const string Custom = "custom";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Nps, Csat, ExitIntent, PostPurchase, Custom };
}

public static class Triggers
{
    public const string ExitIntent = "exit-intent";
    public const string PostPurchase = "post-purchase";
    public const string EmailLink = "email-link";
    public const string Event = "event";

    /// <summary>The triggers a survey can be set to (an email link is the post-purchase trigger's email channel).</summary>
    public static readonly IReadOnlySet<string> Configurable = new HashSet<string>(StringComparer.Ordinal) { ExitIntent, PostPurchase, Event };
}

public static class Touchpoints
{
    public const string Product = "product";
    public const string Cart = "cart";
    public const string Checkout = "checkout";
    public const string Order = "order";
    public const string Email = "email";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Product, Cart, Checkout, Order, Email };

    /// <summary>Where each trigger may fire: exit intent on product, cart and checkout pages; post-purchase on the order
    /// page or by email; events anywhere.</summary>
    public static IReadOnlySet<string> For(string trigger) => trigger switch
    {
        Triggers.ExitIntent => new HashSet<string>(StringComparer.Ordinal) { Product, Cart, Checkout },
        Triggers.PostPurchase => new HashSet<string>(StringComparer.Ordinal) { Order, Email },
        _ => All,
    };
}

public static class FrequencyModes
{
    /// <summary>Shown at most once per visitor.</summary>
    public const string Once = "once";

    /// <summary>Shown again (after the cooldown, if any) until the visitor submits.</summary>
    public const string UntilSubmitted = "until-submitted";

    /// <summary>Keeps showing, at most once per cooldown.</summary>
    public const string Cooldown = "cooldown";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Once, UntilSubmitted, Cooldown };
}

public static class QuestionTypes
{
    public const string Nps = "nps";
    public const string Csat = "csat";
    public const string SingleChoice = "single-choice";
    public const string MultipleChoice = "multiple-choice";
    public const string FreeText = "free-text";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Nps, Csat, SingleChoice, MultipleChoice, FreeText };

    public static bool IsChoice(string type) => type is SingleChoice or MultipleChoice;
}

/// <summary>The common abandonment reasons (DOMAIN-RULES, Surveys): stable codes that insights and analytics count on.</summary>
public static class ReasonCodes
{
    public const string Other = "other";

    /// <summary>
    /// The reason question: the choices picked in the choice question with this id, and only in it, are a response's
    /// reason codes (insights' <c>reasons</c>, <c>SurveyResponseSubmitted.ReasonCodes</c>). Other choice questions (a
    /// size, a yes/no) are answers, not reasons.
    /// </summary>
    public const string QuestionId = "reason";

    public static readonly IReadOnlyList<ChoiceOption> Abandonment =
    [
        new("extra-costs", "Extra costs (shipping, tax, fees) were too high"),
        new("delivery-too-slow", "Delivery was too slow"),
        new("no-trust-card-details", "I didn't trust the site with my card details"),
        new("forced-account", "The site wanted me to create an account"),
        new("checkout-too-long", "The checkout was too long or complicated"),
        new("just-browsing", "I was just browsing"),
        new("better-price", "I found a better price elsewhere"),
        new("coupon-did-not-work", "My coupon didn't work"),
    ];

    /// <summary>The question an exit-intent survey gets when it is created without questions.</summary>
    public static Question DefaultExitIntentQuestion() => new()
    {
        Id = QuestionId,
        Type = QuestionTypes.MultipleChoice,
        Text = "What stopped you from completing your purchase today?",
        Required = true,
        Options = [.. Abandonment],
        AllowOther = true,
    };
}
