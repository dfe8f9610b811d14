namespace PartnerMesh.PartnerPortal.Api.Accounts;

public sealed record SignInResult(SignInStatus Status, PortalAccount? Account)
{
    public static readonly SignInResult Failed = new(SignInStatus.Failed, null);
    public static readonly SignInResult Throttled = new(SignInStatus.Throttled, null);
    public static readonly SignInResult PartnerNotActive = new(SignInStatus.PartnerNotActive, null);

    public static SignInResult Success(PortalAccount account) => new(SignInStatus.Succeeded, account);
}
