using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>
/// Writes a batch's facts of one type set-based: one multi-row <c>INSERT … ON CONFLICT (key) DO UPDATE</c> per type (per
/// chunk of rows under PostgreSQL's parameter limit) instead of one EF Core statement per new or changed row. Columns,
/// key and parameter types come from the EF model, so the statement follows the entity configuration. Safe as a whole-row
/// write because facts are only written under the aggregation lock (aggregator and sweeper), after being loaded in it.
/// </summary>
public static class FactWriter
{
    /// <summary>PostgreSQL takes at most 65,535 parameters per statement.</summary>
    public const int MaxParameters = 65_000;

    public static async Task<int> UpsertAsync(this DbContext db, Type factType, IReadOnlyList<object> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        var statement = Statement.For(db.Model, factType);
        using var parameterFactory = new NpgsqlCommand();
        var written = 0;
        foreach (var chunk in rows.Chunk(RowsPerStatement(statement.Properties.Count)))
        {
            var parameters = new List<DbParameter>(chunk.Length * statement.Properties.Count);
            var values = new StringBuilder();
            foreach (var row in chunk)
            {
                values.Append(values.Length == 0 ? "(" : ", (");
                for (var index = 0; index < statement.Properties.Count; index++)
                {
                    var (property, mapping) = statement.Properties[index];
                    var name = "p" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    parameters.Add(mapping.CreateParameter(parameterFactory, name, ProviderValue(property, mapping, row), property.IsNullable));
                    values.Append(index == 0 ? "@" : ", @").Append(name);
                }

                values.Append(')');
            }

            written += await db.Database.ExecuteSqlRawAsync(statement.Sql(values.ToString()), parameters, cancellationToken);
        }

        return written;
    }

    /// <summary>How many rows one statement takes: as many as fit under <see cref="MaxParameters"/>, at least one.</summary>
    public static int RowsPerStatement(int columns) => Math.Max(1, MaxParameters / Math.Max(1, columns));

    private static object? ProviderValue(IProperty property, RelationalTypeMapping mapping, object row)
    {
        var value = property.GetGetter().GetClrValue(row);
        if (mapping.Converter is { } converter && value is not null)
        {
            value = converter.ConvertToProvider(value);
        }

        // timestamptz takes UTC only (Npgsql refuses another offset).
        return value is DateTimeOffset at ? at.ToUniversalTime() : value;
    }

    private sealed record Statement(IReadOnlyList<(IProperty Property, RelationalTypeMapping Mapping)> Properties, string Head, string Tail)
    {
        public string Sql(string values) => Head + values + Tail;

        public static Statement For(IModel model, Type factType)
        {
            var entityType = model.FindEntityType(factType) ?? throw new InvalidOperationException($"{factType.Name} is not in the model.");
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var properties = entityType.GetProperties().Select(property => (property, (RelationalTypeMapping)property.GetRelationalTypeMapping())).ToList();
            var key = entityType.FindPrimaryKey()!.Properties;
            string Column(IProperty property) => "\"" + property.GetColumnName(table) + "\"";
            var head = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", properties.Select(pair => Column(pair.property)))}) VALUES ";
            var updates = properties.Where(pair => !key.Contains(pair.property)).Select(pair => $"{Column(pair.property)} = EXCLUDED.{Column(pair.property)}").ToList();
            var tail = $" ON CONFLICT ({string.Join(", ", key.Select(Column))}) "
                + (updates.Count == 0 ? "DO NOTHING" : "DO UPDATE SET " + string.Join(", ", updates));
            return new Statement(properties, head, tail);
        }
    }
}
