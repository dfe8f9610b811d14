namespace PartnerMesh.PartnerPortal.Api.Attribution;

/// <summary>The partner as attribution-api tells it (the portal's own copy of the fields it uses: services share no projects).</summary>
/// <param name="ProgramId">The partner's program; null for a partner with a flat rate and no program (hence no agreements).</param>
public sealed record PartnerProfile(Guid Id, string Name, Guid? ProgramId);

/// <summary>A version of the program's agreement; a partner earns only once it has accepted the latest one.</summary>
public sealed record ProgramAgreement(Guid Id, Guid ProgramId, int Version, string Title, string Body, DateTimeOffset CreatedAt);
