using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Npgsql;

namespace PartnerMesh.AppHost.Hosting.Runners;

/// <summary>
/// Tells whether a service's database already has every migration its build contains, so a warm start can skip the
/// <c>--migrate</c> process (a whole .NET start-up per service). Reads the <c>[Migration("id")]</c> attributes from the
/// assembly's metadata (nothing is loaded) and compares them with <c>__EFMigrationsHistory</c>. Any doubt means "run it".
/// </summary>
internal static class MigrationProbe
{
    private const string AttributeNamespace = "Microsoft.EntityFrameworkCore.Migrations";
    private const string AttributeName = "MigrationAttribute";

    public static async Task<(bool UpToDate, int Count)> IsUpToDateAsync(string dllPath, string connectionString, CancellationToken cancellationToken)
    {
        var declared = ReadMigrationIds(dllPath);
        if (declared.Count == 0)
        {
            return (false, 0);
        }

        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\"", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var applied = new HashSet<string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }

            return (declared.IsSubsetOf(applied), declared.Count);
        }
        catch (PostgresException)
        {
            // no history table yet (or another layout): migrate
            return (false, declared.Count);
        }
    }

    public static HashSet<string> ReadMigrationIds(string dllPath)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var stream = File.OpenRead(dllPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            return ids;
        }

        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.CustomAttributes)
        {
            var attribute = metadata.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var constructor = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
            if (constructor.Parent.Kind != HandleKind.TypeReference)
            {
                continue;
            }

            var type = metadata.GetTypeReference((TypeReferenceHandle)constructor.Parent);
            if (metadata.GetString(type.Name) != AttributeName || metadata.GetString(type.Namespace) != AttributeNamespace)
            {
                continue;
            }

            // custom attribute blob: prolog 0x0001, then the constructor's string argument
            var value = metadata.GetBlobReader(attribute.Value);
            if (value.ReadUInt16() == 1 && value.ReadSerializedString() is { Length: > 0 } id)
            {
                ids.Add(id);
            }
        }

        return ids;
    }
}
