using System.Reflection;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PartnerMesh.Analytics.Api.Infrastructure;

namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>Adds a batch's counter deltas to <c>kpi_aggregates</c> in one upsert (rows sorted by key, so concurrent writers never deadlock).</summary>
public static class AggregateWriter
{
    private static readonly PropertyInfo[] Counters = typeof(KpiAggregate).GetProperties()
        .Where(property => property.PropertyType == typeof(long) || property.PropertyType == typeof(decimal))
        .ToArray();

    private static readonly string Sql = BuildSql();

    public static async Task AddAsync(this AnalyticsDbContext db, IEnumerable<KpiAggregate> deltas, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = deltas
            .OrderBy(row => row.Granularity, StringComparer.Ordinal)
            .ThenBy(row => row.Dimension, StringComparer.Ordinal)
            .ThenBy(row => row.DimensionValue, StringComparer.Ordinal)
            .ThenBy(row => row.DimensionValue2, StringComparer.Ordinal)
            .ThenBy(row => row.Period)
            .ThenBy(row => row.Currency, StringComparer.Ordinal)
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var parameters = new List<NpgsqlParameter>
        {
            new("now", now),
            Array("granularity", NpgsqlDbType.Text, rows.Select(row => row.Granularity).ToArray()),
            Array("dimension", NpgsqlDbType.Text, rows.Select(row => row.Dimension).ToArray()),
            Array("dimension_value", NpgsqlDbType.Text, rows.Select(row => row.DimensionValue).ToArray()),
            Array("dimension_value2", NpgsqlDbType.Text, rows.Select(row => row.DimensionValue2).ToArray()),
            Array("period", NpgsqlDbType.Timestamp, rows.Select(row => row.Period).ToArray()),
            Array("currency", NpgsqlDbType.Text, rows.Select(row => row.Currency).ToArray()),
        };
        foreach (var counter in Counters)
        {
            parameters.Add(counter.PropertyType == typeof(long)
                ? Array(Column(counter), NpgsqlDbType.Bigint, rows.Select(row => (long)counter.GetValue(row)!).ToArray())
                : Array(Column(counter), NpgsqlDbType.Numeric, rows.Select(row => (decimal)counter.GetValue(row)!).ToArray()));
        }

        await db.Database.ExecuteSqlRawAsync(Sql, parameters, cancellationToken);
    }

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, T[] values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values };

    private static string BuildSql()
    {
        var keys = new[] { "granularity", "dimension", "dimension_value", "dimension_value2", "period", "currency" };
        var counters = Counters.Select(Column).ToArray();
        var all = keys.Concat(counters).ToArray();
        var sql = new StringBuilder();
        sql.Append("INSERT INTO kpi_aggregates (").Append(string.Join(", ", all)).Append(", updated_at) ");
        sql.Append("SELECT ").Append(string.Join(", ", all.Select(column => "d." + column))).Append(", @now ");
        sql.Append("FROM unnest(").Append(string.Join(", ", all.Select(column => "@" + column))).Append(") AS d(")
            .Append(string.Join(", ", all)).Append(") ");
        sql.Append("ON CONFLICT (").Append(string.Join(", ", keys)).Append(") DO UPDATE SET ");
        sql.Append(string.Join(", ", counters.Select(column => $"{column} = kpi_aggregates.{column} + EXCLUDED.{column}")));
        sql.Append(", updated_at = EXCLUDED.updated_at");
        return sql.ToString();
    }

    private static string Column(PropertyInfo property)
    {
        var name = new StringBuilder();
        foreach (var character in property.Name)
        {
            if (char.IsUpper(character) && name.Length > 0)
            {
                name.Append('_');
            }

            name.Append(char.ToLowerInvariant(character));
        }

        return name.ToString();
    }
}
