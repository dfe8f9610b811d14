using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ChronologicalFirstOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "session_id",
                table: "orders",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "first_order_id",
                table: "customers",
                type: "text",
                nullable: true);

            // Each customer's first order so far (the one counted first, as analytics decided until now): an earlier order
            // told from now on takes its place. The sessions of orders counted before are unknown (they stay where they are).
            migrationBuilder.Sql(
                """
                UPDATE customers c SET first_order_id = f.order_id, first_order_at = f.ordered_at
                FROM (SELECT DISTINCT ON (customer_id) customer_id, order_id, ordered_at FROM orders
                      WHERE first_order AND customer_id IS NOT NULL ORDER BY customer_id, ordered_at, order_id) f
                WHERE f.customer_id = c.customer_id;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "session_id",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "first_order_id",
                table: "customers");
        }
    }
}
