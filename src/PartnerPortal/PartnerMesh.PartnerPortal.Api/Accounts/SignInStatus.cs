namespace PartnerMesh.PartnerPortal.Api.Accounts;

/// <summary>The caller sees <see cref="Failed"/> and <see cref="Throttled"/> alike.</summary>
public enum SignInStatus
{
    Succeeded = 0,
    Failed = 1,

    /// <summary>Refused without checking the password: the source (or the account, for unknown sources) has to wait.</summary>
    Throttled = 2,

    /// <summary>The password was right, but the account's partner is suspended (or not yet active): the form says so.</summary>
    PartnerNotActive = 3,
}
