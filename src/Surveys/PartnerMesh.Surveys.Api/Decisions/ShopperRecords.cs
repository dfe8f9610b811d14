namespace PartnerMesh.Surveys.Api.Decisions;

/// <summary>
/// What a decision reads for one shopper: the state for each survey asked about (in order), the last contact, and the
/// surveys (or <see cref="FrequencyRecord.AnySurvey"/>) whose record lags under some identity.
/// </summary>
public sealed record ShopperRecords(FrequencyState[] Surveys, FrequencyState LastContact, IReadOnlyList<Guid> Unlinked);
