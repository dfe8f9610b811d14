namespace PartnerMesh.Promotions.Api.Definitions;

/// <summary>
/// Versions are numbered, not keyed by time-ordered ids; their page cursor carries the number in a Guid so that it is the
/// same opaque format as every other cursor (<see cref="ServiceDefaults.WebApi.Paging"/>).
/// </summary>
public static class VersionCursor
{
    public static Guid ToGuid(int version) => new(version, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static bool TryFromGuid(Guid cursor, out int version)
    {
        version = BitConverter.ToInt32(cursor.ToByteArray(), 0);
        return version >= 1 && cursor == ToGuid(version);
    }
}
