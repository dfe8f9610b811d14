using Npgsql;

/// <summary>
/// A year of daily partner KPI rows for the benchmark's partners (the 364 days before today, a counts row and a EUR
/// money row per partner and day, plus the merchant-wide rows a partner report reads for revenue shares), so the year
/// query reads real rows. Written straight into the analytics database: ingestion refuses events older than a week.
/// </summary>
internal static class YearOfDays
{
    public static async Task<int> SeedAsync(string connectionString, IReadOnlyList<Guid> partners, DateOnly today)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO kpi_aggregates (granularity, dimension, dimension_value, dimension_value2, period, currency,
                sessions, converted_sessions, page_views, product_views, add_to_carts, remove_from_carts, checkouts_started,
                clicks, orders, customer_orders, first_orders, repeat_orders, carts, abandoned_carts, recovered_carts,
                coupon_orders, verified_orders, promotion_orders, promotion_mismatches, surveys_shown, survey_responses,
                nps_responses, nps_promoters, nps_detractors, attributed_orders, refunded_orders, refunds,
                revenue, partner_revenue, commission, refunded_amount, updated_at)
            SELECT 'day', dim.dimension, dim.value, '', day, money.currency,
                s, s / 20, s * 4, s * 2, s / 3, s / 30, s / 10,
                s + 7, s / 20, s / 25, s / 60, s / 50, s / 3, s / 5, s / 40,
                s / 80, s / 25, s / 30, s / 400, s / 8, s / 30,
                s / 40, s / 70, s / 200, s / 20, s / 200, s / 200,
                money.factor * s * 3.5, money.factor * s * 3.5, money.factor * s * 0.35, money.factor * s * 0.1, now()
            FROM (SELECT unnest(@partners::text[]) AS value, 'partner' AS dimension UNION ALL SELECT '', 'all') dim
            CROSS JOIN generate_series(@first::timestamp, @last::timestamp, interval '1 day') AS day
            CROSS JOIN (VALUES ('', 0), ('EUR', 1)) AS money(currency, factor)
            CROSS JOIN LATERAL (SELECT 50 + (abs(hashtext(dim.value || day::text)) % 450)::bigint AS s) AS sizes
            ON CONFLICT DO NOTHING
            """,
            connection);
        command.Parameters.AddWithValue("partners", partners.Select(partner => partner.ToString()).ToArray());
        command.Parameters.AddWithValue("first", today.AddDays(-364).ToDateTime(TimeOnly.MinValue));
        command.Parameters.AddWithValue("last", today.AddDays(-1).ToDateTime(TimeOnly.MinValue));
        return await command.ExecuteNonQueryAsync();
    }
}
