using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class NetDailySalesAndStorefrontOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<decimal>(
                name: "revenue",
                table: "partner_daily_sales",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(18,2)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission",
                table: "partner_daily_sales",
                type: "numeric(20,4)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(18,2)");

            migrationBuilder.AddColumn<decimal>(
                name: "gross_revenue",
                table: "partner_daily_sales",
                type: "numeric(20,4)",
                nullable: false,
                defaultValue: 0m);

            // The daily sales kept so far were gross: nothing netted them.
            migrationBuilder.Sql("UPDATE partner_daily_sales SET gross_revenue = revenue;");

            migrationBuilder.AddColumn<bool>(
                name: "told_by_storefront",
                table: "orders",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // Orders the storefront created have a touchpoint (other services' facts carry none); one it told of after
            // another service counted its customer. The others are still waiting for their order_completed.
            migrationBuilder.Sql("UPDATE orders SET told_by_storefront = true WHERE touchpoint IS NOT NULL OR customer_counted;");

            migrationBuilder.CreateTable(
                name: "attributed_orders",
                columns: table => new
                {
                    order_id = table.Column<string>(type: "text", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    day = table.Column<DateOnly>(type: "date", nullable: true),
                    currency = table.Column<string>(type: "character(3)", nullable: true),
                    amount = table.Column<decimal>(type: "numeric(20,4)", nullable: false),
                    commission = table.Column<decimal>(type: "numeric(20,4)", nullable: false),
                    refunded_amount = table.Column<decimal>(type: "numeric(20,4)", nullable: false),
                    commission_reversed = table.Column<decimal>(type: "numeric(20,4)", nullable: false),
                    cancelled = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_attributed_orders", x => x.order_id);
                });

            // The orders already in the daily report, from the log's conversions, so that their later refunds are netted
            // (refunds recorded before this migration are not: their days stay gross until then).
            migrationBuilder.Sql(
                """
                INSERT INTO attributed_orders (order_id, partner_id, day, currency, amount, commission, refunded_amount, commission_reversed, cancelled, updated_at)
                SELECT DISTINCT ON (payload->>'orderId') payload->>'orderId', (payload->>'partnerId')::uuid, (occurred_at AT TIME ZONE 'UTC')::date,
                    payload->>'currency', COALESCE((payload->>'amount')::numeric, 0), COALESCE((payload->>'commission')::numeric, 0), 0, 0, false, now()
                FROM raw_events
                WHERE type = 'conversion_attributed' AND payload ? 'orderId' AND payload ? 'partnerId' AND payload ? 'currency'
                ORDER BY payload->>'orderId', sequence
                ON CONFLICT (order_id) DO NOTHING;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "attributed_orders");

            migrationBuilder.DropColumn(
                name: "gross_revenue",
                table: "partner_daily_sales");

            migrationBuilder.DropColumn(
                name: "told_by_storefront",
                table: "orders");

            migrationBuilder.AlterColumn<decimal>(
                name: "revenue",
                table: "partner_daily_sales",
                type: "numeric(18,2)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");

            migrationBuilder.AlterColumn<decimal>(
                name: "commission",
                table: "partner_daily_sales",
                type: "numeric(18,2)",
                nullable: false,
                oldClrType: typeof(decimal),
                oldType: "numeric(20,4)");
        }
    }
}
