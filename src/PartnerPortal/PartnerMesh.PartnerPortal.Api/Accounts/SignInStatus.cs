namespace PartnerMesh.PartnerPortal.Api.Accounts;

public enum SignInStatus
{
    Succeeded = 0,
    Failed = 1,
    LockedOut = 2,
}
