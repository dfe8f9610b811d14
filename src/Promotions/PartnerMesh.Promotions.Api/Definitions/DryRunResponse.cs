using PartnerMesh.Promotions.Api.Evaluations;

namespace PartnerMesh.Promotions.Api.Definitions;

/// <summary>
/// A dry run's answer: the evaluation of the draft beside everything live, as if the kill switch were off — it previews
/// the definitions — and <see cref="KillSwitch"/>, true when the kill switch is on and live evaluations apply none of it.
/// </summary>
public sealed record DryRunResponse : EvaluationResponse
{
    public DryRunResponse(EvaluationResponse evaluation, bool killSwitch)
        : base(evaluation) => KillSwitch = killSwitch;

    public bool KillSwitch { get; init; }
}
