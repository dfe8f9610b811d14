using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class BehaviourEventsAndKpiAggregates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "campaigns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    code = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    starts_on = table.Column<DateOnly>(type: "date", nullable: false),
                    ends_on = table.Column<DateOnly>(type: "date", nullable: false),
                    partner_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false),
                    incentives = table.Column<string[]>(type: "text[]", nullable: false),
                    targets = table.Column<string>(type: "jsonb", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "carts",
                columns: table => new
                {
                    cart_id = table.Column<string>(type: "text", nullable: false),
                    visitor_id = table.Column<string>(type: "text", nullable: false),
                    customer_id = table.Column<string>(type: "text", nullable: true),
                    email = table.Column<string>(type: "text", nullable: true),
                    session_id = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_activity_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    items = table.Column<int>(type: "integer", nullable: false),
                    total = table.Column<decimal>(type: "numeric(20,4)", nullable: false),
                    currency = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    counted = table.Column<bool>(type: "boolean", nullable: false),
                    abandoned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    campaign = table.Column<string>(type: "text", nullable: true),
                    traffic_source = table.Column<string>(type: "text", nullable: false),
                    touchpoint = table.Column<string>(type: "text", nullable: true),
                    segments = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_carts", x => x.cart_id);
                });

            migrationBuilder.CreateTable(
                name: "concentration_flags",
                columns: table => new
                {
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    currency = table.Column<string>(type: "text", nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    revenue_share = table.Column<decimal>(type: "numeric(9,4)", nullable: false),
                    raised_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    cleared_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_concentration_flags", x => new { x.partner_id, x.currency });
                });

            migrationBuilder.CreateTable(
                name: "customers",
                columns: table => new
                {
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    orders = table.Column<int>(type: "integer", nullable: false),
                    first_order_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_order_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    carts = table.Column<int>(type: "integer", nullable: false),
                    abandoned_carts = table.Column<int>(type: "integer", nullable: false),
                    lapsed = table.Column<bool>(type: "boolean", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    segments = table.Column<string[]>(type: "text[]", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customers", x => x.customer_id);
                });

            migrationBuilder.CreateTable(
                name: "kpi_aggregates",
                columns: table => new
                {
                    granularity = table.Column<string>(type: "text", nullable: false),
                    dimension = table.Column<string>(type: "text", nullable: false),
                    dimension_value = table.Column<string>(type: "text", nullable: false),
                    period = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    currency = table.Column<string>(type: "text", nullable: false),
                    sessions = table.Column<long>(type: "bigint", nullable: false),
                    converted_sessions = table.Column<long>(type: "bigint", nullable: false),
                    page_views = table.Column<long>(type: "bigint", nullable: false),
                    product_views = table.Column<long>(type: "bigint", nullable: false),
                    add_to_carts = table.Column<long>(type: "bigint", nullable: false),
                    remove_from_carts = table.Column<long>(type: "bigint", nullable: false),
                    checkouts_started = table.Column<long>(type: "bigint", nullable: false),
                    clicks = table.Column<long>(type: "bigint", nullable: false),
                    orders = table.Column<long>(type: "bigint", nullable: false),
                    customer_orders = table.Column<long>(type: "bigint", nullable: false),
                    first_orders = table.Column<long>(type: "bigint", nullable: false),
                    repeat_orders = table.Column<long>(type: "bigint", nullable: false),
                    carts = table.Column<long>(type: "bigint", nullable: false),
                    abandoned_carts = table.Column<long>(type: "bigint", nullable: false),
                    recovered_carts = table.Column<long>(type: "bigint", nullable: false),
                    coupon_orders = table.Column<long>(type: "bigint", nullable: false),
                    verified_orders = table.Column<long>(type: "bigint", nullable: false),
                    promotion_orders = table.Column<long>(type: "bigint", nullable: false),
                    promotion_mismatches = table.Column<long>(type: "bigint", nullable: false),
                    surveys_shown = table.Column<long>(type: "bigint", nullable: false),
                    survey_responses = table.Column<long>(type: "bigint", nullable: false),
                    nps_responses = table.Column<long>(type: "bigint", nullable: false),
                    nps_promoters = table.Column<long>(type: "bigint", nullable: false),
                    nps_detractors = table.Column<long>(type: "bigint", nullable: false),
                    attributed_orders = table.Column<long>(type: "bigint", nullable: false),
                    refunded_orders = table.Column<long>(type: "bigint", nullable: false),
                    refunds = table.Column<long>(type: "bigint", nullable: false),
                    revenue = table.Column<decimal>(type: "numeric(20,4)", nullable: false),
                    partner_revenue = table.Column<decimal>(type: "numeric(20,4)", nullable: false),
                    commission = table.Column<decimal>(type: "numeric(20,4)", nullable: false),
                    refunded_amount = table.Column<decimal>(type: "numeric(20,4)", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_kpi_aggregates", x => new { x.granularity, x.dimension, x.dimension_value, x.period, x.currency });
                });

            migrationBuilder.CreateTable(
                name: "orders",
                columns: table => new
                {
                    order_id = table.Column<string>(type: "text", nullable: false),
                    ordered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    currency = table.Column<string>(type: "text", nullable: false),
                    amount = table.Column<decimal>(type: "numeric(20,4)", nullable: false),
                    customer_id = table.Column<string>(type: "text", nullable: true),
                    customer_counted = table.Column<bool>(type: "boolean", nullable: false),
                    attributed = table.Column<bool>(type: "boolean", nullable: false),
                    commission = table.Column<decimal>(type: "numeric(20,4)", nullable: false),
                    coupon = table.Column<bool>(type: "boolean", nullable: false),
                    verified = table.Column<bool>(type: "boolean", nullable: false),
                    promotion = table.Column<bool>(type: "boolean", nullable: false),
                    mismatch = table.Column<bool>(type: "boolean", nullable: false),
                    refunded = table.Column<bool>(type: "boolean", nullable: false),
                    refunds = table.Column<long>(type: "bigint", nullable: false),
                    refunded_amount = table.Column<decimal>(type: "numeric(20,4)", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    campaign = table.Column<string>(type: "text", nullable: true),
                    traffic_source = table.Column<string>(type: "text", nullable: false),
                    touchpoint = table.Column<string>(type: "text", nullable: true),
                    segments = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders", x => x.order_id);
                });

            migrationBuilder.CreateTable(
                name: "raw_events",
                columns: table => new
                {
                    event_id = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    aggregated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    replayed = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_raw_events", x => x.event_id);
                });

            migrationBuilder.CreateTable(
                name: "sessions",
                columns: table => new
                {
                    session_id = table.Column<string>(type: "text", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    visitor_id = table.Column<string>(type: "text", nullable: true),
                    converted = table.Column<bool>(type: "boolean", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    campaign = table.Column<string>(type: "text", nullable: true),
                    traffic_source = table.Column<string>(type: "text", nullable: false),
                    touchpoint = table.Column<string>(type: "text", nullable: true),
                    segments = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sessions", x => x.session_id);
                });

            migrationBuilder.CreateTable(
                name: "survey_impressions",
                columns: table => new
                {
                    impression_id = table.Column<Guid>(type: "uuid", nullable: false),
                    shown_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    shown = table.Column<bool>(type: "boolean", nullable: false),
                    responded = table.Column<bool>(type: "boolean", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    campaign = table.Column<string>(type: "text", nullable: true),
                    traffic_source = table.Column<string>(type: "text", nullable: false),
                    touchpoint = table.Column<string>(type: "text", nullable: true),
                    segments = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_survey_impressions", x => x.impression_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_starts_on",
                table: "campaigns",
                column: "starts_on");

            migrationBuilder.CreateIndex(
                name: "ux_campaigns_code",
                table: "campaigns",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_campaigns_idempotency_key",
                table: "campaigns",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_carts_open",
                table: "carts",
                column: "last_activity_at",
                filter: "status = 'open'");

            migrationBuilder.CreateIndex(
                name: "ix_customers_not_lapsed",
                table: "customers",
                column: "last_order_at",
                filter: "NOT lapsed");

            migrationBuilder.CreateIndex(
                name: "ix_customers_partner_id",
                table: "customers",
                column: "partner_id");

            migrationBuilder.CreateIndex(
                name: "ix_raw_events_sequence",
                table: "raw_events",
                column: "sequence",
                filter: "aggregated_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_raw_events_sequence1",
                table: "raw_events",
                column: "sequence",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaigns");

            migrationBuilder.DropTable(
                name: "carts");

            migrationBuilder.DropTable(
                name: "concentration_flags");

            migrationBuilder.DropTable(
                name: "customers");

            migrationBuilder.DropTable(
                name: "kpi_aggregates");

            migrationBuilder.DropTable(
                name: "orders");

            migrationBuilder.DropTable(
                name: "raw_events");

            migrationBuilder.DropTable(
                name: "sessions");

            migrationBuilder.DropTable(
                name: "survey_impressions");
        }
    }
}
