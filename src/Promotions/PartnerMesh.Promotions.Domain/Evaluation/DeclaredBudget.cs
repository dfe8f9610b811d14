using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>A budget a use of a promotion counts against, with the currency of its spend cap: that of the promotion that
/// declared it (for a campaign budget, possibly another promotion of the campaign).</summary>
public sealed record DeclaredBudget(Budget Budget, string? Currency);
