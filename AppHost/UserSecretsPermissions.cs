using System.Reflection;
using Microsoft.Extensions.Configuration.UserSecrets;

namespace PartnerMesh.AppHost;

/// <summary>
/// The AppHost persists its generated secrets (database passwords, signing keys) in its user-secrets file. Before Aspire
/// first writes it, the directory is made owner-only (0700) and the file created owner-only (0600), so the secrets are
/// never readable by other users, not even for the moment between writing the file and restricting it.
/// </summary>
public static class UserSecretsPermissions
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Restrict()
    {
        if (OperatingSystem.IsWindows() || Assembly.GetEntryAssembly()?.GetCustomAttribute<UserSecretsIdAttribute>()?.UserSecretsId is not { } id)
        {
            return;
        }

        Restrict(PathHelper.GetSecretsPathFromSecretsId(id));
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static void Restrict(string file)
    {
        var directory = Path.GetDirectoryName(file)!;
        Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        File.SetUnixFileMode(directory, OwnerOnlyDirectory);
        if (!File.Exists(file))
        {
            using var created = new FileStream(file, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = OwnerOnlyFile,
            });
            created.Write("{}"u8);
        }

        File.SetUnixFileMode(file, OwnerOnlyFile);
    }
}
